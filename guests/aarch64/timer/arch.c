/* The timer guest on aarch64: the EL1 virtual timer (PPI 27) and physical
 * timer (PPI 30); then WFI with an SGI pending below the priority mask
 * (the vCPU must sleep through it until the timer, as a CPU does), the
 * timers' level sensitivity (level.c), SGIs raised again while held and,
 * on a GICv3, a timer's interrupt held as an SGI is sent. */
#include "timer.h"
#include "level.h"

#define MASKED_SGI 1u

#define msr(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static void vtimer_enable(void)
{
	gic_enable_private(0, 27);
}
static void vtimer_arm(uint64_t cval)
{
	msr(cntv_cval_el0, cval);
	msr(cntv_ctl_el0, 1);
}
static void vtimer_stop(void)
{
	msr(cntv_ctl_el0, 0);
}
static void ptimer_enable(void)
{
	gic_enable_private(0, 30);
}
static void ptimer_arm(uint64_t cval)
{
	msr(cntp_cval_el0, cval);
	msr(cntp_ctl_el0, 1);
}
static void ptimer_stop(void)
{
	msr(cntp_ctl_el0, 0);
}

const struct timer_src timer_srcs[] = {
	{ "virtual timer (PPI 27)", 27, vtimer_enable, vtimer_arm,
	  vtimer_stop },
	{ "physical timer (PPI 30)", 30, ptimer_enable, ptimer_arm,
	  ptimer_stop },
};
unsigned timer_arch_sources(void)
{
	return sizeof(timer_srcs) / sizeof(timer_srcs[0]);
}

static bool sgi_irq(unsigned irq);
static bool held_irq(unsigned irq);

static volatile unsigned masked_sgis; /* SGI 1 taken */
static volatile unsigned masked_ticks;
static volatile bool in_masked_wait;

bool timer_arch_irq(unsigned irq)
{
	if (level_irq(irq) || sgi_irq(irq) || held_irq(irq))
		return true;
	if (irq == MASKED_SGI) {
		masked_sgis++;
		return true;
	}
	if (in_masked_wait && irq == 27) {
		masked_ticks++;
		vtimer_stop();
		return true;
	}
	return false;
}

/* One virtual-timer tick 10 periods ahead, with SGI 1 pending below the
 * priority mask: WFI may return only for the tick. Then the mask opens
 * and the SGI is taken. */
static bool masked_wait(uint64_t period)
{
	unsigned wakeups = 0;

	gic_set_priority(0, MASKED_SGI, 0xc0);
	gic_set_priority(0, 27, 0x40);
	gic_enable_private(0, MASKED_SGI);
	gic_set_pmr(0x80);
	masked_ticks = 0;
	in_masked_wait = true;
	irq_disable();
	gic_send_sgi(0, MASKED_SGI);
	vtimer_arm(guest_counter() + 10 * period);
	while (!masked_ticks) {
		wait_irq_masked();
		wakeups++;
	}
	vtimer_stop();
	in_masked_wait = false;
	gic_set_pmr(0xff);
	while (!masked_sgis)
		wait_irq_masked();
	guest_puts("timer: WFI with a masked SGI pending: ");
	guest_put_dec(wakeups);
	guest_puts(" wakeup(s) before the tick, then the SGI taken\n");
	return wakeups <= 2;
}

/* ---- SGIs raised again while a list register still holds them ----
 * cvisor's SGI exit leaves the list registers the guest has finished
 * with for a later exit, and puts an SGI raised again back into its
 * list register as it takes that one back, unless something else waits
 * (which may come first). Both slow cases, with IRQs masked: */
#define SGI_AGAIN 3u /* priority 0x50 */
#define SGI_LOW0  5u /* 5-7: priority 0x60, to fill the list registers */
#define SGI_HIGH  8u /* priority 0x10 */

static volatile unsigned sgi_taken[16], sgi_first;

static bool sgi_irq(unsigned irq)
{
	if (irq != SGI_AGAIN && irq != SGI_HIGH &&
	    (irq < SGI_LOW0 || irq > SGI_LOW0 + 2))
		return false;
	if (!sgi_first)
		sgi_first = irq;
	sgi_taken[irq]++;
	return true;
}

/* Waits a while, IRQs unmasked, for SGI_AGAIN's count to reach 'want'
 * (bounded: an SGI lost is a FAIL line, not a hang). */
static void sgi_wait(unsigned want)
{
	irq_enable();
	for (unsigned i = 0; i < 1000000 && sgi_taken[SGI_AGAIN] != want; i++)
		;
	irq_disable();
}

/* Takes SGI_AGAIN once, so that its list register is done with. */
static void sgi_take_once(void)
{
	gic_send_sgi(0, SGI_AGAIN);
	sgi_wait(sgi_taken[SGI_AGAIN] + 1);
}

/* Whether the CPU signals an IRQ within a while, IRQs masked (no exit:
 * ISR_EL1 is not trapped). */
static bool irq_signalled(void)
{
	for (unsigned i = 0; i < 1000; i++) {
		uint64_t isr;
		__asm__ volatile("mrs %0, isr_el1" : "=r"(isr));
		if (isr & (1u << 7))
			return true;
	}
	return false;
}

static bool sgi_checks(void)
{
	bool again_ok, first_ok, all_ok;

	gic_set_priority(0, SGI_AGAIN, 0x50);
	gic_set_priority(0, SGI_HIGH, 0x10);
	gic_enable_private(0, SGI_AGAIN);
	gic_enable_private(0, SGI_HIGH);
	for (unsigned s = SGI_LOW0; s < SGI_LOW0 + 3; s++) {
		gic_set_priority(0, s, 0x60);
		gic_enable_private(0, s);
	}
	irq_disable();
	/* An SGI to itself again after its EOI: signalled at once. */
	sgi_take_once();
	gic_send_sgi(0, SGI_AGAIN);
	again_ok = irq_signalled();
	sgi_wait(2);
	/* Again, the list registers full meanwhile (4 on QEMU) and one of
	 * higher priority queued: that one is taken first. */
	sgi_take_once();
	for (unsigned s = SGI_LOW0; s < SGI_LOW0 + 3; s++)
		gic_send_sgi(0, s);
	gic_send_sgi(0, SGI_HIGH);
	gic_send_sgi(0, SGI_AGAIN);
	sgi_first = 0;
	irq_enable();
	/* Bounded: an SGI lost is a FAIL line, not a hang. */
	for (unsigned i = 0;
	     i < 1000000 && (sgi_taken[SGI_AGAIN] != 4 ||
			     !sgi_taken[SGI_HIGH] || !sgi_taken[SGI_LOW0 + 2]);
	     i++)
		;
	irq_disable();
	first_ok = sgi_first == SGI_HIGH;
	all_ok = sgi_taken[SGI_AGAIN] == 4 && sgi_taken[SGI_HIGH] == 1 &&
		 sgi_taken[SGI_LOW0] == 1 && sgi_taken[SGI_LOW0 + 1] == 1 &&
		 sgi_taken[SGI_LOW0 + 2] == 1;
	guest_puts("timer: an SGI raised again after its EOI: ");
	guest_puts(again_ok ? "signalled" : "FAIL: not signalled");
	guest_puts("; beside a queued one of higher priority: ");
	guest_puts(first_ok ? "that one first" : "FAIL: not first");
	guest_puts(all_ok ? ", each once\n" : ", FAIL: not each once\n");
	return again_ok && first_ok && all_ok;
}

/* ---- A timer's list register, not taken yet, as an SGI is sent ----
 * cvisor's SGI exit (vcpu_arch_sgi) is the usual exit while a timer's
 * list register waits (lr_level): that exit is where a timer's list
 * register filled for the guest to take at once (IRQs unmasked), but not
 * taken, follows the timer's level. The guest cannot take it while its
 * running priority is above the timer's: SGI_RUN acknowledged and
 * deactivated (EOImode 1) but not ended. The timer fires, the guest
 * lowers it, sends an SGI to nobody, and ends SGI_RUN: the timer's
 * interrupt, its level down, must not be taken then. GICv3 only (the
 * SGI is a trapped MSR). */
#define SGI_RUN  10u /* priority 0x20, above the virtual timer's 0x40 */
#define SGI_NONE 11u

static volatile bool held_check;
static volatile unsigned held_taken;

static bool held_irq(unsigned irq)
{
	if (!held_check || irq != 27)
		return false;
	held_taken++;
	vtimer_stop();
	msr(S3_0_C12_C11_1, irq); /* ICC_DIR_EL1: EOIR only drops it */
	return true;
}

static bool held_timer_check(void)
{
	uint64_t iar, hppir = 1023, end;

	gic_set_priority(0, SGI_RUN, 0x20);
	gic_set_priority(0, 27, 0x40);
	gic_enable_private(0, SGI_RUN);
	vtimer_enable();
	irq_disable();
	msr(S3_0_C12_C12_4, 2); /* ICC_CTLR_EL1.EOImode */
	__asm__ volatile("isb");
	gic_send_sgi(0, SGI_RUN);
	(void)irq_signalled();
	__asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar)); /* IAR1 */
	msr(S3_0_C12_C11_1, iar); /* DIR: its list register free */
	held_taken = 0;
	held_check = true;
	irq_enable();
	vtimer_arm(0); /* fires at once */
	__asm__ volatile("isb");
	/* In a list register (HPPIR1 reads it, not trapped), not taken. */
	end = guest_counter() + guest_counter_freq() / 100;
	while (hppir != 27 && guest_counter() < end)
		__asm__ volatile("mrs %0, S3_0_C12_C12_2" : "=r"(hppir));
	vtimer_stop();
	__asm__ volatile("isb");
	msr(S3_0_C12_C11_5, (uint64_t)SGI_NONE << 24); /* SGI1R: no target */
	__asm__ volatile("isb");
	msr(S3_0_C12_C12_1, iar); /* EOIR1: the running priority dropped */
	__asm__ volatile("isb");
	for (end = guest_counter() + guest_counter_freq() / 1000;
	     guest_counter() < end;)
		;
	irq_disable();
	held_check = false;
	msr(S3_0_C12_C12_4, 0);
	__asm__ volatile("isb");
	guest_puts("timer: its interrupt held below the running priority, "
		   "lowered, an SGI sent: ");
	if (iar != SGI_RUN || hppir != 27)
		guest_puts("FAIL: never held\n");
	else
		guest_puts(held_taken ? "FAIL: taken with its level down\n" :
					"not taken\n");
	return iar == SGI_RUN && hppir == 27 && !held_taken;
}

bool timer_arch_checks(uint64_t period)
{
	bool ok = masked_wait(period);

	ok &= level_checks();
	ok &= sgi_checks();
	if (gic_get_version() == 3)
		ok &= held_timer_check();
	return ok;
}

/* The timer guest on aarch64: the EL1 virtual timer (PPI 27) and physical
 * timer (PPI 30); then WFI with an SGI pending below the priority mask
 * (the vCPU must sleep through it until the timer, as a CPU does) and the
 * timers' level sensitivity (level.c). */
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

static volatile unsigned masked_sgis; /* SGI 1 taken */
static volatile unsigned masked_ticks;
static volatile bool in_masked_wait;

bool timer_arch_irq(unsigned irq)
{
	if (level_irq(irq))
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

bool timer_arch_checks(uint64_t period)
{
	bool ok = masked_wait(period);

	ok &= level_checks();
	return ok;
}

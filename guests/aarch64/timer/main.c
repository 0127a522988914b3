/* timer: periodic interrupts from the EL1 virtual timer (PPI 27), then
 * from the EL1 physical timer (PPI 30), each re-armed from its handler.
 * The vCPU waits in WFI between ticks, so cvisor must wake it on time.
 * Every tick must come at or after its deadline (never early), and the
 * mean period must stay near the one asked for. Last, WFI with an SGI
 * pending below the priority mask: the vCPU must sleep through it until
 * the timer, as a CPU does. Then the timers' interrupts must behave as
 * level-sensitive ones (level.c). */
#include <guest.h>
#include "level.h"

#define TICKS     50
#define PERIOD_US 2000

static volatile unsigned ticks;
static volatile uint64_t deadline, early, late_total;
static volatile unsigned timer_ppi;
static volatile unsigned masked_sgis; /* SGI 1 taken (phase 3) */

#define MASKED_SGI 1u
static uint64_t period;

#define msr(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static void arm(uint64_t cval)
{
	deadline = cval;
	if (timer_ppi == 27) {
		msr(cntv_cval_el0, cval);
		msr(cntv_ctl_el0, 1);
	} else {
		msr(cntp_cval_el0, cval);
		msr(cntp_ctl_el0, 1);
	}
}

static void on_irq(unsigned intid)
{
	uint64_t now = guest_counter();

	if (level_irq(intid))
		return;
	if (intid == MASKED_SGI) {
		masked_sgis++;
		return;
	}
	if (intid != timer_ppi) {
		guest_puts("timer: FAIL: unexpected interrupt ");
		guest_put_dec(intid);
		guest_puts("\n");
		return;
	}
	if (now < deadline)
		early++;
	late_total += now - deadline;
	if (++ticks < TICKS) {
		arm(deadline + period);
	} else if (timer_ppi == 27) {
		msr(cntv_ctl_el0, 0);
	} else {
		msr(cntp_ctl_el0, 0);
	}
}

static int run(unsigned ppi, const char *name)
{
	uint64_t start;

	ticks = 0;
	early = late_total = 0;
	timer_ppi = ppi;
	gic_enable_private(0, ppi);
	irq_disable();
	start = guest_counter();
	arm(start + period);
	while (ticks < TICKS)
		wait_irq_masked();
	uint64_t elapsed = guest_counter() - start;
	uint64_t mean_us = elapsed / TICKS * 1000000 / guest_counter_freq();

	guest_puts("timer: ");
	guest_puts(name);
	guest_puts(": ");
	guest_put_dec(TICKS);
	guest_puts(" ticks, mean period ");
	guest_put_dec(mean_us);
	guest_puts(" us (asked ");
	guest_put_dec(PERIOD_US);
	guest_puts(" us), early ");
	guest_put_dec(early);
	guest_puts("\n");
	/* Never early; on a loaded emulator late by a few periods at most. */
	return early == 0 && mean_us >= PERIOD_US && mean_us < 10 * PERIOD_US;
}

/* One virtual-timer tick 10 periods ahead, with SGI 1 pending below the
 * priority mask: WFI may return only for the tick. Then the mask opens
 * and the SGI is taken. */
static int masked_wait(void)
{
	unsigned wakeups = 0;

	gic_set_priority(0, MASKED_SGI, 0xc0);
	gic_set_priority(0, 27, 0x40);
	gic_enable_private(0, MASKED_SGI);
	gic_set_pmr(0x80);
	ticks = 0;
	timer_ppi = 27;
	irq_disable();
	gic_send_sgi(0, MASKED_SGI);
	arm(guest_counter() + 10 * period);
	while (!ticks) {
		wait_irq_masked();
		wakeups++;
	}
	msr(cntv_ctl_el0, 0);
	gic_set_pmr(0xff);
	while (!masked_sgis)
		wait_irq_masked();
	guest_puts("timer: WFI with a masked SGI pending: ");
	guest_put_dec(wakeups);
	guest_puts(" wakeup(s) before the tick, then the SGI taken\n");
	return wakeups <= 2;
}

int main(void)
{
	uint64_t freq = guest_counter_freq();
	unsigned v = gic_init(on_irq);

	guest_puts("timer: GICv");
	guest_put_dec(v);
	guest_puts(", counter at ");
	guest_put_dec(freq);
	guest_puts(" Hz\n");
	if (freq == 0) {
		guest_puts("timer: FAIL: CNTFRQ_EL0 is 0\n");
		return 0;
	}
	gic_cpu_init(0);
	period = freq * PERIOD_US / 1000000;
	int ok = run(27, "virtual timer (PPI 27)");
	ok &= run(30, "physical timer (PPI 30)");
	ok &= masked_wait();
	ok &= level_checks();
	guest_puts(ok ? "timer: PASS\n" : "timer: FAIL\n");
	return 0;
}

/* timer: periodic interrupts from each timer the arch offers
 * (timer_srcs: aarch64's virtual and physical EL1 timers; riscv64's Sstc
 * and SBI timers), each re-armed from its handler. The vCPU waits in WFI
 * between ticks, so cvisor must wake it on time. Every tick must come at
 * or after its deadline (never early), and the mean period must stay
 * near the one asked for. Then the arch's own checks (timer_arch_checks). */
#include "timer.h"

#define TICKS     50
#define PERIOD_US 2000

static volatile unsigned ticks;
static volatile uint64_t deadline, early, late_total;
static const struct timer_src *volatile src;
static uint64_t period;

static void on_irq(unsigned irq)
{
	uint64_t now = guest_counter();

	if (timer_arch_irq(irq))
		return;
	if (!src || irq != src->irq) {
		guest_puts("timer: FAIL: unexpected interrupt ");
		guest_put_dec(irq);
		guest_puts("\n");
		return;
	}
	if (now < deadline)
		early++;
	late_total += now - deadline;
	if (++ticks < TICKS) {
		deadline += period;
		src->arm(deadline);
	} else {
		src->stop();
	}
}

static int run(const struct timer_src *s)
{
	uint64_t start;

	ticks = 0;
	early = late_total = 0;
	src = s;
	s->enable();
	irq_disable();
	start = guest_counter();
	deadline = start + period;
	s->arm(deadline);
	while (ticks < TICKS)
		wait_irq_masked();
	uint64_t elapsed = guest_counter() - start;
	uint64_t mean_us = elapsed / TICKS * 1000000 / guest_counter_freq();

	src = 0;
	guest_puts("timer: ");
	guest_puts(s->name);
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

int main(void)
{
	uint64_t freq = guest_counter_freq();
	const char *chip = guest_irq_init(on_irq);

	guest_puts("timer: ");
	guest_puts(chip);
	guest_puts(", counter at ");
	guest_put_dec(freq);
	guest_puts(" Hz\n");
	if (freq == 0) {
		guest_puts("timer: FAIL: the counter's frequency is 0\n");
		return 0;
	}
	guest_irq_cpu_init(0);
	period = freq * PERIOD_US / 1000000;
	int ok = 1;
	unsigned nsrcs = timer_arch_sources();
	for (unsigned i = 0; i < nsrcs; i++)
		ok &= run(&timer_srcs[i]);
	ok &= timer_arch_checks(period);
	guest_puts(ok ? "timer: PASS\n" : "timer: FAIL\n");
	return 0;
}

/* The timer guest on x86_64: the LAPIC timer in one-shot mode (the count
 * from the deadline at the LAPIC's rate) and in TSC-deadline mode
 * (IA32_TSC_DEADLINE), then the periodic mode checked against the TSC:
 * its ticks must keep their cadence (none before its time), and the
 * current count must run down between them. */
#include "timer.h"

#define REG_LVT_TIMER    0x320
#define REG_INIT         0x380
#define REG_CUR          0x390
#define REG_DCR          0x3e0
#define LVT_ONESHOT      0x00000u
#define LVT_PERIODIC     0x20000u
#define LVT_DEADLINE     0x40000u
#define LVT_MASKED       0x10000u
#define MSR_TSC_DEADLINE 0x6e0u
#define PERIODIC_TICKS   20
#define PERIODIC_VECTOR  0x31u

static void oneshot_enable(void)
{
	lapic_write(REG_DCR, 0xb); /* divide by 1 */
	lapic_write(REG_LVT_TIMER, LVT_ONESHOT | GUEST_TIMER_VECTOR);
}
static void oneshot_arm(uint64_t cval)
{
	uint64_t now = guest_counter();
	uint64_t left = cval > now ? cval - now : 1;
	uint64_t count = left * (guest_lapic_freq() / 1000) /
			 (guest_counter_freq() / 1000);

	/* Rounded up: never before the deadline. */
	lapic_write(REG_INIT, (uint32_t)(count + 1));
}
static void oneshot_stop(void)
{
	lapic_write(REG_INIT, 0);
}
static void deadline_enable(void)
{
	lapic_write(REG_LVT_TIMER, LVT_DEADLINE | GUEST_TIMER_VECTOR);
}
static void deadline_arm(uint64_t cval)
{
	wrmsr(MSR_TSC_DEADLINE, cval);
}
static void deadline_stop(void)
{
	wrmsr(MSR_TSC_DEADLINE, 0);
}

const struct timer_src timer_srcs[] = {
	{ "LAPIC one-shot", GUEST_TIMER_VECTOR, oneshot_enable, oneshot_arm,
	  oneshot_stop },
	{ "LAPIC TSC-deadline", GUEST_TIMER_VECTOR, deadline_enable,
	  deadline_arm, deadline_stop },
};

unsigned timer_arch_sources(void)
{
	return 2;
}

static volatile unsigned periodic_ticks;
static volatile uint64_t periodic_stamp[PERIODIC_TICKS];

bool timer_arch_irq(unsigned irq)
{
	if (irq != PERIODIC_VECTOR)
		return false;
	if (periodic_ticks < PERIODIC_TICKS)
		periodic_stamp[periodic_ticks] = guest_counter();
	if (++periodic_ticks >= PERIODIC_TICKS)
		lapic_write(REG_LVT_TIMER,
			    LVT_MASKED | LVT_PERIODIC | PERIODIC_VECTOR);
	return true;
}

/* Periodic mode, divide by 16: PERIODIC_TICKS ticks a 'period' apart by
 * the TSC, none early; the current count below the initial one and
 * above zero while it runs. */
bool timer_arch_checks(uint64_t period)
{
	uint64_t count = period * (guest_lapic_freq() / 1000) /
			 (guest_counter_freq() / 1000) / 16;
	unsigned early = 0;

	irq_disable();
	periodic_ticks = 0;
	lapic_write(REG_DCR, 0x3); /* divide by 16 */
	lapic_write(REG_LVT_TIMER, LVT_PERIODIC | PERIODIC_VECTOR);
	uint64_t start = guest_counter();
	lapic_write(REG_INIT, (uint32_t)count);
	uint32_t cur = lapic_read(REG_CUR);
	while (periodic_ticks < PERIODIC_TICKS)
		wait_irq_masked();
	/* A periodic timer keeps its cadence: tick i never before start +
	 * (i + 1) periods (less the count's truncation to the LAPIC's rate,
	 * well under 1% of a period over the run), whatever delays the ones
	 * before it. */
	uint64_t prev = start;
	for (unsigned i = 0; i < PERIODIC_TICKS; i++) {
		if (periodic_stamp[i] - start < (i + 1) * period - period / 100)
			early++;
		prev = periodic_stamp[i];
	}
	uint64_t mean_us = (prev - start) / PERIODIC_TICKS * 1000000 /
			   guest_counter_freq();
	lapic_write(REG_INIT, 0);
	guest_puts("timer: LAPIC periodic (divide 16): ");
	guest_put_dec(PERIODIC_TICKS);
	guest_puts(" ticks, mean period ");
	guest_put_dec(mean_us);
	guest_puts(" us by the TSC, early ");
	guest_put_dec(early);
	guest_puts(", current count ");
	guest_puts(cur > 0 && cur <= count ? "counting down\n" : "WRONG\n");
	uint64_t want_us = period * 1000000 / guest_counter_freq();
	return early == 0 && cur > 0 && cur <= count && mean_us >= want_us &&
	       mean_us < 10 * want_us;
}

/* bystander: a well-behaved VM that only keeps time, beside VMs that
 * misbehave or go away. Each of its vCPUs (one, or two on pCPUs 0 and 1) polls the
 * virtual counter for RUN_MS with its virtual timer ticking every TICK_MS,
 * and counts how often it was descheduled: a jump of the counter of more
 * than GAP_US between two polls. It reports, per vCPU, the ticks taken
 * and the times descheduled; it passes when its timer kept ticking.
 * Under -icount the counter follows executed instructions, so the count
 * of times descheduled does not depend on how fast the host runs. */
#include <guest.h>

#define RUN_MS  400
#define TICK_MS 10
#define GAP_US  200
#define VTIMER  27
#define NCPUS   2

static unsigned ncpus = NCPUS;
static volatile unsigned ticks[NCPUS];
static volatile unsigned finished[NCPUS];
static uint64_t gaps[NCPUS];
static uint64_t period;

static unsigned cpu_index(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xf);
}

static void arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(cval), "r"(1ull)
			 : "memory");
}

static void on_irq(unsigned intid)
{
	if (intid != VTIMER)
		return;
	ticks[cpu_index()]++;
	arm(guest_counter() + period);
}

static void keep_time(unsigned me)
{
	uint64_t freq = guest_counter_freq();
	uint64_t gap = freq * GAP_US / 1000000, prev, end;

	gic_cpu_init(me);
	gic_enable_private(me, VTIMER);
	prev = guest_counter();
	end = prev + freq * RUN_MS / 1000;
	arm(prev + period);
	irq_enable();
	while (prev < end) {
		uint64_t now = guest_counter();
		if (now - prev > gap)
			gaps[me]++;
		prev = now;
	}
	irq_disable();
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
	finished[me] = 1;
}

static void report(unsigned cpu)
{
	/* A neighbour on the pCPU may take half of it, a busy host delays
	 * QEMU, and a tick that comes late is re-armed from then: an eighth
	 * of them shows the timer works. */
	bool ok = ticks[cpu] >= RUN_MS / TICK_MS / 8;

	guest_puts(ok ? "bystander: vCPU " : "bystander: FAIL: vCPU ");
	guest_put_dec(cpu);
	guest_puts(": ");
	guest_put_dec(ticks[cpu]);
	guest_puts(" ticks in ");
	guest_put_dec(RUN_MS);
	guest_puts(" ms, descheduled ");
	guest_put_dec(gaps[cpu]);
	guest_puts(" times\n");
}

int main(void)
{
	period = guest_counter_freq() * TICK_MS / 1000;
	gic_init(on_irq);
	irq_disable();
	if (guest_cpu_on(1, 1, keep_time))
		ncpus = 1;
	keep_time(0);
	while (!finished[ncpus - 1])
		__asm__ volatile("yield");
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		report(cpu);
	guest_puts("bystander: done\n");
	return 0;
}

/* smp: every vCPU checks in, then virtual IPIs (SGIs) ping-pong between
 * every ordered pair of vCPUs. vCPU 0 runs the rounds: it gives each vCPU
 * its turn with SGI 0; that vCPU pings each other vCPU with SGI 1, which
 * answers with SGI 2. Every vCPU waits for interrupts in WFI. */
#include <guest.h>

#define SGI_TURN 0
#define SGI_PING 1
#define SGI_PONG 2

static unsigned ncpus;
static volatile unsigned checked_in[GUEST_MAX_CPUS];
static volatile unsigned turn_given[GUEST_MAX_CPUS], turn_done[GUEST_MAX_CPUS];
static volatile unsigned pinged_by[GUEST_MAX_CPUS]; /* who pinged me */
static volatile unsigned pongs[GUEST_MAX_CPUS];     /* answers received */
static volatile unsigned pings_answered[GUEST_MAX_CPUS];

static unsigned cpu_index(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xf);
}

static void on_irq(unsigned intid)
{
	unsigned me = cpu_index();

	switch (intid) {
	case SGI_TURN:
		turn_given[me]++;
		break;
	case SGI_PING:
		pings_answered[me]++;
		gic_send_sgi(pinged_by[me], SGI_PONG);
		break;
	case SGI_PONG:
		pongs[me]++;
		break;
	}
}

/* This vCPU's turn: ping every other vCPU and wait for each answer. */
static void ping_all(unsigned me)
{
	for (unsigned peer = 0; peer < ncpus; peer++) {
		if (peer == me)
			continue;
		unsigned want = pongs[me] + 1;
		pinged_by[peer] = me;
		__asm__ volatile("dmb sy" ::: "memory");
		gic_send_sgi(peer, SGI_PING);
		while (pongs[me] < want)
			wait_irq_masked();
	}
}

static void secondary(unsigned me)
{
	gic_cpu_init(me);
	for (unsigned s = 0; s < 3; s++)
		gic_enable_private(me, s);
	irq_disable();
	checked_in[me] = 1;
	for (unsigned round = 1;; round++) {
		while (turn_given[me] < round)
			wait_irq_masked();
		ping_all(me);
		turn_done[me] = round;
		gic_send_sgi(0, SGI_TURN); /* tell vCPU 0 */
	}
}

int main(void)
{
	unsigned v = gic_init(on_irq);

	gic_cpu_init(0);
	for (unsigned s = 0; s < 3; s++)
		gic_enable_private(0, s);
	irq_disable();
	/* Start vCPUs until one does not exist. */
	for (ncpus = 1; ncpus < GUEST_MAX_CPUS; ncpus++)
		if (guest_cpu_on(ncpus, ncpus, secondary))
			break;
	for (unsigned i = 1; i < ncpus; i++)
		while (!checked_in[i])
			__asm__ volatile("yield");
	guest_puts("smp: GICv");
	guest_put_dec(v);
	guest_puts(", ");
	guest_put_dec(ncpus);
	guest_puts(" vCPUs checked in\n");

	ping_all(0);
	for (unsigned cpu = 1; cpu < ncpus; cpu++) {
		gic_send_sgi(cpu, SGI_TURN);
		while (turn_done[cpu] < 1)
			wait_irq_masked();
	}
	unsigned answered = 0;
	for (unsigned i = 0; i < ncpus; i++)
		answered += pings_answered[i];
	guest_put_dec(answered);
	guest_puts(" IPIs answered across ");
	guest_put_dec(ncpus * (ncpus - 1));
	guest_puts(" ordered pairs\n");
	guest_puts(answered == ncpus * (ncpus - 1) ? "smp: PASS\n" :
						     "smp: FAIL\n");
	return 0;
}

/* smp: every vCPU checks in, then virtual IPIs ping-pong between every
 * ordered pair of vCPUs. vCPU 0 runs the rounds: it gives each vCPU its
 * turn with IPI 0; that vCPU pings each other vCPU with IPI 1, which
 * answers with IPI 2. Every vCPU waits for interrupts in WFI. */
#include <guest.h>

#define IPI_TURN 0
#define IPI_PING 1
#define IPI_PONG 2

static unsigned ncpus;
static volatile unsigned checked_in[GUEST_MAX_CPUS];
static volatile unsigned turn_given[GUEST_MAX_CPUS], turn_done[GUEST_MAX_CPUS];
static volatile unsigned pinged_by[GUEST_MAX_CPUS]; /* who pinged me */
static volatile unsigned pongs[GUEST_MAX_CPUS];     /* answers received */
static volatile unsigned pings_answered[GUEST_MAX_CPUS];

static void on_irq(unsigned intid)
{
	unsigned me = guest_cpu_index();

	switch (intid) {
	case IPI_TURN:
		turn_given[me]++;
		break;
	case IPI_PING:
		pings_answered[me]++;
		guest_ipi_send(pinged_by[me], IPI_PONG);
		break;
	case IPI_PONG:
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
		full_barrier();
		guest_ipi_send(peer, IPI_PING);
		while (pongs[me] < want)
			wait_irq_masked();
	}
}

static void secondary(unsigned me)
{
	guest_irq_cpu_init(me);
	irq_disable();
	checked_in[me] = 1;
	for (unsigned round = 1;; round++) {
		while (turn_given[me] < round)
			wait_irq_masked();
		ping_all(me);
		turn_done[me] = round;
		guest_ipi_send(0, IPI_TURN); /* tell vCPU 0 */
	}
}

int main(void)
{
	const char *chip = guest_irq_init(on_irq);

	guest_irq_cpu_init(0);
	irq_disable();
	/* Start vCPUs until one does not exist. */
	for (ncpus = 1; ncpus < GUEST_MAX_CPUS; ncpus++)
		if (guest_cpu_on(ncpus, ncpus, secondary))
			break;
	for (unsigned i = 1; i < ncpus; i++)
		while (!checked_in[i])
			cpu_relax();
	guest_puts("smp: ");
	guest_puts(chip);
	guest_puts(", ");
	guest_put_dec(ncpus);
	guest_puts(" vCPUs checked in\n");

	ping_all(0);
	for (unsigned cpu = 1; cpu < ncpus; cpu++) {
		guest_ipi_send(cpu, IPI_TURN);
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

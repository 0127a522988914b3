/* noisy: a hostile neighbour for the latency guest (make bench,
 * docs/bench.md). Forever, as fast as it can, it makes cvisor work on
 * its behalf: an emulated device read and write, a hypercall cvisor does
 * not define, an IPI to itself (taken), and a read where its VM has
 * neither memory nor device (a stage-2 fault, answered with an abort or,
 * on x86_64, all ones). Whatever cvisor does for it must not delay the
 * timer interrupts of a VM on another pCPU. It never stops: the bench
 * ends the run once the latency guest is done. */
#include "noisy.h"

#define IPI 1
/* Past the 16 MiB of RAM its configs give it. */
#define UNBACKED (GUEST_RAM_BASE + 0x02000000ul)

static volatile uint64_t ipis;

static void on_irq(unsigned irq)
{
	if (irq == IPI)
		ipis++;
}

int main(void)
{
	guest_trap_install();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();
	guest_puts("noisy: start\n");
	for (uint64_t round = 0;; round++) {
		noisy_arch_mmio();
		guest_hypercall(0xffff, 0, 0, 0);
		guest_ipi_send(0, IPI);
		irq_enable();
		while (ipis <= round)
			;
		irq_disable();
		guest_read_unbacked(UNBACKED);
	}
	return 0;
}

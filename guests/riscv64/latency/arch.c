/* The latency guest's timer on riscv64: Sstc's stimecmp, compared with
 * the time CSR (guest_counter()); the options are in the device tree
 * in a1. */
#include "latency.h"

/* stimecmp is CSR 0x14d (csr_write pastes the number into the asm). */

unsigned latency_arch_timer_init(void)
{
	csr_set(sie, SIE_STIE);
	return GUEST_IRQ_STIMER;
}

void latency_arch_arm(uint64_t deadline)
{
	csr_write(0x14d, deadline);
}

void latency_arch_stop(void)
{
	csr_write(0x14d, UINT64_MAX);
}

const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	return guest_fdt_bytes(boot_arg, len);
}

/* The latency guest's timer on riscv64: Sstc's stimecmp, compared with
 * the time CSR (guest_counter()); the options are in the device tree
 * in a1. */
#include "latency.h"

#define CSR_STIMECMP 0x14d
#define FDT_MAGIC    0xd00dfeedu

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

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	const uint8_t *fdt = (const uint8_t *)boot_arg;

	if (boot_arg < GUEST_RAM_BASE || (boot_arg & 7) ||
	    be32(fdt) != FDT_MAGIC)
		return 0;
	*len = be32(fdt + 4);
	return (const char *)fdt;
}

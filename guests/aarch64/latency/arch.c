/* The latency guest's timer on aarch64: the EL1 virtual timer (CNTV,
 * PPI 27), whose deadline is a CNTVCT_EL0 value; the options are in the
 * device tree cvisor hands over in x0. */
#include "latency.h"

#define VTIMER_PPI 27
#define FDT_MAGIC  0xd00dfeedu

unsigned latency_arch_timer_init(void)
{
	gic_enable_private(0, VTIMER_PPI);
	return VTIMER_PPI;
}

void latency_arch_arm(uint64_t deadline)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(deadline), "r"(1ull)
			 : "memory");
}

void latency_arch_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The whole tree is searched: the options are unlikely anywhere but in
 * /chosen/bootargs, and a search needs no walker. */
const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	const uint8_t *fdt = (const uint8_t *)boot_arg;

	if (boot_arg < GUEST_RAM_BASE || (boot_arg & 7) ||
	    be32(fdt) != FDT_MAGIC)
		return 0;
	*len = be32(fdt + 4);
	return (const char *)fdt;
}

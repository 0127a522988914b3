/* The latency guest's timer on aarch64: the EL1 virtual timer (CNTV,
 * PPI 27), whose deadline is a CNTVCT_EL0 value; the options are in the
 * device tree cvisor hands over in x0. */
#include "latency.h"

#define VTIMER_PPI 27

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

const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	return latency_fdt_bytes(boot_arg, len);
}

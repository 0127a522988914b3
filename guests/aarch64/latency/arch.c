/* The latency guest's timer on aarch64: the EL1 virtual timer (CNTV,
 * PPI 27), whose deadline is a CNTVCT_EL0 value; the options are in the
 * device tree cvisor hands over in x0. */
#include "latency.h"

/* The guest runtime's one-shot timer (guests/aarch64/lib/timer.c). */
unsigned latency_arch_timer_init(void)
{
	guest_timer_enable(0);
	return guest_timer_irq;
}

void latency_arch_arm(uint64_t deadline)
{
	guest_timer_arm(deadline);
}

void latency_arch_stop(void)
{
	guest_timer_stop();
}

const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	return guest_fdt_bytes(boot_arg, len);
}

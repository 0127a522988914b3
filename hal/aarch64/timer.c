/* The host timer: the EL2 physical timer (CNTHP), PPI 26. */
#include <arch/sysreg.h>
#include <hal/hal.h>

uint64_t hal_timer_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t hal_timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void hal_timer_set_deadline(uint64_t deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, 1); /* enabled, not masked */
	isb();
}

void hal_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

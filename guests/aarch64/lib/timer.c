/* The one-shot timer (guest.h) on aarch64: the EL1 virtual timer, PPI 27
 * of the GIC. */
#include <guest.h>

#define VTIMER 27

const unsigned guest_timer_irq = VTIMER;

void guest_timer_enable(unsigned cpu)
{
	gic_enable_private(cpu, VTIMER);
}

void guest_timer_arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(cval), "r"(1ull)
			 : "memory");
}

void guest_timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
}

/* The victim on aarch64: the EL1 virtual timer (PPI 27) through the GIC;
 * WFE to give the pCPU away (cvisor traps it: a WFI would wait for an
 * interrupt that never comes). */
#include "victim.h"

#define VTIMER 27

const unsigned victim_timer_irq = VTIMER;

void victim_timer_init(void (*handler)(unsigned irq))
{
	gic_init(handler);
	gic_cpu_init(0);
	gic_enable_private(0, VTIMER);
}

void victim_timer_arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(cval), "r"(1ull)
			 : "memory");
}

void victim_timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
}

void victim_yield(void)
{
	__asm__ volatile("wfe");
}

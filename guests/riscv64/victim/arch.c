/* The victim on riscv64: SBI set_timer's interrupt (STIP); to give the
 * hart away, a WFI until a tick 1 ms ahead (cvisor traps WFI and runs
 * whoever shares the hart meanwhile). */
#include "victim.h"

const unsigned victim_timer_irq = GUEST_IRQ_STIMER;

void victim_timer_init(void (*handler)(unsigned irq))
{
	guest_irq_init(handler);
	guest_irq_cpu_init(0);
	csr_set(sie, SIE_STIE);
}

void victim_timer_arm(uint64_t cval)
{
	guest_sbi(SBI_EXT_TIME, 0, cval, 0, 0);
}

void victim_timer_stop(void)
{
	guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
}

void victim_yield(void)
{
	victim_timer_arm(guest_counter() + guest_counter_freq() / 1000);
	wait_irq_masked();
	victim_timer_stop();
}

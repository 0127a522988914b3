/* The one-shot timer (guest.h) on riscv64: SBI set_timer's interrupt
 * (STIP). */
#include <guest.h>

const unsigned guest_timer_irq = GUEST_IRQ_STIMER;

void guest_timer_enable(unsigned cpu)
{
	(void)cpu; /* sie is the calling hart's */
	csr_set(sie, SIE_STIE);
}

void guest_timer_arm(uint64_t cval)
{
	guest_sbi(SBI_EXT_TIME, 0, cval, 0, 0);
}

void guest_timer_stop(void)
{
	guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
}

/* The victim on riscv64: to give the hart away, a WFI until a tick 1 ms
 * ahead (cvisor traps WFI and runs whoever shares the hart meanwhile). */
#include "victim.h"

void victim_yield(void)
{
	guest_timer_arm(guest_counter() + guest_counter_freq() / 1000);
	wait_irq_masked();
	guest_timer_stop();
}

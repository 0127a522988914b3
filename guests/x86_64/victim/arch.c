/* The victim on x86_64: to give the pCPU away, HLT until a tick 1 ms
 * ahead (cvisor runs whoever shares it meanwhile). */
#include "victim.h"

void victim_yield(void)
{
	guest_timer_arm(guest_counter() + guest_counter_freq() / 1000);
	wait_irq_masked();
	guest_timer_stop();
}

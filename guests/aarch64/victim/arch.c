/* The victim on aarch64: WFE to give the pCPU away (cvisor traps it: a
 * WFI would wait for an interrupt that never comes). */
#include "victim.h"

void victim_yield(void)
{
	__asm__ volatile("wfe");
}

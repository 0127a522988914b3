/* The noisy guest's device accesses on x86_64: the LAPIC's version
 * register (MMIO, decoded by cvisor) and COM1's IER (port I/O, 0
 * written: nothing printed). */
#include "noisy.h"

#define LAPIC_VERSION 0x30
#define COM1_IER      0x3f9

void noisy_arch_mmio(void)
{
	(void)LAPIC_REG(LAPIC_VERSION);
	__asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"(COM1_IER));
}

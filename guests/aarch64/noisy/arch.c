/* The noisy guest's device accesses on aarch64: GICD_TYPER, which the
 * vGIC answers, and the virtual PL011's UARTIMSC (0 written: nothing
 * printed). */
#include "noisy.h"

#define GICD_TYPER 0x08000004ul
#define UARTIMSC   0x09000038ul

void noisy_arch_mmio(void)
{
	(void)*(volatile uint32_t *)GICD_TYPER;
	*(volatile uint32_t *)UARTIMSC = 0;
}

/* The noisy guest's device accesses on riscv64: source 1's priority in
 * the vPLIC, and the virtual 16550's IER (0 written: nothing printed). */
#include "noisy.h"

#define PLIC_PRIO1 0x0c000004ul
#define UART_IER   0x10000001ul

void noisy_arch_mmio(void)
{
	(void)*(volatile uint32_t *)PLIC_PRIO1;
	*(volatile uint8_t *)UART_IER = 0;
}

/* The host console: a 16550 UART (QEMU virt's ns16550a), polled. OpenSBI
 * has already programmed its line settings. */
#include <hal/hal.h>
#include "riscv64.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_LSR 5 /* line status */
#define LSR_DR   (1u << 0)
#define LSR_THRE (1u << 5)

static volatile uint8_t *uart = (volatile uint8_t *)0x10000000ul;
static unsigned uart_shift;

void uart16550_init(paddr_t base, unsigned reg_shift)
{
	uart = pa_to_ptr(base);
	uart_shift = reg_shift;
}

static uint8_t uart_read(unsigned reg)
{
	return uart[reg << uart_shift];
}

void hal_console_putc(char c)
{
	while (!(uart_read(UART_LSR) & LSR_THRE))
		;
	uart[UART_THR << uart_shift] = (uint8_t)c;
}

int hal_console_getc(void)
{
	if (!(uart_read(UART_LSR) & LSR_DR))
		return -1;
	return uart_read(UART_RBR);
}

/* No receive interrupt yet: the console is read by polling only (no VM
 * takes console input on this architecture so far). */
unsigned hal_console_rx_irq(void)
{
	return HAL_IRQ_NONE;
}

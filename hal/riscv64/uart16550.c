/* The host console: a 16550 UART (QEMU virt's ns16550a). OpenSBI has
 * already programmed its line settings; its receive interrupt comes
 * through the PLIC when there is one. */
#include <hal/hal.h>
#include "riscv64.h"

#define UART_RBR  0 /* receive buffer (read) */
#define UART_THR  0 /* transmit holding (write) */
#define UART_IER  1 /* interrupt enable */
#define UART_LSR  5 /* line status */
#define IER_ERBFI 0x01u
#define LSR_DR    (1u << 0)
#define LSR_THRE  (1u << 5)

static volatile uint8_t *uart = (volatile uint8_t *)0x10000000ul;
static unsigned uart_shift;
static unsigned uart_source; /* its PLIC source, 0: none known */

void uart16550_init(paddr_t base, unsigned reg_shift, unsigned plic_source)
{
	uart = pa_to_ptr(base);
	uart_shift = reg_shift;
	uart_source = plic_source;
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

/* The received-data interrupt (the line drops once RBR is read empty). */
unsigned hal_console_rx_irq(void)
{
	if (!uart_source || !plic_present())
		return HAL_IRQ_NONE;
	uart[UART_IER << uart_shift] = IER_ERBFI;
	return HAL_PLIC_IRQ_BASE + uart_source;
}

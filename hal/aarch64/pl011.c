/* The host console: a PL011 UART, polled. */
#include <hal/hal.h>
#include "aarch64.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)

static volatile uint32_t *uart = (volatile uint32_t *)0x09000000ul;

void pl011_init(paddr_t base)
{
	uart = pa_to_ptr(base);
}

void hal_console_putc(char c)
{
	while (uart[UART_FR / 4] & FR_TXFF)
		;
	uart[UART_DR / 4] = (uint8_t)c;
}

int hal_console_getc(void)
{
	if (uart[UART_FR / 4] & FR_RXFE)
		return -1;
	return (int)(uart[UART_DR / 4] & 0xff);
}

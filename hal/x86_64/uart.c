/* The console: a 16550 UART at I/O port 0x3f8 (COM1): output polled,
 * input from its receive interrupt. */
#include <hal/hal.h>
#include "x86.h"

#define COM1     0x3f8
#define UART_THR 0 /* transmit (write) / receive (read) */
#define UART_IER 1
#define UART_DLL 0 /* with LCR.DLAB */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR   0x01 /* a character is waiting */
#define LSR_THRE 0x20 /* transmit holding register empty */

void x86_uart_init(void)
{
	outb(COM1 + UART_IER, 0x00); /* no interrupts until asked for */
	outb(COM1 + UART_LCR, 0x80); /* DLAB: set the divisor */
	outb(COM1 + UART_DLL, 1);    /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void hal_console_putc(char c)
{
	for (unsigned spin = 0; !(inb(COM1 + UART_LSR) & LSR_THRE); spin++)
		if (spin > 1000000)
			return; /* no UART there: drop, don't hang */
	outb(COM1 + UART_THR, (uint8_t)c);
}

int hal_console_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_THR);
}

/* The receive interrupt (IER.ERBFI; OUT2 gates the line on a PC), which
 * reaches the CPU through the IOAPIC (hal_irqchip_enable routes it). */
unsigned hal_console_rx_irq(void)
{
	if (!x86_platform.ioapic_base)
		return HAL_IRQ_NONE;
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 */
	outb(COM1 + UART_IER, 0x01);
	return X86_COM1_VECTOR;
}

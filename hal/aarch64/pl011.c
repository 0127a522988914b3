/* The host console: a PL011 UART. Output is polled; input comes with the
 * UART's interrupt (received data and receive timeout), found in the
 * host DTB. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <lib/fdt.h>
#include "aarch64.h"

#define UART_DR    0x00
#define UART_FR    0x18
#define UART_LCR_H 0x2c
#define UART_CR    0x30
#define UART_IFLS  0x34
#define UART_IMSC  0x38
#define UART_ICR   0x44

#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define LCR_H_FEN (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)
#define INT_RX    (1u << 4)
#define INT_RT    (1u << 6)
#define INT_ALL   0x7ffu

#define GIC_SPI_BASE 32u
#define GIC_PPI_BASE 16u

static volatile uint32_t *uart = (volatile uint32_t *)0x09000000ul;
static unsigned uart_irq = HAL_IRQ_NONE;

/* The interrupt of a node whose parent is the GIC (3 cells: SPI or PPI,
 * number, flags), or HAL_IRQ_NONE. */
static unsigned pl011_dt_irq(const struct fdt *f, int node)
{
	struct fdt_prop p;
	uint64_t type, nr;

	if (fdt_get_prop(f, node, "interrupts", &p) != FDT_OK || p.len < 12 ||
	    !fdt_prop_cells(&p, 0, 1, &type) ||
	    !fdt_prop_cells(&p, 1, 1, &nr) || type > 1 || nr >= 988)
		return HAL_IRQ_NONE;
	return (unsigned)nr + (type == 0 ? GIC_SPI_BASE : GIC_PPI_BASE);
}

void pl011_probe(const struct fdt *f)
{
	int node = fdt_find_compatible(f, -1, "arm,pl011");
	struct fdt_prop p;
	uint64_t base;

	if (node < 0 || fdt_get_prop(f, node, "reg", &p) != FDT_OK ||
	    !fdt_prop_cells(&p, 0, 2, &base))
		return; /* QEMU virt's address stays */
	uart = pa_to_ptr(base);
	uart_irq = pl011_dt_irq(f, node);
	hostres_claim(base, 0x1000, HOSTRES_CVISOR, "cvisor's console UART",
		      NULL);
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

unsigned hal_console_rx_irq(void)
{
	if (uart_irq == HAL_IRQ_NONE)
		return HAL_IRQ_NONE;
	/* FIFOs on, the receive interrupt at 1/2 full (the receive timeout
	 * brings in what stays below), the receiver on. Line settings and
	 * baud rate stay as the firmware left them. */
	uart[UART_LCR_H / 4] |= LCR_H_FEN;
	uart[UART_IFLS / 4] = (uart[UART_IFLS / 4] & ~0x38u) | 2u << 3;
	uart[UART_ICR / 4] = INT_ALL;
	uart[UART_IMSC / 4] = INT_RX | INT_RT;
	uart[UART_CR / 4] |= CR_UARTEN | CR_TXE | CR_RXE;
	return uart_irq;
}

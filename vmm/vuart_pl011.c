/* A virtual PL011: what the guest transmits goes to cvisor's console as
 * "[vmN] ..." lines. Registers a driver reads at probe (flags, IDs) answer
 * as a real PL011 does; control registers keep what is written. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/vm.h>

#define UART_DR    0x000
#define UART_RSR   0x004
#define UART_FR    0x018
#define UART_ILPR  0x020
#define UART_IBRD  0x024
#define UART_FBRD  0x028
#define UART_LCR_H 0x02c
#define UART_CR    0x030
#define UART_IFLS  0x034
#define UART_IMSC  0x038
#define UART_RIS   0x03c
#define UART_MIS   0x040
#define UART_ICR   0x044
#define UART_DMACR 0x048
#define UART_ID    0xfe0

#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)
#define INT_TX  (1u << 5)

struct vuart {
	struct vm *vm;
	uint32_t reg[UART_DMACR / 4 + 1];
};

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static bool vuart_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vuart *u = ctx;

	if (width > 4 || (off & 3))
		return false;
	if (off >= UART_ID && off < UART_ID + 0x20) {
		*val = pl011_id[(off - UART_ID) / 4];
		return true;
	}
	switch (off) {
	case UART_DR:
		*val = 0;
		return true;
	case UART_FR:
		*val = FR_RXFE | FR_TXFE;   /* TX never backs up */
		return true;
	case UART_RIS:
		*val = INT_TX;
		return true;
	case UART_MIS:
		*val = INT_TX & u->reg[UART_IMSC / 4];
		return true;
	}
	if (off > UART_DMACR)
		return false;
	*val = u->reg[off / 4];
	return true;
}

static bool vuart_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vuart *u = ctx;

	if (width > 4 || (off & 3))
		return false;
	if (off >= UART_ID && off < UART_ID + 0x20)
		return true;    /* identification: read-only, writes ignored */
	if (off > UART_DMACR)
		return false;
	switch (off) {
	case UART_DR:
		console_guest_putc(u->vm->id, (char)val);
		return true;
	case UART_FR:
	case UART_RIS:
	case UART_MIS:
		return true;    /* read-only: writes ignored */
	}
	u->reg[off / 4] = (uint32_t)val;
	return true;
}

static void vuart_reset(void *ctx)
{
	struct vuart *u = ctx;

	memset(u->reg, 0, sizeof(u->reg));
	u->reg[UART_CR / 4] = 0x300;       /* TXE | RXE, as at reset */
}

int vuart_pl011_create(struct vm *vm, gpaddr_t base)
{
	struct vuart *u = kzalloc(sizeof(*u));

	if (!u)
		return -1;
	u->vm = vm;
	vuart_reset(u);
	struct mmio_device d = { .name = "pl011", .base = base, .size = 0x1000,
				 .ctx = u, .read = vuart_read, .write = vuart_write,
				 .reset = vuart_reset, .destroy = kfree };
	if (!mmio_register(&vm->mmio, &d)) {
		kfree(u);
		return -1;
	}
	return 0;
}

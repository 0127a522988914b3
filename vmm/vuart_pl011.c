/* A virtual PL011 (ARM PrimeCell UART; its ID registers say r1p4, so
 * 16-entry FIFOs).
 *
 * Transmit: what the guest writes to DR goes to cvisor's console (as
 * "[vmN] ..." lines when several VMs run). The transmit FIFO drains at
 * once: it is never full, and each write leaves it at or below any
 * trigger level, so it sets the transmit interrupt (TXRIS) until ICR
 * clears it.
 *
 * Receive: console input, while this VM has the focus, enters the
 * receive FIFO (16 entries, 1 with LCR_H.FEN clear) if the UART and its
 * receiver are enabled (CR.UARTEN, CR.RXE); otherwise it is dropped, as
 * on a wire. What the FIFO has no room for waits in cvisor's console
 * queue (kernel/console_input.h) and moves in as the guest reads, as with
 * flow control; a character that finds that queue full too is lost: the
 * overrun error is set (RSR.OE until a write to ECR, RIS.OE until ICR,
 * and DR.OE on the last character in the FIFO). RXRIS is
 * set while the FIFO holds at least the IFLS receive level; RTRIS (the
 * receive timeout) is set whenever input has been taken in and the FIFO
 * is not empty, as nothing more is arriving at that moment; reading the FIFO below the level
 * clears RXRIS, emptying it clears RTRIS.
 *
 * The interrupt output (any bit of MIS = RIS & IMSC) drives the VM's
 * interrupt line as a level. Other registers a driver sets up (baud
 * rate, line control, DMA) keep what is written. */
#include <kernel/console_input.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <stdio.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/vm.h>

#define UART_DR    0x000
#define UART_RSR   0x004 /* read: receive status; write: ECR */
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

#define FR_RXFE   (1u << 4)
#define FR_RXFF   (1u << 6)
#define FR_TXFE   (1u << 7)
#define LCR_H_FEN (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_RXE    (1u << 9)
#define INT_RX    (1u << 4)
#define INT_TX    (1u << 5)
#define INT_RT    (1u << 6)
#define INT_OE    (1u << 10)
#define INT_ALL   0x7ffu
#define DR_OE     (1u << 11)
#define RSR_OE    (1u << 3)

#define FIFO_DEPTH 16

struct vuart {
	struct vm *vm;
	unsigned irq;
	spinlock_t lock;
	uint32_t reg[UART_DMACR / 4 + 1]; /* as written by the guest */
	uint16_t fifo[FIFO_DEPTH];        /* received: data | DR error bits */
	unsigned head, count;
	uint32_t ris;
	uint32_t rsr;
	bool line;    /* the interrupt output */
	bool starved; /* input waits for FIFO room */
	struct console_input input;
};

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static inline uint32_t reg(const struct vuart *u, unsigned off)
{
	return u->reg[off / 4];
}

static unsigned rx_depth(const struct vuart *u)
{
	return (reg(u, UART_LCR_H) & LCR_H_FEN) ? FIFO_DEPTH : 1;
}

/* IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4 or 7/8 full. */
static unsigned rx_level(const struct vuart *u)
{
	static const uint8_t level[8] = { 2, 4, 8, 12, 14, 8, 8, 8 };

	if (!(reg(u, UART_LCR_H) & LCR_H_FEN))
		return 1;
	return level[reg(u, UART_IFLS) >> 3 & 7];
}

/* Caller holds u->lock. */
static void vuart_update_irq(struct vuart *u)
{
	bool level = (u->ris & reg(u, UART_IMSC)) != 0;

	if (level != u->line) {
		u->line = level;
		vm_arch_set_irq_line(u->vm, u->irq, level);
	}
}

static uint32_t vuart_pop(struct vuart *u)
{
	uint32_t v;

	if (!u->count)
		return 0;
	v = u->fifo[u->head];
	u->head = (u->head + 1) % FIFO_DEPTH;
	u->count--;
	if (u->count < rx_level(u))
		u->ris &= ~INT_RX;
	if (!u->count)
		u->ris &= ~INT_RT;
	vuart_update_irq(u);
	return v;
}

/* A character that finds the FIFO full is lost: the overrun error. */
static void vuart_overrun(struct vuart *u)
{
	if (u->count)
		u->fifo[(u->head + u->count - 1) % FIFO_DEPTH] |= DR_OE;
	u->rsr |= RSR_OE;
	u->ris |= INT_OE;
}

static bool vuart_rx_on(const struct vuart *u)
{
	return (reg(u, UART_CR) & (CR_UARTEN | CR_RXE)) ==
		       (CR_UARTEN | CR_RXE) &&
	       READ_ONCE(u->vm->state) == VM_RUNNING;
}

/* Console input for this VM (it has the focus): as much as the FIFO has
 * room for; the rest waits in cvisor's queue until the guest reads. */
static size_t vuart_receive(void *ctx, const char *s, size_t n)
{
	struct vuart *u = ctx;
	size_t took = n;

	spin_lock(&u->lock);
	if (vuart_rx_on(u)) {
		for (took = 0; took < n && u->count < rx_depth(u); took++) {
			u->fifo[(u->head + u->count) % FIFO_DEPTH] =
				(uint8_t)s[took];
			u->count++;
		}
		u->starved = took < n;
		if (u->count >= rx_level(u))
			u->ris |= INT_RX;
		if (u->count)
			u->ris |= INT_RT; /* nothing more for now: idle */
		vuart_update_irq(u);
	}
	spin_unlock(&u->lock);
	return took;
}

static void vuart_lost(void *ctx, size_t n)
{
	struct vuart *u = ctx;

	(void)n;
	spin_lock(&u->lock);
	if (vuart_rx_on(u)) {
		vuart_overrun(u);
		vuart_update_irq(u);
	}
	spin_unlock(&u->lock);
}

static uint32_t vuart_read_reg(struct vuart *u, uint64_t off)
{
	switch (off) {
	case UART_DR:
		return vuart_pop(u);
	case UART_RSR:
		return u->rsr;
	case UART_FR:
		/* Transmission is instant: TX never busy, never full. */
		return FR_TXFE | (u->count ? 0 : FR_RXFE) |
		       (u->count >= rx_depth(u) ? FR_RXFF : 0);
	case UART_RIS:
		return u->ris;
	case UART_MIS:
		return u->ris & reg(u, UART_IMSC);
	case UART_ICR:
		return 0;
	}
	return reg(u, (unsigned)off);
}

static bool vuart_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vuart *u = ctx;

	if (width > 4 || (off & 3))
		return false;
	if (off >= UART_ID && off < UART_ID + 0x20) {
		*val = pl011_id[(off - UART_ID) / 4];
		return true;
	}
	if (off > UART_DMACR)
		return false;
	spin_lock(&u->lock);
	*val = vuart_read_reg(u, off);
	bool refill = off == UART_DR && u->starved;
	u->starved &= !refill;
	spin_unlock(&u->lock);
	if (refill)
		console_input_ready(&u->input);
	return true;
}

static void vuart_write_reg(struct vuart *u, uint64_t off, uint32_t val)
{
	switch (off) {
	case UART_DR:
		u->ris |= INT_TX; /* sent at once: FIFO empty */
		break;
	case UART_RSR:
		u->rsr = 0; /* ECR: any write clears */
		break;
	case UART_FR:
	case UART_RIS:
	case UART_MIS:
		break; /* read-only: writes ignored */
	case UART_ICR:
		u->ris &= ~val;
		break;
	case UART_IMSC:
		u->reg[off / 4] = val & INT_ALL;
		break;
	case UART_LCR_H:
		if ((val ^ reg(u, UART_LCR_H)) & LCR_H_FEN) {
			u->count = 0; /* FIFOs switched: flushed */
			u->ris &= ~(INT_RX | INT_RT);
		}
		u->reg[off / 4] = val;
		break;
	default:
		u->reg[off / 4] = val;
	}
	vuart_update_irq(u);
}

static bool vuart_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vuart *u = ctx;

	if (width > 4 || (off & 3))
		return false;
	if (off > UART_DMACR) /* identification: read-only, writes ignored */
		return off >= UART_ID && off < UART_ID + 0x20;
	if (off == UART_DR)
		vm_console_putc(u->vm, (char)val);
	spin_lock(&u->lock);
	vuart_write_reg(u, off, (uint32_t)val);
	spin_unlock(&u->lock);
	return true;
}

static void vuart_reset(void *ctx)
{
	struct vuart *u = ctx;

	spin_lock(&u->lock);
	memset(u->reg, 0, sizeof(u->reg));
	u->reg[UART_CR / 4] = 0x300;  /* TXE | RXE, as at reset */
	u->reg[UART_IFLS / 4] = 0x12; /* both levels at 1/2 */
	u->head = u->count = 0;
	u->ris = u->rsr = 0;
	vuart_update_irq(u);
	spin_unlock(&u->lock);
}

static void vuart_destroy(void *ctx)
{
	struct vuart *u = ctx;

	console_input_remove(&u->input);
	u->vm->console.input = NULL;
	kfree(u);
}

int vuart_pl011_create(struct vm *vm, gpaddr_t base, unsigned irq)
{
	struct vuart *u = kzalloc(sizeof(*u));

	if (!u)
		return -1;
	u->vm = vm;
	u->irq = irq;
	u->lock = (spinlock_t)SPINLOCK_INIT;
	vuart_reset(u);
	struct io_device d = { .name = "pl011",
			       .base = base,
			       .size = 0x1000,
			       .ctx = u,
			       .read = vuart_read,
			       .write = vuart_write,
			       .reset = vuart_reset,
			       .destroy = vuart_destroy };
	if (!io_register(&vm->mmio, &d)) {
		kfree(u);
		return -1;
	}
	snprintf(u->input.label, sizeof(u->input.label), "vm%llu (%s)",
		 (unsigned long long)vm->id, vm->name);
	u->input.ctx = u;
	u->input.receive = vuart_receive;
	u->input.lost = vuart_lost;
	console_input_add(&u->input);
	vm->console.input = &u->input;
	return 0;
}

/* A virtual 16550A UART (8-bit registers, reg-shift 0, 16-byte FIFOs),
 * on a VM's MMIO bus (riscv64's 0x1000_0000) or port bus (a PC's 0x3f8).
 *
 * Transmit: what the guest writes to THR goes to cvisor's console (as
 * "[vmN] ..." lines when several VMs run) at once, so THR and the
 * transmitter are always empty (LSR.THRE, LSR.TEMT) and the THR-empty
 * interrupt is raised after each write and when IER.ETBEI turns on; it
 * is cleared by a write to THR or by reading IIR while it is the one IIR
 * reports, as the 16550 does.
 *
 * Receive: console input, while this VM has the focus, enters the
 * receive FIFO (16 characters, 1 with FCR's FIFO enable clear); what it
 * has no room for waits in cvisor's console queue and moves in as the
 * guest reads. A character lost to a full queue sets LSR.OE until LSR is
 * read. The received-data interrupt is up while the FIFO is not empty
 * (IIR reports it as a character timeout below the trigger level).
 *
 * The interrupt output (IIR's "pending") drives the VM's interrupt line as
 * a level. DLL/DLM, LCR, MCR and SCR keep what is written. */
#include <kernel/console_input.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <stdio.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/vm.h>

#define REG_RBR 0 /* read; THR write; DLL with LCR.DLAB */
#define REG_IER 1 /* DLM with LCR.DLAB */
#define REG_IIR 2 /* read; FCR write */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define IER_ERBFI 0x01u
#define IER_ETBEI 0x02u
#define IER_ELSI  0x04u
#define IER_MASK  0x0fu

#define IIR_NONE    0x01u
#define IIR_LSR     0x06u
#define IIR_RDA     0x04u
#define IIR_TIMEOUT 0x0cu
#define IIR_THRE    0x02u
#define IIR_FIFO    0xc0u

#define FCR_ENABLE   0x01u
#define FCR_CLEAR_RX 0x02u

#define LCR_DLAB 0x80u

#define LSR_DR   0x01u
#define LSR_OE   0x02u
#define LSR_THRE 0x20u
#define LSR_TEMT 0x40u

#define MCR_LOOP 0x10u

#define FIFO_DEPTH 16

struct vuart16550 {
	struct vm *vm;
	unsigned irq;
	spinlock_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t fifo[FIFO_DEPTH];
	unsigned head, count;
	bool thr_pending; /* the THR-empty interrupt */
	bool overrun;     /* LSR.OE until LSR is read */
	bool line;        /* the interrupt output */
	bool starved;     /* input waits for FIFO room */
	struct console_input input;
};

static unsigned rx_depth(const struct vuart16550 *u)
{
	return (u->fcr & FCR_ENABLE) ? FIFO_DEPTH : 1;
}

/* 1, 4, 8 or 14 characters (FCR bits 7:6). */
static unsigned rx_trigger(const struct vuart16550 *u)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return (u->fcr & FCR_ENABLE) ? level[u->fcr >> 6] : 1;
}

/* IIR's interrupt, highest priority first. */
static uint8_t vuart_iir_id(const struct vuart16550 *u)
{
	if ((u->ier & IER_ELSI) && u->overrun)
		return IIR_LSR;
	if ((u->ier & IER_ERBFI) && u->count)
		return u->count >= rx_trigger(u) ? IIR_RDA : IIR_TIMEOUT;
	if ((u->ier & IER_ETBEI) && u->thr_pending)
		return IIR_THRE;
	return IIR_NONE;
}

/* Caller holds u->lock. */
static void vuart_update_irq(struct vuart16550 *u)
{
	bool level = vuart_iir_id(u) != IIR_NONE;

	if (level != u->line) {
		u->line = level;
		vm_arch_set_irq_line(u->vm, u->irq, level);
	}
}

static bool vuart_rx_on(const struct vuart16550 *u)
{
	return !(u->mcr & MCR_LOOP) && READ_ONCE(u->vm->state) == VM_RUNNING;
}

static size_t vuart_receive(void *ctx, const char *s, size_t n)
{
	struct vuart16550 *u = ctx;
	size_t took = n;

	spin_lock(&u->lock);
	if (vuart_rx_on(u)) {
		for (took = 0; took < n && u->count < rx_depth(u); took++) {
			u->fifo[(u->head + u->count) % FIFO_DEPTH] =
				(uint8_t)s[took];
			u->count++;
		}
		u->starved = took < n;
		vuart_update_irq(u);
	}
	spin_unlock(&u->lock);
	return took;
}

static void vuart_lost(void *ctx, size_t n)
{
	struct vuart16550 *u = ctx;

	(void)n;
	spin_lock(&u->lock);
	if (vuart_rx_on(u)) {
		u->overrun = true;
		vuart_update_irq(u);
	}
	spin_unlock(&u->lock);
}

/* The next received character, or -1; caller holds u->lock. Returns in
 * *refill whether input waits for the room this made. */
static int vuart_pop(struct vuart16550 *u, bool *refill)
{
	int c;

	if (!u->count)
		return -1;
	c = u->fifo[u->head];
	u->head = (u->head + 1) % FIFO_DEPTH;
	u->count--;
	*refill = u->starved;
	u->starved = false;
	return c;
}

static uint8_t vuart_read_reg(struct vuart16550 *u, unsigned off, bool *refill)
{
	uint8_t id;

	switch (off) {
	case REG_RBR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		int c = vuart_pop(u, refill);
		return c < 0 ? 0 : (uint8_t)c;
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		id = vuart_iir_id(u);
		if (id == IIR_THRE)
			u->thr_pending = false; /* reading it clears it */
		return id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR: {
		uint8_t lsr = LSR_THRE | LSR_TEMT | (u->count ? LSR_DR : 0) |
			      (u->overrun ? LSR_OE : 0);
		u->overrun = false;
		return lsr;
	}
	case REG_MSR:
		/* CTS, DSR and DCD up: a terminal is there; in loopback
		 * the modem outputs come back. */
		if (u->mcr & MCR_LOOP)
			return (uint8_t)((u->mcr & 0x0c) << 4 |
					 (u->mcr & 0x01) << 5 |
					 (u->mcr & 0x02) << 3);
		return 0xb0;
	default:
		return u->scr;
	}
}

static bool vuart_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vuart16550 *u = ctx;
	bool refill = false;

	if (off > REG_SCR || width != 1)
		return false;
	spin_lock(&u->lock);
	*val = vuart_read_reg(u, (unsigned)off, &refill);
	vuart_update_irq(u);
	spin_unlock(&u->lock);
	if (refill)
		console_input_ready(&u->input);
	return true;
}

static void vuart_write_reg(struct vuart16550 *u, unsigned off, uint8_t val)
{
	switch (off) {
	case REG_RBR:
		if (u->lcr & LCR_DLAB) {
			u->dll = val;
		} else {
			u->thr_pending = true; /* sent at once: empty */
		}
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* ETBEI turned on with THR empty: the interrupt comes. */
		if ((val & IER_ETBEI) && !(u->ier & IER_ETBEI))
			u->thr_pending = true;
		u->ier = val & IER_MASK;
		break;
	case REG_IIR: /* FCR */
		if ((val ^ u->fcr) & FCR_ENABLE || (val & FCR_CLEAR_RX))
			u->head = u->count = 0;
		u->fcr = val & 0xc9; /* enable, DMA mode, trigger */
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR:
		u->mcr = val & 0x1f;
		break;
	case REG_SCR:
		u->scr = val;
		break;
	default:
		break; /* LSR, MSR: read-only */
	}
}

static bool vuart_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vuart16550 *u = ctx;

	if (off > REG_SCR || width != 1)
		return false;
	spin_lock(&u->lock);
	bool tx = off == REG_RBR && !(u->lcr & LCR_DLAB) &&
		  !(u->mcr & MCR_LOOP);
	vuart_write_reg(u, (unsigned)off, (uint8_t)val);
	vuart_update_irq(u);
	spin_unlock(&u->lock);
	if (tx)
		vm_console_putc(u->vm, (char)val);
	return true;
}

int vuart16550_getchar(struct vuart16550 *u)
{
	bool refill = false;
	int c;

	spin_lock(&u->lock);
	c = vuart_pop(u, &refill);
	vuart_update_irq(u);
	spin_unlock(&u->lock);
	if (refill)
		console_input_ready(&u->input);
	return c;
}

static void vuart_reset(void *ctx)
{
	struct vuart16550 *u = ctx;

	spin_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->dll = u->dlm = u->fcr = 0;
	u->head = u->count = 0;
	u->thr_pending = u->overrun = false;
	vuart_update_irq(u);
	spin_unlock(&u->lock);
}

static void vuart_destroy(void *ctx)
{
	struct vuart16550 *u = ctx;

	console_input_remove(&u->input);
	u->vm->console.input = NULL;
	kfree(u);
}

struct vuart16550 *vuart16550_create(struct vm *vm, struct io_bus *bus,
				     uint64_t base, unsigned irq)
{
	struct vuart16550 *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->vm = vm;
	u->irq = irq;
	u->lock = (spinlock_t)SPINLOCK_INIT;
	vuart_reset(u);
	struct io_device d = { .name = "16550",
			       .base = base,
			       .size = 8,
			       .ctx = u,
			       .read = vuart_read,
			       .write = vuart_write,
			       .reset = vuart_reset,
			       .destroy = vuart_destroy };
	if (!io_register(bus, &d)) {
		kfree(u);
		return NULL;
	}
	snprintf(u->input.label, sizeof(u->input.label), "vm%llu (%s)",
		 (unsigned long long)vm->id, vm->name);
	u->input.ctx = u;
	u->input.receive = vuart_receive;
	u->input.lost = vuart_lost;
	console_input_add(&u->input);
	vm->console.input = &u->input;
	return u;
}

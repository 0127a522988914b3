/* The VM's IOAPIC at 0xfec0_0000 (Intel 82093AA; the version 0x20 of
 * ICH chipsets, with its EOI register): 24 pins, each a redirection entry
 * (vector, fixed or lowest-priority delivery as fixed to the first
 * target, physical or logical destination, polarity, edge or level
 * trigger with remote IRR, mask). Emulated devices drive its pins
 * (vm_arch_set_irq_line: COM1 is pin 4, as ISA IRQ 4). A level-triggered
 * interrupt is delivered with its TMR bit set at the LAPIC, whose EOI
 * clears the pin's remote IRR here and delivers it again if the line is
 * still up. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/io_bus.h>
#include "svm.h"

#define PINS        24
#define REG_SEL     0x00
#define REG_WIN     0x10
#define REG_EOI     0x40
#define IDX_ID      0x00
#define IDX_VER     0x01
#define IDX_ARB     0x02
#define IDX_REDTBL  0x10
#define VERSION     (((PINS - 1) << 16) | 0x20)
#define RTE_VECTOR  0xffull
#define RTE_MODE(r) ((r) >> 8 & 7)
#define RTE_LOGICAL (1ull << 11)
#define RTE_LOW     (1ull << 13)
#define RTE_RIRR    (1ull << 14)
#define RTE_LEVEL   (1ull << 15)
#define RTE_MASK    (1ull << 16)
#define RTE_RO      (1ull << 12 | RTE_RIRR) /* delivery status, remote IRR */
#define RTE_RW      (0xff000000000000ffull | 0x1ef00ull)

struct vioapic {
	struct vm *vm;
	spinlock_t lock;
	uint32_t sel, id;
	uint64_t rte[PINS];
	uint32_t level; /* each pin's input as the device drives it */
};

static bool asserted(const struct vioapic *io, unsigned pin)
{
	bool high = io->level >> pin & 1;

	return (io->rte[pin] & RTE_LOW) ? !high : high;
}

/* Sends the pin's interrupt to the LAPICs its entry names; lock held. */
static void deliver(struct vioapic *io, unsigned pin)
{
	uint64_t r = io->rte[pin];
	bool level = r & RTE_LEVEL;
	unsigned mode = RTE_MODE(r);

	if (r & RTE_MASK || (level && (r & RTE_RIRR)))
		return;
	if (mode != 0 && mode != 1) {
		pr_debug("VM %llu: IOAPIC pin %u: delivery mode %u not emulated",
			 (unsigned long long)io->vm->id, pin, mode);
		return;
	}
	for (unsigned i = 0; i < io->vm->vcpu_count; i++) {
		struct vcpu *t = io->vm->vcpus[i];
		if (!vlapic_match(t, r & RTE_LOGICAL, (uint32_t)(r >> 56),
				  false))
			continue;
		vlapic_raise_trig(t, (unsigned)(r & RTE_VECTOR), level);
		if (mode == 1)
			break; /* lowest priority: one of them */
	}
	if (level)
		io->rte[pin] |= RTE_RIRR;
}

void vioapic_set_line(struct vm *vm, unsigned pin, bool level)
{
	struct vioapic *io = vm->arch.ioapic;

	if (!io || pin >= PINS)
		return;
	spin_lock(&io->lock);
	bool was = asserted(io, pin);
	io->level = level ? io->level | 1u << pin : io->level & ~(1u << pin);
	bool now = asserted(io, pin);
	/* An edge on its rise; a level while it is up (remote IRR stops
	 * repeats until the EOI). */
	if (now && (!was || (io->rte[pin] & RTE_LEVEL)))
		deliver(io, pin);
	spin_unlock(&io->lock);
}

void vioapic_eoi(struct vm *vm, unsigned vector)
{
	struct vioapic *io = vm->arch.ioapic;

	if (!io)
		return;
	spin_lock(&io->lock);
	for (unsigned pin = 0; pin < PINS; pin++) {
		uint64_t r = io->rte[pin];
		if ((r & RTE_VECTOR) != vector || !(r & RTE_RIRR))
			continue;
		io->rte[pin] &= ~RTE_RIRR;
		if ((r & RTE_LEVEL) && asserted(io, pin))
			deliver(io, pin);
	}
	spin_unlock(&io->lock);
}

static uint32_t window_read(struct vioapic *io)
{
	uint32_t idx = io->sel;

	if (idx == IDX_ID || idx == IDX_ARB)
		return io->id;
	if (idx == IDX_VER)
		return VERSION;
	if (idx >= IDX_REDTBL && idx < IDX_REDTBL + 2 * PINS) {
		uint64_t r = io->rte[(idx - IDX_REDTBL) / 2];
		return (uint32_t)(idx & 1 ? r >> 32 : r);
	}
	return ~0u; /* no register there */
}

static void window_write(struct vioapic *io, uint32_t val)
{
	uint32_t idx = io->sel;

	if (idx == IDX_ID) {
		io->id = val & 0x0f000000u;
		return;
	}
	if (idx < IDX_REDTBL || idx >= IDX_REDTBL + 2 * PINS)
		return; /* read-only or nothing */
	unsigned pin = (idx - IDX_REDTBL) / 2;
	uint64_t r = io->rte[pin],
		 w = idx & 1 ? (uint64_t)val << 32 | (uint32_t)r :
			       (r & ~0xffffffffull) | val;
	io->rte[pin] = (w & RTE_RW) | (r & RTE_RO);
	/* Unmasked (or re-aimed) with its level line up: it goes now. */
	if ((io->rte[pin] & RTE_LEVEL) && asserted(io, pin))
		deliver(io, pin);
}

static bool vioapic_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vioapic *io = ctx;

	if (width != 4 || (off & 3))
		return false;
	spin_lock(&io->lock);
	*val = off == REG_SEL ? io->sel : off == REG_WIN ? window_read(io) : 0;
	spin_unlock(&io->lock);
	return true;
}

static bool vioapic_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vioapic *io = ctx;

	if (width != 4 || (off & 3))
		return false;
	if (off == REG_EOI) {
		vioapic_eoi(io->vm, (unsigned)val & 0xff);
		return true;
	}
	spin_lock(&io->lock);
	if (off == REG_SEL)
		io->sel = (uint32_t)val & 0xff;
	else if (off == REG_WIN)
		window_write(io, (uint32_t)val);
	spin_unlock(&io->lock);
	return true;
}

static void vioapic_reset(void *ctx)
{
	struct vioapic *io = ctx;

	spin_lock(&io->lock);
	io->sel = io->id = 0;
	for (unsigned i = 0; i < PINS; i++)
		io->rte[i] = RTE_MASK;
	spin_unlock(&io->lock);
}

static void vioapic_destroy(void *ctx)
{
	struct vioapic *io = ctx;

	io->vm->arch.ioapic = NULL;
	kfree(io);
}

int vioapic_create(struct vm *vm)
{
	struct vioapic *io = kzalloc(sizeof(*io));

	if (!io)
		return -1;
	io->vm = vm;
	io->lock = (spinlock_t)SPINLOCK_INIT;
	vioapic_reset(io);
	struct io_device d = {
		.name = "ioapic",
		.base = VIOAPIC_BASE,
		.size = VIOAPIC_SIZE,
		.ctx = io,
		.read = vioapic_read,
		.write = vioapic_write,
		.reset = vioapic_reset,
		.destroy = vioapic_destroy,
	};
	if (!io_register(&vm->mmio, &d)) {
		kfree(io);
		return -1;
	}
	vm->arch.ioapic = io;
	return 0;
}

/* The VM's IOAPIC at 0xfec0_0000 (Intel 82093AA; the version 0x20 of
 * ICH chipsets, with its EOI register): 24 pins, each a redirection entry
 * (vector, fixed or lowest-priority delivery as fixed to the first
 * target, physical or logical destination, polarity, edge or level
 * trigger with remote IRR, mask). Emulated devices drive its pins
 * (vm_arch_set_irq_line: COM1 is pin 4, as ISA IRQ 4). A level-triggered
 * interrupt is delivered with its TMR bit set at the LAPIC, whose EOI
 * clears the pin's remote IRR here and delivers it again if the line is
 * still up. A host GSI forwarded to the VM (a passthrough device's) drives
 * the pin of its number: the host's pin takes the trigger mode and
 * polarity the guest gives its own, an edge is passed on as a pulse, and
 * a level is masked at the host from its interrupt until the guest's EOI,
 * which unmasks it (the host's IOAPIC delivers it again if the device
 * still asks). Forwarded pins reach the guest through the IOAPIC only,
 * not the PICs. */
#include <hal/hal.h>
#include <kernel/irq.h>
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
	uint32_t held;  /* forwarded level pins masked at the host */
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

static void set_line(struct vioapic *io, unsigned pin, bool level)
{
	bool was = asserted(io, pin);
	io->level = level ? io->level | 1u << pin : io->level & ~(1u << pin);
	bool now = asserted(io, pin);
	/* An edge on its rise; a level while it is up (remote IRR stops
	 * repeats until the EOI). */
	if (now && (!was || (io->rte[pin] & RTE_LEVEL)))
		deliver(io, pin);
}

/* A forwarded pin's input as asserted (or not), whatever its polarity:
 * the host's IOAPIC has applied it already. */
static void set_asserted(struct vioapic *io, unsigned pin, bool on)
{
	set_line(io, pin, (io->rte[pin] & RTE_LOW) ? !on : on);
}

void vioapic_set_line(struct vm *vm, unsigned pin, bool level)
{
	struct vioapic *io = vm->arch.ioapic;

	if (!io || pin >= PINS)
		return;
	spin_lock(&io->lock);
	set_line(io, pin, level);
	spin_unlock(&io->lock);
}

/* A forwarded level pin the guest is done with: down, and unmasked at
 * the host. Lock held. */
static void release_held(struct vioapic *io, unsigned pin)
{
	io->held &= ~(1u << pin);
	set_asserted(io, pin, false);
	hal_irqchip_enable(HAL_GSI_IRQ_BASE + pin, io->vm->arch.gsi_cpu);
}

/* A forwarded host GSI fired (on gsi_cpu). A VM that is stopping, or
 * torn down up to vm_arch_destroy, gets nothing: under the VM's lock, as
 * on riscv64, and a level pin stays masked to the end. A suspended VM
 * gets it as it is resumed; a rebooting one as its guest routes the pin
 * again (the reset unmasks the host's pin, and a device that still asks
 * fires it at once, while the reboot is under way: dropped then, the
 * pin would stay masked for good). */
static void vioapic_hw_irq(unsigned irq, void *arg)
{
	struct vm *vm = arg;
	unsigned pin = irq - HAL_GSI_IRQ_BASE;
	bool level = hal_x86_gsi_level(pin);

	if (level)
		hal_irqchip_disable(irq);
	spin_lock(&vm->lock);
	struct vioapic *io = vm->arch.ioapic;
	if (io && (vm->state == VM_RUNNING || vm->state == VM_SUSPENDED ||
		   vm->state == VM_RESETTING)) {
		spin_lock(&io->lock);
		/* The host pin's mode as it is now, under the lock that
		 * mirror_mode() changes it under: the guest may have rewritten
		 * its entry as this one fired. */
		if (hal_x86_gsi_level(pin)) {
			if (!level)
				hal_irqchip_disable(irq);
			io->held |= 1u << pin;
			set_asserted(io, pin, true);
		} else {
			if (level)
				hal_irqchip_enable(irq, vm->arch.gsi_cpu);
			set_asserted(io, pin, true);
			set_asserted(io, pin, false);
		}
		spin_unlock(&io->lock);
	}
	spin_unlock(&vm->lock);
}

/* The host pin's mode follows the guest's entry for it, once unmasked:
 * a masked entry's mode means nothing yet (a reset's, one being set up),
 * and a host pin made edge while its device holds a level line up would
 * lose that interrupt. Lock held. */
static void mirror_mode(struct vioapic *io, unsigned pin)
{
	uint64_t r = io->rte[pin];

	if (!(io->vm->arch.gsi_forwarded >> pin & 1) || (r & RTE_MASK))
		return;
	hal_x86_gsi_mode(pin, r & RTE_LEVEL, r & RTE_LOW);
	if ((io->held >> pin & 1) && !(r & RTE_LEVEL))
		release_held(io, pin); /* made edge: no EOI will come */
}

int vioapic_forward(struct vm *vm, unsigned gsi)
{
	struct vioapic *io = vm->arch.ioapic;
	int err = hal_x86_gsi_check(gsi);

	if (err || !io || vm->vcpu_count == 0)
		return err ? err : -1;
	if (vm->arch.gsi_forwarded >> gsi & 1)
		return -1;
	if (!irq_claim(HAL_GSI_IRQ_BASE + gsi, vioapic_hw_irq, vm))
		return -2;
	spin_lock(&io->lock);
	vm->arch.gsi_cpu = vm->vcpus[0]->pcpu;
	vm->arch.gsi_forwarded |= 1u << gsi;
	mirror_mode(io, gsi);
	spin_unlock(&io->lock);
	hal_irqchip_enable(HAL_GSI_IRQ_BASE + gsi, vm->arch.gsi_cpu);
	return 0;
}

void vioapic_unforward_all(struct vm *vm)
{
	for (unsigned pin = 0; pin < PINS; pin++) {
		if (!(vm->arch.gsi_forwarded >> pin & 1))
			continue;
		hal_irqchip_disable(HAL_GSI_IRQ_BASE + pin);
		irq_unregister(HAL_GSI_IRQ_BASE + pin);
	}
	vm->arch.gsi_forwarded = 0;
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
		if (io->held >> pin & 1)
			release_held(io, pin);
		else if ((r & RTE_LEVEL) && asserted(io, pin))
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
	if ((r ^ io->rte[pin]) & (RTE_LEVEL | RTE_LOW | RTE_MASK))
		mirror_mode(io, pin);
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
	for (unsigned i = 0; i < PINS; i++) {
		io->rte[i] = RTE_MASK;
		/* Masked at the host for an EOI that will not come now; its
		 * mode kept until the guest sets its entry again. */
		if (io->held >> i & 1)
			release_held(io, i);
	}
	io->level &= ~io->vm->arch.gsi_forwarded;
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

/* The VM's 8259A pair (master at 0x20/0x21, slave at 0xa0/0xa1 on the
 * master's IRQ 2) and the ELCR (0x4d0/0x4d1: edge or level per line), as
 * PCs have them: ICW1-4, the interrupt mask, specific and non-specific
 * EOI, reading IRR or ISR (OCW3), automatic EOI, fixed priority (IRQ 0
 * highest; rotation and special mask modes are not emulated). The
 * master's output reaches vCPU 0's LAPIC LINT0, which takes the vector
 * from it (an INTA cycle) when LINT0 is unmasked in ExtINT mode: the
 * virtual-wire mode guests start in. Device lines come to it as to the
 * IOAPIC (vm_arch_set_irq_line). */
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/io_bus.h>
#include <vmm/vcpu.h>
#include "svm.h"

struct pic {
	uint8_t irr, isr, imr, base, elcr;
	uint8_t icw_next; /* 0: operating; 2, 3, 4: the ICW awaited */
	bool need_icw4, single, auto_eoi, read_isr;
};

struct vpic {
	spinlock_t lock;
	struct vm *vm;
	struct pic c[2];
	uint16_t lines; /* input levels */
};

/* The highest-priority set bit (IRQ 0 first), or 8. */
static unsigned first(uint8_t bits)
{
	return bits ? (unsigned)__builtin_ctz(bits) : 8;
}

/* The IRQ this chip asks service for: unmasked in IRR and above what is
 * in service (fixed priority), or 8. */
static unsigned pending(const struct pic *p)
{
	unsigned irq = first(p->irr & ~p->imr);

	return irq < first(p->isr) ? irq : 8;
}

/* The slave's output is the master's IRQ 2 (a level). */
static void cascade(struct vpic *v)
{
	struct pic *m = &v->c[0];

	if (pending(&v->c[1]) < 8)
		m->irr |= 1u << 2;
	else
		m->irr &= (uint8_t) ~(1u << 2);
}

static void update(struct vpic *v)
{
	cascade(v);
	if (pending(&v->c[0]) < 8 && v->vm->vcpus[0])
		vcpu_kick(v->vm->vcpus[0]);
}

void vpic_set_line(struct vm *vm, unsigned irq, bool level)
{
	struct vpic *v = vm->arch.pic;

	if (!v || irq >= 16 || irq == 2)
		return;
	struct pic *p = &v->c[irq / 8];
	uint8_t bit = (uint8_t)(1u << (irq % 8));

	spin_lock(&v->lock);
	bool was = v->lines >> irq & 1;
	v->lines = level ? v->lines | 1u << irq : v->lines & ~(1u << irq);
	if (p->elcr & bit) /* level: IRR follows the line */
		p->irr = level ? p->irr | bit : p->irr & (uint8_t)~bit;
	else if (level && !was) /* edge: latched on the rise */
		p->irr |= bit;
	update(v);
	spin_unlock(&v->lock);
}

bool vpic_output(struct vm *vm)
{
	struct vpic *v = vm->arch.pic;

	return v && pending(&v->c[0]) < 8;
}

/* The INTA cycle: the vector of the highest request, which goes in
 * service; the spurious IRQ 7 (or 15) when none is left. */
static uint8_t ack_chip(struct pic *p, unsigned irq)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (!(p->elcr & bit))
		p->irr &= (uint8_t)~bit;
	if (!p->auto_eoi)
		p->isr |= bit;
	return (uint8_t)(p->base + irq);
}

int vpic_ack(struct vm *vm)
{
	struct vpic *v = vm->arch.pic;
	int vec;

	if (!v)
		return -1;
	spin_lock(&v->lock);
	cascade(v);
	unsigned irq = pending(&v->c[0]);
	if (irq == 8) {
		vec = v->c[0].base + 7;
	} else if (irq == 2) {
		unsigned s = pending(&v->c[1]);
		ack_chip(&v->c[0], 2);
		vec = s == 8 ? v->c[1].base + 7 : ack_chip(&v->c[1], s);
	} else {
		vec = ack_chip(&v->c[0], irq);
	}
	cascade(v);
	spin_unlock(&v->lock);
	return vec;
}

static void command(struct vpic *v, struct pic *p, uint8_t val)
{
	if (val & 0x10) { /* ICW1 */
		p->imr = p->isr = p->irr = 0;
		p->need_icw4 = val & 1;
		p->single = val & 2;
		p->auto_eoi = p->read_isr = false;
		p->icw_next = 2;
		return;
	}
	if ((val & 0x18) == 0x08) { /* OCW3 */
		if (val & 2)
			p->read_isr = val & 1;
		return;
	}
	/* OCW2: non-specific (0x20) or specific (0x60 | irq) EOI. */
	if ((val & 0xe0) == 0x20)
		p->isr &= (uint8_t) ~(1u << first(p->isr) % 8);
	else if ((val & 0xe0) == 0x60)
		p->isr &= (uint8_t) ~(1u << (val & 7));
	update(v);
}

static void data(struct vpic *v, struct pic *p, uint8_t val)
{
	switch (p->icw_next) {
	case 2:
		p->base = val & 0xf8;
		p->icw_next = p->single ? (p->need_icw4 ? 4 : 0) : 3;
		break;
	case 3:
		p->icw_next = p->need_icw4 ? 4 : 0;
		break;
	case 4:
		p->auto_eoi = val & 2;
		p->icw_next = 0;
		break;
	default:
		p->imr = val; /* OCW1 */
	}
	update(v);
}

static bool pic_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vpic *v = ctx;

	if (width != 1)
		return false;
	spin_lock(&v->lock);
	if (off >= 0x4b0) { /* the ELCR at 0x4d0 - 0x20 */
		*val = v->c[off - 0x4b0].elcr;
	} else {
		struct pic *p = &v->c[off >= 0x80];
		if (off & 1)
			*val = p->imr;
		else
			*val = p->read_isr ? p->isr : p->irr;
	}
	spin_unlock(&v->lock);
	return true;
}

static bool pic_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vpic *v = ctx;

	if (width != 1)
		return false;
	spin_lock(&v->lock);
	if (off >= 0x4b0) {
		/* IRQs 0, 1, 2, 8 and 13 are edge-triggered on a PC. */
		v->c[off - 0x4b0].elcr = (uint8_t)val &
					 (off == 0x4b0 ? 0xf8 : 0xde);
	} else {
		struct pic *p = &v->c[off >= 0x80];
		if (off & 1)
			data(v, p, (uint8_t)val);
		else
			command(v, p, (uint8_t)val);
	}
	spin_unlock(&v->lock);
	return true;
}

/* One state, three port ranges: each adds its base back. */
static bool slave_read(void *ctx, uint64_t off, unsigned w, uint64_t *val)
{
	return pic_read(ctx, off + 0x80, w, val);
}
static bool slave_write(void *ctx, uint64_t off, unsigned w, uint64_t val)
{
	return pic_write(ctx, off + 0x80, w, val);
}
static bool elcr_read(void *ctx, uint64_t off, unsigned w, uint64_t *val)
{
	return pic_read(ctx, off + 0x4b0, w, val);
}
static bool elcr_write(void *ctx, uint64_t off, unsigned w, uint64_t val)
{
	return pic_write(ctx, off + 0x4b0, w, val);
}

static void pic_reset(void *ctx)
{
	struct vpic *v = ctx;

	spin_lock(&v->lock);
	for (unsigned i = 0; i < 2; i++)
		v->c[i] = (struct pic){ .imr = 0xff };
	v->lines = 0;
	spin_unlock(&v->lock);
}

static void pic_destroy(void *ctx)
{
	struct vpic *v = ctx;

	v->vm->arch.pic = NULL;
	kfree(v);
}

int vpic_create(struct vm *vm)
{
	struct vpic *v = kzalloc(sizeof(*v));

	if (!v)
		return -1;
	v->lock = (spinlock_t)SPINLOCK_INIT;
	v->vm = vm;
	pic_reset(v);
	const struct io_device master = {
		.name = "8259 master",
		.base = 0x20,
		.size = 2,
		.ctx = v,
		.read = pic_read,
		.write = pic_write,
		.reset = pic_reset,
		.destroy = pic_destroy,
	};
	const struct io_device slave = {
		.name = "8259 slave",
		.base = 0xa0,
		.size = 2,
		.ctx = v,
		.read = slave_read,
		.write = slave_write,
	};
	const struct io_device elcr = {
		.name = "ELCR",
		.base = 0x4d0,
		.size = 2,
		.ctx = v,
		.read = elcr_read,
		.write = elcr_write,
	};
	if (!io_register(&vm->pio, &master)) {
		kfree(v);
		return -1;
	}
	vm->arch.pic = v;
	return io_register(&vm->pio, &slave) && io_register(&vm->pio, &elcr) ?
		       0 :
		       -1;
}

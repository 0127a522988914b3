/* The emulated distributor (GICD, v3 or v2 layout) and the per-interrupt
 * register block it shares with the GICv3 redistributors' SGI frame.
 *
 * What the architecture leaves to the implementation is answered as a
 * GIC without security extensions would: reserved and unimplemented
 * registers read as zero and ignore writes, read-only registers ignore
 * writes, interrupt ids out of range are ignored. An access of a width
 * a register does not have is CONSTRAINED UNPREDICTABLE; it is answered
 * like a reserved register (as QEMU's and KVM's GICs do), so that only
 * unaligned accesses come back to the guest as aborts. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <arch/vgic.h>
#include "virt_platform.h"
#include "vmm_aarch64.h"

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ITARGETSR   0x0800
#define GICD_ICFGR       0x0c00
#define GICD_REGS_END    0x0d00
#define GICD_SGIR        0x0f00
#define GICD_CPENDSGIR   0x0f10
#define GICD_SPENDSGIR   0x0f20
#define GICD_IROUTER     0x6000
#define GICD_IROUTER_END 0x7fe0
#define GICD_PIDR2_V2    0x0fe8
#define GICD_PIDR2_V3    0xffe8

#define IIDR_ARM     0x43b
#define VGIC_REPORTS 8

/* ---- the per-interrupt registers, 0x080-0xcff ---- */

struct irq_window {
	struct vm *vm;
	struct vcpu *v;  /* whose private interrupts 0-31 are seen */
	unsigned lo, hi; /* INTIDs this frame reaches */
};

static struct virq *window_irq(const struct irq_window *w, unsigned intid)
{
	if (intid < w->lo || intid >= w->hi)
		return NULL;
	return vgic_irq(w->v, intid);
}

/* Applies one bit of a set/clear register to interrupt 'intid'. */
static void irq_bit_write(const struct irq_window *w, unsigned reg,
			  unsigned intid, struct virq *q)
{
	switch (reg) {
	case GICD_IGROUPR:
		return; /* handled whole-word by the caller */
	case GICD_ISENABLER:
		q->enabled = true;
		if (q->hwirq && !q->hw_masked && q->vcpu < w->vm->vcpu_count)
			hal_irqchip_enable(q->hwirq,
					   w->vm->vcpus[q->vcpu]->pcpu);
		break;
	case GICD_ICENABLER:
		q->enabled = false;
		vgic_recall(w->vm, q, false);
		if (q->hwirq && intid >= VGIC_NR_PRIVATE)
			hal_irqchip_disable(q->hwirq);
		break;
	case GICD_ISPENDR:
		if (intid < 16 && w->vm->arch.vgic->version == 2)
			return; /* v2 SGIs: through GICD_SPENDSGIR */
		q->pending = true;
		break;
	case GICD_ICPENDR:
		q->pending = false;
		q->sgi_sources = 0;
		/* A forwarded SPI the guest drops before taking it: the host
		 * line must not stay masked for good. */
		if (intid >= VGIC_NR_PRIVATE && q->hw_masked && !q->in_lr)
			vgic_hw_unmask(w->v, q);
		vgic_recall(w->vm, q, true);
		break;
	case GICD_ISACTIVER:
	case GICD_ICACTIVER:
		/* Active state lives in the list registers while the guest
		 * holds an interrupt; changing it from here is not
		 * supported (no guest we run does). */
		if (vgic_report(w->vm))
			pr_debug("VM %llu (%s): active-state write for INTID %u "
				 "ignored",
				 (unsigned long long)w->vm->id, w->vm->name,
				 intid);
		return;
	}
	vgic_update(w->vm, w->v, intid);
}

static bool irq_bit_read(unsigned reg, const struct virq *q)
{
	switch (reg) {
	case GICD_IGROUPR:
		return q->group1;
	case GICD_ISENABLER:
	case GICD_ICENABLER:
		return q->enabled;
	case GICD_ISPENDR:
	case GICD_ICPENDR:
		return q->pending || (q->level && q->line) ||
		       (q->in_lr && !q->active);
	default:
		return q->active || q->in_lr;
	}
}

/* Registers with a byte per interrupt (priority, v2 targets), read or
 * written a byte or a word at a time: the first INTID reached. */
static bool byte_reg(uint64_t off, unsigned width, bool targets,
		     unsigned *first)
{
	*first = (unsigned)(off - (targets ? GICD_ITARGETSR : GICD_IPRIORITYR));
	return width == 1 || width == 4;
}

static bool irq_regs_read(const struct irq_window *w, uint64_t off,
			  unsigned width, uint64_t *val)
{
	unsigned first;
	uint64_t v = 0;

	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR) {
		bool targets = off >= GICD_ITARGETSR;
		if (!byte_reg(off, width, targets, &first))
			return false;
		for (unsigned b = 0; b < width; b++) {
			struct virq *q = window_irq(w, first + b);
			uint8_t byte = 0;
			if (q && !targets)
				byte = q->prio;
			else if (q && w->vm->arch.vgic->version == 2)
				byte = first + b < VGIC_NR_PRIVATE ?
					       (uint8_t)(1u << w->v->id) :
					       q->targets;
			v |= (uint64_t)byte << (8 * b);
		}
		*val = v;
		return true;
	}
	if (width != 4)
		return false;
	if (off >= GICD_ICFGR) {
		first = (unsigned)(off - GICD_ICFGR) * 4;
		for (unsigned i = 0; i < 16; i++) {
			struct virq *q = window_irq(w, first + i);
			if (q && (first + i < 16 || !q->level))
				v |= 2ull << (2 * i); /* edge */
		}
		*val = v;
		return true;
	}
	unsigned reg = (unsigned)off & ~0x7fu;
	first = (unsigned)(off & 0x7f) * 8;
	for (unsigned i = 0; i < 32; i++) {
		struct virq *q = window_irq(w, first + i);
		if (q && irq_bit_read(reg, q))
			v |= 1ull << i;
	}
	*val = v;
	return true;
}

static bool irq_regs_write(const struct irq_window *w, uint64_t off,
			   unsigned width, uint64_t val)
{
	struct vgic *g = w->vm->arch.vgic;
	unsigned first;

	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR) {
		bool targets = off >= GICD_ITARGETSR;
		if (!byte_reg(off, width, targets, &first))
			return false;
		for (unsigned b = 0; b < width; b++) {
			unsigned intid = first + b;
			struct virq *q = window_irq(w, intid);
			uint8_t byte = (uint8_t)(val >> (8 * b));
			if (!q)
				continue;
			if (!targets) {
				if (q->prio != byte)
					vgic_recall(w->vm, q, false);
				q->prio = byte;
				continue;
			}
			if (g->version != 2 || intid < VGIC_NR_PRIVATE)
				continue;
			q->targets = byte &
				     (uint8_t)((1u << w->vm->vcpu_count) - 1);
			vgic_route_spi(w->vm, intid);
			vgic_update(w->vm, w->v, intid);
		}
		return true;
	}
	if (width != 4)
		return false;
	if (off >= GICD_ICFGR) {
		first = (unsigned)(off - GICD_ICFGR) * 4;
		for (unsigned i = 0; i < 16; i++) {
			struct virq *q = window_irq(w, first + i);
			if (q && first + i >= 16) /* SGIs: always edge */
				q->level = !(val >> (2 * i + 1) & 1);
		}
		return true;
	}
	unsigned reg = (unsigned)off & ~0x7fu;
	first = (unsigned)(off & 0x7f) * 8;
	for (unsigned i = 0; i < 32; i++) {
		struct virq *q = window_irq(w, first + i);
		if (!q)
			continue;
		if (reg == GICD_IGROUPR) {
			if (q->group1 != (val >> i & 1))
				vgic_recall(w->vm, q, false);
			q->group1 = val >> i & 1;
			vgic_update(w->vm, w->v, first + i);
		} else if (val >> i & 1) {
			irq_bit_write(w, reg, first + i, q);
		}
	}
	return true;
}

bool vgic_irq_regs_access(struct vcpu *v, unsigned lo, unsigned hi,
			  uint64_t off, unsigned width, bool write,
			  uint64_t *val)
{
	struct irq_window w = { .vm = v->vm, .v = v, .lo = lo, .hi = hi };
	struct vgic *g = v->vm->arch.vgic;
	bool ok;

	if (off & (width - 1))
		return false; /* unaligned */
	if (off < GICD_IGROUPR || off >= GICD_REGS_END) {
		if (!write) /* reserved (GICR SGI frame) */
			*val = 0;
		return true;
	}
	/* The timers' PPIs are pending as their levels are now: only the
	 * loaded vCPU's can be sampled (another's were when it went out). */
	if (!write && lo == 0 && (off == GICD_ISPENDR || off == GICD_ICPENDR) &&
	    v == vcpu_loaded())
		vgic_sample_levels(v);
	spin_lock(&g->lock);
	if (write && lo == 0)
		vgic_fast_disarm(v); /* its timer's PPI may change */
	ok = write ? irq_regs_write(&w, off, width, *val) :
		     irq_regs_read(&w, off, width, val);
	spin_unlock(&g->lock);
	return ok;
}

bool vgic_report(struct vm *vm)
{
	struct vgic *g = vm->arch.vgic;
	unsigned n = __atomic_fetch_add(&g->reports, 1, __ATOMIC_RELAXED);

	if (n == VGIC_REPORTS)
		pr_debug("VM %llu (%s): more vGIC mistakes; no longer logged",
			 (unsigned long long)vm->id, vm->name);
	return n < VGIC_REPORTS;
}

bool vgic_odd_access(struct vm *vm, const char *frame, uint64_t off,
		     unsigned width, bool write, uint64_t *val)
{
	if (off & (width - 1))
		return false;
	if (vgic_report(vm))
		pr_debug("VM %llu (%s): %u-byte %s of %s offset %#llx: no "
			 "register of that width; %s",
			 (unsigned long long)vm->id, vm->name, width,
			 write ? "write" : "read", frame,
			 (unsigned long long)off,
			 write ? "ignored" : "reads as zero");
	if (!write)
		*val = 0;
	return true;
}

/* ---- the distributor ---- */

struct vgicd {
	struct vm *vm;
};

/* The vCPU making the access: distributor registers 0-31 are banked. */
static struct vcpu *accessor(struct vm *vm)
{
	struct vcpu *v = vcpu_loaded();

	return v && v->vm == vm ? v : vm->vcpus[0];
}

/* The fixed registers (control, type, identification), answered before
 * the decode of the banked and per-interrupt ranges: they are what a
 * guest reads most, and need neither the accessing vCPU nor the lock. */
static bool gicd_fixed_read(const struct vm *vm, uint64_t off, uint64_t *val)
{
	const struct vgic *g = vm->arch.vgic;

	switch (off) {
	case GICD_CTLR:
		*val = (g->grp0_on ? 1u : 0) | (g->grp1_on ? 2u : 0) |
		       (g->version == 3 ? 1u << 4 | 1u << 6 : 0); /* ARE, DS */
		return true;
	case GICD_TYPER:
		*val = (g->nr_irqs / 32 - 1) |
		       (g->version == 2 ?
				(vm->vcpu_count - 1) << 5 :
				9u << 19 | 1u << 25); /* IDbits 10, No1N */
		return true;
	case GICD_IIDR:
		*val = IIDR_ARM;
		return true;
	case GICD_PIDR2_V2:
		*val = g->version == 2 ? 0x2b : 0;
		return true;
	case GICD_PIDR2_V3:
		*val = g->version == 3 ? 0x3b : 0;
		return true;
	}
	return false;
}

static bool gicd_decode_read(struct vm *vm, uint64_t off, unsigned width,
			     uint64_t *val)
{
	struct vgic *g = vm->arch.vgic;
	struct vcpu *v = accessor(vm);

	if (off >= GICD_IGROUPR && off < GICD_REGS_END)
		return vgic_irq_regs_access(v,
					    g->version == 2 ? 0 :
							      VGIC_NR_PRIVATE,
					    g->nr_irqs, off, width, false, val);
	if (g->version == 3 && off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		unsigned intid = (unsigned)(off - GICD_IROUTER) / 8;
		if ((width != 8 && width != 4) || (off & (width - 1)))
			return false;
		*val = intid >= VGIC_NR_PRIVATE && intid < g->nr_irqs ?
			       g->spi[intid - VGIC_NR_PRIVATE].route :
			       0;
		if (width == 4)
			*val = (uint32_t)(*val >> (off & 4 ? 32 : 0));
		return true;
	}
	if (g->version == 2 && off >= GICD_CPENDSGIR &&
	    off < GICD_CPENDSGIR + 0x20) {
		unsigned first = (unsigned)(off & 0xf);
		uint64_t r = 0;
		if (width != 1 && width != 4)
			return false;
		for (unsigned b = 0; b < width; b++)
			r |= (uint64_t)v->arch.vgic.priv[first + b].sgi_sources
			     << (8 * b);
		*val = r;
		return true;
	}
	if (width != 4)
		return false;
	*val = 0; /* reserved, IDs, v3 TYPER2/STATUSR... */
	return true;
}

static void gicd_sgir(struct vm *vm, struct vcpu *src, uint32_t val)
{
	unsigned filter = val >> 24 & 3, sgi = val & 0xf;
	unsigned mask = val >> 16 & 0xff;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = vm->vcpus[i];
		bool hit = filter == 0 ? mask >> i & 1 :
			   filter == 1 ? t != src :
					 filter == 2 &&
						 t == src; /* 3: reserved */
		if (hit)
			vgic_send_sgi(src, t, sgi);
	}
}

/* v2 GICD_CPENDSGIR/SPENDSGIR: a byte per SGI, a bit per source. */
static bool gicd_sgi_pending_write(struct vm *vm, struct vcpu *v, uint64_t off,
				   unsigned width, uint64_t val)
{
	struct vgic *g = vm->arch.vgic;
	bool set = off >= GICD_SPENDSGIR;
	unsigned first = (unsigned)(off & 0xf);

	if (width != 1 && width != 4)
		return false;
	spin_lock(&g->lock);
	for (unsigned b = 0; b < width; b++) {
		struct virq *q = &v->arch.vgic.priv[first + b];
		uint8_t bits = (uint8_t)(val >> (8 * b));
		if (set)
			q->sgi_sources |= bits;
		else
			q->sgi_sources &= (uint8_t)~bits;
		q->pending = q->sgi_sources != 0;
		vgic_update(vm, v, first + b);
	}
	spin_unlock(&g->lock);
	return true;
}

static bool gicd_decode_write(struct vm *vm, uint64_t off, unsigned width,
			      uint64_t val)
{
	struct vgic *g = vm->arch.vgic;
	struct vcpu *v = accessor(vm);

	if (off >= GICD_IGROUPR && off < GICD_REGS_END)
		return vgic_irq_regs_access(v,
					    g->version == 2 ? 0 :
							      VGIC_NR_PRIVATE,
					    g->nr_irqs, off, width, true, &val);
	if (g->version == 3 && off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		unsigned intid = (unsigned)(off - GICD_IROUTER) / 8;
		if ((width != 8 && width != 4) || (off & (width - 1)))
			return false;
		if (intid < VGIC_NR_PRIVATE || intid >= g->nr_irqs)
			return true;
		spin_lock(&g->lock);
		struct virq *q = &g->spi[intid - VGIC_NR_PRIVATE];
		if (width == 8)
			q->route = val;
		else if (off & 4)
			q->route = (q->route & 0xffffffffull) | val << 32;
		else
			q->route = (q->route & ~0xffffffffull) | val;
		q->route &= 0xff00ffffffull; /* IRM (1 of N) unsupported */
		vgic_route_spi(vm, intid);
		vgic_update(vm, v, intid);
		spin_unlock(&g->lock);
		return true;
	}
	if (g->version == 2 && off >= GICD_CPENDSGIR &&
	    off < GICD_CPENDSGIR + 0x20)
		return gicd_sgi_pending_write(vm, v, off, width, val);
	if (width != 4)
		return false;
	if (off == GICD_CTLR) {
		spin_lock(&g->lock);
		g->grp0_on = val & 1;
		g->grp1_on = val & 2;
		for (unsigned c = 0; c < vm->vcpu_count; c++)
			vgic_fast_disarm(vm->vcpus[c]);
		/* Enabling a group makes its pending interrupts deliverable. */
		for (unsigned c = 0; c < vm->vcpu_count; c++)
			for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
				vgic_update(vm, vm->vcpus[c], i);
		for (unsigned i = VGIC_NR_PRIVATE; i < g->nr_irqs; i++)
			vgic_update(vm, v, i);
		spin_unlock(&g->lock);
		return true;
	}
	if (g->version == 2 && off == GICD_SGIR) {
		gicd_sgir(vm, v, (uint32_t)val);
		return true;
	}
	return true; /* read-only or reserved: ignored */
}

/* Out of line, so that the fixed registers' path in gicd_read() needs no
 * stack frame. */
static bool __attribute__((noinline))
gicd_banked_read(struct vm *vm, uint64_t off, unsigned width, uint64_t *val)
{
	return gicd_decode_read(vm, off, width, val) ||
	       vgic_odd_access(vm, "GICD", off, width, false, val);
}

static bool gicd_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vgicd *d = ctx;

	if (width == 4 && gicd_fixed_read(d->vm, off, val))
		return true;
	return gicd_banked_read(d->vm, off, width, val);
}

static bool gicd_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vgicd *d = ctx;

	return gicd_decode_write(d->vm, off, width, val) ||
	       vgic_odd_access(d->vm, "GICD", off, width, true, &val);
}

int vgic_dist_create(struct vm *vm)
{
	struct vgicd *d = kzalloc(sizeof(*d));

	if (!d)
		return -1;
	d->vm = vm;
	struct io_device dev = {
		.name = "gicd",
		.base = VIRT_GICD_BASE,
		.size = VIRT_GICD_SIZE,
		.ctx = d,
		.read = gicd_read,
		.write = gicd_write,
		.destroy = kfree,
	};
	if (!io_register(&vm->mmio, &dev)) {
		kfree(d);
		return -1;
	}
	return 0;
}

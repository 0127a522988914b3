/* The virtual GIC's interrupt state and its delivery through the list
 * registers (see vgic.h for the model). */
#include <arch/gic.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <vmm/vcpu.h>
#include <arch/vgic.h>
#include "vmm_aarch64.h"

const struct vgic_hw *vgic_hw;

/* A GICv3 host: list register 0, the one most used, written directly
 * (lr_write) rather than through vgic_hw's switch. */
static bool lr0_sysreg;
#define ICH_LR0_EL2   S3_4_C12_C12_0
#define ICH_ELRSR_EL2 S3_4_C12_C11_5

static inline void lr_write(unsigned i, uint64_t lr)
{
	if (i == 0 && lr0_sysreg)
		write_sysreg(ICH_LR0_EL2, lr);
	else
		vgic_hw->write_lr(i, lr);
}

static inline struct vgic *vgic_of(struct vm *vm)
{
	return vm->arch.vgic;
}

struct virq *vgic_irq(struct vcpu *v, unsigned intid)
{
	struct vgic *g = vgic_of(v->vm);

	if (intid < VGIC_NR_PRIVATE)
		return &v->arch.vgic.priv[intid];
	if (intid < g->nr_irqs)
		return &g->spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

static void virq_reset(struct virq *q, unsigned intid, unsigned version,
		       uint8_t vcpu)
{
	*q = (struct virq){
		.prio = 0,
		.vcpu = vcpu,
		.queued_on = VGIC_NO_VCPU,
		/* SGIs are always enabled on GICv2 and edge-triggered. */
		.enabled = version == 2 && intid < 16,
		/* GICv3 guests run Group 1 only (group 0 would be FIQs). */
		.group1 = version == 3,
		.targets = version == 2 && intid >= VGIC_NR_PRIVATE ? 1 : 0,
	};
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);

	/* Under the lock that queueing takes: a reboot resets a parked
	 * vCPU while a device's line or a timer event may still queue an
	 * interrupt to it from another CPU. A queue_add() meeting the
	 * memset midway left a count with no bit (the count raised after
	 * it was cleared, the bit set before), and the next flush took
	 * an INTID past the last (aarch64/shell-lifecycle-stress: a brk at
	 * vgic_flush()'s NULL virq, in CI). */
	spin_lock(&g->lock);
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		virq_reset(&c->priv[i], i, g->version, (uint8_t)v->id);
	c->hcr = ICH_HCR_EN;
	c->rd_asleep = true;
	spin_unlock(&g->lock);
}

/* Starts or stops trapping the guest's acknowledges (vgic_hw->trap_ack:
 * not 'loaded', 'v' only stops). */
static void set_ack_trap(struct vcpu *v, bool on, bool loaded)
{
	struct vgic_cpu *c = &v->arch.vgic;

	if (c->ack_trap == on)
		return;
	if (on)
		vgic_fast_disarm(v);
	c->ack_trap = on;
	vgic_hw->trap_ack(v, on, loaded);
}

static void fast_arm(struct vcpu *v);

void vgic_vcpu_power_on(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);

	spin_lock(&g->lock);
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned intid = c->lr_intid[__builtin_ctz(used)];
		struct virq *q = vgic_irq(v, intid);
		q->in_lr = false;
		q->active = false;
		if (q->hw_masked)
			q->hw_masked = false; /* its put deactivated the PPI */
		vgic_update(v->vm, v, intid);
	}
	c->lr_used = c->lr_eoi = c->lr_level = 0;
	c->fast = (struct vgic_fast){ 0 };
	set_ack_trap(v, false, false);
	memset(c->lr, 0, sizeof(c->lr));
	memset(c->apr0, 0, sizeof(c->apr0));
	memset(c->apr1, 0, sizeof(c->apr1));
	c->vmcr = 0;
	c->hcr = ICH_HCR_EN;
	spin_unlock(&g->lock);
}

void vgic_reset(struct vm *vm)
{
	struct vgic *g = vgic_of(vm);

	/* Its vCPUs are parked: whatever they trapped (v2: the GICC page)
	 * is given back before their state is cleared. */
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		set_ack_trap(vm->vcpus[i], false, false);
	g->grp0_on = g->grp1_on = false;
	for (unsigned i = VGIC_NR_PRIVATE; i < g->nr_irqs; i++) {
		struct virq *q = &g->spi[i - VGIC_NR_PRIVATE];
		uint16_t hwirq = q->hwirq;
		if (hwirq)
			hal_irqchip_disable(hwirq);
		virq_reset(q, i, g->version, 0);
		q->hwirq = hwirq;
	}
}

int vgic_create(struct vm *vm, unsigned version)
{
	struct vgic *g = kzalloc(sizeof(*g));

	if (!g)
		return -1;
	g->lock = (spinlock_t)SPINLOCK_INIT;
	g->ack_lock = (spinlock_t)SPINLOCK_INIT;
	g->version = version;
	g->cpuif_soft = version == 2 && hal_gic_version() == 3;
	g->fast_ok = version == 3 && hal_gic_version() == 3;
	g->nr_irqs = MIN(hal_gic_nr_irqs(), (unsigned)VGIC_MAX_IRQS) & ~31u;
	vm->arch.vgic = g;
	vgic_reset(vm);
	return 0;
}

void vgic_destroy(struct vm *vm)
{
	struct vgic *g = vgic_of(vm);

	for (unsigned i = VGIC_NR_PRIVATE; i < g->nr_irqs; i++) {
		unsigned host = g->spi[i - VGIC_NR_PRIVATE].hwirq;
		if (host) {
			hal_irqchip_disable(host);
			irq_unregister(host);
		}
	}
	kfree(vm->arch.vgic);
	vm->arch.vgic = NULL;
}

static void queue_add(struct vcpu *t, unsigned intid)
{
	struct vgic_cpu *c = &t->arch.vgic;

	c->queued[intid / 64] |= 1ull << (intid % 64);
	c->nr_queued++;
	vgic_fast_disarm(t);
}

static void queue_del(struct vcpu *t, unsigned intid)
{
	struct vgic_cpu *c = &t->arch.vgic;

	c->queued[intid / 64] &= ~(1ull << (intid % 64));
	c->nr_queued--;
}

static bool virq_deliverable(const struct vgic *g, const struct virq *q)
{
	return q->enabled && !q->in_lr &&
	       (q->pending || (q->level && q->line)) &&
	       (q->group1 ? g->grp1_on : g->grp0_on);
}

void vgic_update(struct vm *vm, struct vcpu *owner, unsigned intid)
{
	struct vgic *g = vgic_of(vm);
	struct virq *q = intid < VGIC_NR_PRIVATE ?
				 &owner->arch.vgic.priv[intid] :
				 &g->spi[intid - VGIC_NR_PRIVATE];
	struct vcpu *t = intid < VGIC_NR_PRIVATE  ? owner :
			 q->vcpu < vm->vcpu_count ? vm->vcpus[q->vcpu] :
						    NULL;
	bool want = t && virq_deliverable(g, q);

	if (q->queued_on != VGIC_NO_VCPU && (!want || q->queued_on != t->id)) {
		queue_del(vm->vcpus[q->queued_on], intid);
		q->queued_on = VGIC_NO_VCPU;
	}
	if (want && q->queued_on == VGIC_NO_VCPU) {
		queue_add(t, intid);
		q->queued_on = (uint8_t)t->id;
		vcpu_kick(t);
	} else if (t && q->in_lr && q->pending && !t->arch.vgic.resync) {
		/* Raised again while the guest holds it: the holder may
		 * mark its list register pending again. One kick until it
		 * has looked: a flood of SGIs is one kick, not one each. */
		t->arch.vgic.resync = true;
		vgic_fast_disarm(t);
		vcpu_kick(t);
	}
}

void vgic_route_spi(struct vm *vm, unsigned intid)
{
	struct vgic *g = vgic_of(vm);
	struct virq *q = &g->spi[intid - VGIC_NR_PRIVATE];
	unsigned target = VGIC_NO_VCPU;

	if (g->version == 3) {
		struct vcpu *v =
			vm_vcpu_by_hwid(vm, q->route & 0xff00ffffffull);
		target = v ? v->id : VGIC_NO_VCPU;
	} else if (q->targets) {
		target = (unsigned)__builtin_ctz(q->targets);
	}
	/* An interrupt held in a list register stays with its vCPU until
	 * the guest is done with it. */
	if (!q->in_lr)
		q->vcpu = (uint8_t)target;
	if (q->hwirq && q->enabled && !q->hw_masked && target < vm->vcpu_count)
		hal_irqchip_enable(q->hwirq, vm->vcpus[target]->pcpu);
}

/* vcpu_kick() for a vCPU loaded on another pCPU, the IPI's common case,
 * without its look at the current task: an IPI, as vcpu_kick() sends it
 * (the same fence first). Anything else: vcpu_kick(). */
static void kick(struct vcpu *t)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (t->pcpu != this_cpu_id() &&
	    READ_ONCE(percpu_data[t->pcpu].vmm) == t)
		hal_irqchip_send_ipi(t->pcpu);
	else
		vcpu_kick(t);
}

void vgic_send_sgi(struct vcpu *source, struct vcpu *target, unsigned sgi)
{
	struct vgic *g = vgic_of(target->vm);
	struct virq *q = &target->arch.vgic.priv[sgi & 15];

	spin_lock(&g->lock);
	if (g->version == 2)
		q->sgi_sources |= (uint8_t)(1u << source->id);
	q->pending = true;
	/* vgic_update()'s two common cases without its general look-up:
	 * queued, or raised again while a list register holds it. */
	if (q->queued_on == VGIC_NO_VCPU && q->enabled &&
	    (q->group1 ? g->grp1_on : g->grp0_on)) {
		if (!q->in_lr) {
			queue_add(target, sgi & 15);
			q->queued_on = (uint8_t)target->id;
			kick(target);
		} else if (!target->arch.vgic.resync) {
			target->arch.vgic.resync = true;
			vgic_fast_disarm(target);
			kick(target);
		}
	} else {
		vgic_update(target->vm, target, sgi & 15);
	}
	spin_unlock(&g->lock);
}

/* A host SPI of a passthrough device fired: it stays masked at the host
 * until the guest deactivates its virtual twin (same INTID). */
static void vgic_hw_spi(unsigned irq, void *arg)
{
	struct vm *vm = arg;
	struct vgic *g = vgic_of(vm);
	unsigned intid = g->fwd_intid[irq];
	struct virq *q = &g->spi[intid - VGIC_NR_PRIVATE];

	hal_irqchip_disable(irq);
	/* Under the VM's lock: a VM that is stopping may have vCPU tasks
	 * that are gone; its line just stays masked (a reset unmasks it). A
	 * suspended VM takes it once resumed (its vCPUs, kicked, stay
	 * paused): dropped, the host's line would stay masked for good. */
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING || vm->state == VM_SUSPENDED) {
		spin_lock(&g->lock);
		q->pending = true;
		q->hw_masked = true;
		vgic_update(vm, vm->vcpus[0], intid);
		spin_unlock(&g->lock);
	}
	spin_unlock(&vm->lock);
}

int vgic_forward_spi(struct vm *vm, unsigned host, unsigned intid)
{
	struct vgic *g = vgic_of(vm);

	if (intid < VGIC_NR_PRIVATE || intid >= g->nr_irqs ||
	    host < VGIC_NR_PRIVATE || host >= IRQ_MAX ||
	    host >= hal_gic_nr_irqs() || g->spi[intid - VGIC_NR_PRIVATE].hwirq)
		return -1;
	g->fwd_intid[host] = (uint16_t)intid;
	if (!irq_claim(host, vgic_hw_spi, vm))
		return -2;
	/* Masked at the host until the guest enables it. */
	hal_irqchip_disable(host);
	g->spi[intid - VGIC_NR_PRIVATE].hwirq = (uint16_t)host;
	return 0;
}

/* The queued interrupt that goes first: lowest priority value, then
 * lowest INTID. */
static unsigned queue_best(const struct vgic_cpu *c, struct vcpu *v)
{
	unsigned best = VGIC_MAX_IRQS, best_prio = 0x100;

	if (c->nr_queued == 1) /* the common case: no priorities to compare */
		for (unsigned w = 0; w < VGIC_MAX_IRQS / 64; w++)
			if (c->queued[w])
				return w * 64 +
				       (unsigned)__builtin_ctzll(c->queued[w]);
	for (unsigned w = 0; w < VGIC_MAX_IRQS / 64; w++) {
		for (uint64_t bits = c->queued[w]; bits; bits &= bits - 1) {
			unsigned intid =
				w * 64 + (unsigned)__builtin_ctzll(bits);
			unsigned prio = vgic_irq(v, intid)->prio;
			if (prio < best_prio) {
				best = intid;
				best_prio = prio;
			}
		}
	}
	return best;
}

static uint64_t lr_encode(struct virq *q, unsigned intid)
{
	uint64_t lr = intid | (uint64_t)q->prio << LR_PRIO_SHIFT |
		      LR_STATE_PENDING | (q->group1 ? LR_GROUP1 : 0);

	if (q->sgi_sources) {
		/* GICv2 SGI: one source per list register (CPUID field). */
		unsigned src = (unsigned)__builtin_ctz(q->sgi_sources);
		q->sgi_sources &= (uint8_t) ~(1u << src);
		lr |= (uint64_t)src << 10;
		q->pending = q->sgi_sources != 0;
	} else {
		q->pending = false;
	}
	/* A timer's host PPI, active meanwhile, is deactivated by the
	 * guest's deactivation itself (the hardware link): no exit. Level
	 * inputs are sampled again, and forwarded host SPIs unmasked, when
	 * the guest deactivates them. */
	if (q->hw_masked && virq_linked(q))
		lr |= LR_HW | (uint64_t)q->hwirq << LR_PINTID_SHIFT;
	else if (q->level || q->hw_masked)
		lr |= LR_EOI;
	return lr;
}

void vgic_recall(struct vm *vm, struct virq *q, bool unpend)
{
	if (!q->in_lr || q->vcpu >= vm->vcpu_count)
		return;
	struct vcpu *holder = vm->vcpus[q->vcpu];
	q->recall = true;
	q->unpend |= unpend;
	holder->arch.vgic.resync = true;
	vgic_fast_disarm(holder);
	vcpu_kick(holder);
}

/* Empties list register 'i' (the guest has finished with it, or it is
 * taken back). */
/* List register 'i' is free again: its state is invalid already. */
static void lr_forget(struct vgic_cpu *c, unsigned i)
{
	uint32_t bit = 1u << i;

	c->lr_used &= ~bit;
	c->lr_eoi &= ~bit;
	c->lr_level &= ~bit;
}

static void lr_free(struct vgic_cpu *c, unsigned i)
{
	vgic_hw->write_lr(i, 0);
	lr_forget(c, i);
}

/* List register 'i' holds 'q', which the guest changed (vgic_recall).
 * Not yet acknowledged, it is emptied and the interrupt queued again as
 * it now is; acknowledged, only a cleared pending state applies. */
static void lr_recall(struct vcpu *v, unsigned i, struct virq *q,
		      unsigned intid, uint64_t lr)
{
	struct vgic_cpu *c = &v->arch.vgic;
	bool unpend = q->unpend;

	q->recall = q->unpend = false;
	if ((lr & LR_STATE_MASK) != LR_STATE_PENDING) {
		if (unpend && (lr & LR_STATE_PENDING))
			vgic_hw->write_lr(i, lr & ~LR_STATE_PENDING);
		return;
	}
	lr_free(c, i);
	q->in_lr = false;
	if (!unpend && vgic_of(v->vm)->version == 2 && intid < 16)
		q->sgi_sources |= (uint8_t)(1u << (lr >> 10 & 7));
	q->pending = q->pending || !unpend;
	if (!q->pending && q->hw_masked)
		vgic_hw_unmask(v, q);
	if (intid >= VGIC_NR_PRIVATE)
		vgic_route_spi(v->vm, intid);
	vgic_update(v->vm, v, intid);
}

/* An interrupt raised again while in a list register that the guest has
 * already acknowledged: pending and active at once. And interrupts the
 * guest changed while a list register held them (vgic_recall). */
static void vgic_resync(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	c->resync = false;
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned i = (unsigned)__builtin_ctz(used);
		struct virq *q = vgic_irq(v, c->lr_intid[i]);
		uint64_t lr;
		if (q->recall) {
			lr_recall(v, i, q, c->lr_intid[i], vgic_hw->read_lr(i));
			continue;
		}
		if (!q->pending || q->sgi_sources || q->hw_masked)
			continue;
		lr = vgic_hw->read_lr(i);
		if ((lr & LR_STATE_MASK) != LR_STATE_ACTIVE)
			continue;
		q->pending = false;
		vgic_hw->write_lr(i, lr | LR_STATE_PENDING);
	}
}

/* ---- the timers' PPIs: level-sensitive ---- */

#define PSR_F (1ull << 6)
#define PSR_I (1ull << 7)

/* Whether the vCPU's CPU interface would signal an interrupt of priority
 * 'prio': above its priority mask, its group enabled. ICH_VMCR_EL2 and
 * GICH_VMCR agree on the bits used: the group enables in bits 0 and 1,
 * the mask in the top byte (v2 keeps its top 5 bits there). */
static bool vgic_signals(uint32_t vmcr, unsigned prio, bool group1)
{
	return prio < (vmcr >> 24) && (vmcr >> (group1 ? 1 : 0) & 1);
}

/* A pending state that follows a timer's level: a PPI raised by its
 * host PPI, which stays active until the guest is done with it. */
static bool virq_follows_level(const struct virq *q, unsigned intid)
{
	return intid < VGIC_NR_PRIVATE && q->hw_masked;
}

/* The level of 'q' (not in a list register) dropped before the guest
 * took it: no longer pending, and its host PPI deactivated, to catch
 * the next rise. Caller holds the lock. */
static void level_dropped(struct vcpu *v, struct virq *q, unsigned intid)
{
	q->pending = false;
	vgic_hw_unmask(v, q);
	vgic_update(v->vm, v, intid);
}

/* Whether the guest, entered now, takes list register 'i' before it
 * runs an instruction, and so cannot change the timer first: the only
 * list register in use, not masked by PSTATE (the vCPU's SPSR) and
 * signalled by the CPU interface (its group enabled, above the priority
 * mask), its timer's level up. A guest that changes the timer in its
 * handler changes it after the interrupt was presented, as on hardware. */
static bool lr_taken_at_entry(struct vcpu *v, unsigned i)
{
	struct vgic_cpu *c = &v->arch.vgic;
	const struct virq *q = &c->priv[c->lr_intid[i]];
	uint64_t spsr = v->arch.regs.spsr;
	uint32_t vmcr;
	bool fiq;

	if ((spsr & (PSR_I | PSR_F)) == (PSR_I | PSR_F) ||
	    c->lr_used != 1u << i)
		return false;
	vmcr = vgic_hw->read_vmcr();
	fiq = !q->group1 &&
	      (vgic_of(v->vm)->version == 3 || (vmcr & VMCR_FIQEN));
	return !(spsr & (fiq ? PSR_F : PSR_I)) &&
	       vgic_signals(vmcr, q->prio, q->group1) &&
	       vtimer_level(c->lr_intid[i]);
}

/* List register 'i' was just filled with a timer's PPI: the guest's
 * acknowledges trap unless it takes this one at once (nothing else left
 * to fill, lr_taken_at_entry). Out of line: vgic_flush() stays lean. */
static void __attribute__((noinline)) level_filled(struct vcpu *v, unsigned i)
{
	struct vgic_cpu *c = &v->arch.vgic;

	c->lr_level |= 1u << i;
	if (!c->ack_trap && (c->nr_queued || !lr_taken_at_entry(v, i)))
		set_ack_trap(v, true, true);
}

/* Empties the timers' list registers 'lrs': their levels dropped before
 * the guest acknowledged them. */
static void level_drop_lrs(struct vcpu *v, uint32_t lrs)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);

	spin_lock(&g->lock);
	for (; lrs; lrs &= lrs - 1) {
		unsigned i = (unsigned)__builtin_ctz(lrs);
		unsigned intid = c->lr_intid[i];
		struct virq *q = &c->priv[intid];

		lr_free(c, i);
		q->in_lr = false;
		level_dropped(v, q, intid);
	}
	spin_unlock(&g->lock);
}

/* The timers' list registers the guest has not acknowledged yet: one
 * still pending follows its timer's level (emptied if it dropped); one
 * acknowledged is the guest's now. While one stays pending, the guest's
 * acknowledges trap. The list-register state is the vCPU's own: no lock
 * unless something changes. The vCPU is loaded. */
static void level_check(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t dropped = 0;

	for (uint32_t bits = c->lr_level; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctz(bits);

		if ((vgic_hw->read_lr(i) & LR_STATE_MASK) != LR_STATE_PENDING)
			c->lr_level &= ~(1u << i);
		else if (!vtimer_level(c->lr_intid[i]))
			dropped |= 1u << i;
	}
	if (unlikely(dropped))
		level_drop_lrs(v, dropped);
	if (c->ack_trap != (c->lr_level != 0))
		set_ack_trap(v, c->lr_level != 0, true);
}

/* A timer PPI outside the list registers: pending only while its level
 * is up; and with nothing holding it any more (its pending state cleared
 * by the guest), its host PPI unmasked. Caller holds the lock. */
static void level_sample_queued(struct vcpu *v, unsigned intid)
{
	struct virq *q = &v->arch.vgic.priv[intid];

	if (virq_follows_level(q, intid) && !q->in_lr &&
	    (!q->pending || !vtimer_level(intid)))
		level_dropped(v, q, intid);
}

void vgic_sample_levels(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);

	if (!vgic_levels_held(&v->arch.vgic))
		return;
	level_check(v);
	spin_lock(&g->lock);
	level_sample_queued(v, VTIMER_PPI);
	level_sample_queued(v, PTIMER_PPI);
	spin_unlock(&g->lock);
}

void vgic_ack_trapped(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	level_check(v);
	set_ack_trap(v, false, true);
	vgic_fast_arm(v);
	if (!c->lr_level)
		return;
	/* A timer's list register still pending: the acknowledge retried
	 * may take another interrupt, or this was another group register.
	 * Whatever the guest deactivates next brings it out, where the trap
	 * is set again, before it can take the timer's unseen. */
	for (uint32_t bits = c->lr_used & ~c->lr_eoi & ~c->lr_level; bits;
	     bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctz(bits);
		uint64_t lr = vgic_hw->read_lr(i);
		/* A timer's, hardware-linked, has no maintenance (the field
		 * is its host INTID): the other timer's is taken unseen if
		 * both are pending and the guest changes it in the handler
		 * of this one. */
		if (lr & LR_HW)
			continue;
		vgic_hw->write_lr(i, lr | LR_EOI);
		c->lr_eoi |= 1u << i;
	}
}

/* Puts 'q' into a free list register of 'v', loaded here. Caller holds
 * the lock. */
static void lr_fill(struct vcpu *v, struct virq *q, unsigned intid)
{
	struct vgic_cpu *c = &v->arch.vgic;
	unsigned i = (unsigned)__builtin_ctz(~c->lr_used);
	uint64_t lr = lr_encode(q, intid);

	/* vgic_v2_soft.c: a v3 list register's group 0 would be an FIQ. */
	if (vgic_of(v->vm)->cpuif_soft)
		lr |= LR_GROUP1;

	vgic_fast_disarm(v); /* vgic_flush() arms it again */
	q->in_lr = true;
	q->recall = q->unpend = false;
	q->vcpu = (uint8_t)v->id;
	c->lr_used |= 1u << i;
	if (lr & LR_EOI)
		c->lr_eoi |= 1u << i;
	c->lr_intid[i] = (uint16_t)intid;
	lr_write(i, lr);
	if (unlikely(virq_follows_level(q, intid)))
		level_filled(v, i);
}

/* A timer's PPI raised at the loaded vCPU 'v' by its host PPI (or its
 * timer event): straight into a free list register when nothing else
 * waits (so none of higher priority), as vgic_flush() would put it;
 * else queued as any interrupt. */
void vgic_inject_hw(struct vcpu *v, unsigned intid)
{
	struct vgic *g = vgic_of(v->vm);
	struct vgic_cpu *c = &v->arch.vgic;
	struct virq *q = &c->priv[intid];
	uint32_t all = (1u << vgic_hw->nr_lrs) - 1;

	spin_lock(&g->lock);
	q->pending = true;
	q->hw_masked = true;
	if (v == vcpu_loaded() && !c->nr_queued && !c->resync &&
	    (c->lr_used & all) != all && q->queued_on == VGIC_NO_VCPU &&
	    virq_deliverable(g, q))
		lr_fill(v, q, intid);
	else
		vgic_update(v->vm, v, intid);
	spin_unlock(&g->lock);
}

void vgic_flush(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	uint32_t all = (1u << vgic_hw->nr_lrs) - 1;

	spin_lock(&g->lock);
	if (c->resync)
		vgic_resync(v);
	while (c->nr_queued && (c->lr_used & all) != all) {
		unsigned intid = queue_best(c, v);
		struct virq *q = vgic_irq(v, intid);

		queue_del(v, intid);
		q->queued_on = VGIC_NO_VCPU;
		lr_fill(v, q, intid);
	}
	/* More waiting than list registers: come out when they drain. */
	uint32_t hcr = (c->hcr & ~ICH_HCR_UIE) |
		       (c->nr_queued ? ICH_HCR_UIE : 0);
	if (hcr != c->hcr) {
		c->hcr = hcr;
		vgic_hw->write_hcr(hcr);
	}
	if (!c->lr_used || (c->lr_used == 1 && c->lr_intid[0] == VTIMER_PPI))
		fast_arm(v);
	spin_unlock(&g->lock);
}

/* Whether list register 'i', done with, may take its SGI 'q', raised
 * again since, as it is (sgi_lr): nothing queued, so none of higher
 * priority waits, as vgic_flush() would have it; deliverable, not
 * changed by the guest meanwhile (recall), no GICv2 source to name,
 * no maintenance asked for. */
static inline __attribute__((always_inline)) bool
sgi_refill_ok(const struct vgic *g, const struct vgic_cpu *c,
	      const struct virq *q, unsigned i)
{
	return !c->nr_queued && q->queued_on == VGIC_NO_VCPU && !q->recall &&
	       !q->sgi_sources && !q->level && !(c->lr_eoi & 1u << i) &&
	       q->enabled && (q->group1 ? g->grp1_on : g->grp0_on);
}

/* The list register of such an SGI, as lr_encode() makes it. */
static inline uint64_t sgi_lr(const struct vgic *g, const struct virq *q,
			      unsigned intid)
{
	return intid | (uint64_t)q->prio << LR_PRIO_SHIFT | LR_STATE_PENDING |
	       (q->group1 || g->cpuif_soft ? LR_GROUP1 : 0);
}

/* Takes back the list registers 'done' the guest has finished with. An
 * SGI raised again meanwhile goes straight back into its list register,
 * whose bookkeeping (lr_used, in_lr...) stays as it is. */
static void __attribute__((noinline)) lrs_done(struct vcpu *v, uint32_t done)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	bool vtimer_done = false;
	/* Every list register in use is done with: nothing left that
	 * vgic_resync() would look at. */
	bool all_done = done == c->lr_used;

	spin_lock(&g->lock);
	for (; done; done &= done - 1) {
		unsigned i = (unsigned)__builtin_ctz(done);
		unsigned intid = c->lr_intid[i];
		struct virq *q = vgic_irq(v, intid);

		vtimer_done |= intid == VTIMER_PPI;
		if (intid < 16 && q->pending && sgi_refill_ok(g, c, q, i)) {
			q->active = false;
			q->pending = false;
			lr_write(i, sgi_lr(g, q, intid));
			continue;
		}
		/* Invalid already; one with the EOI bit would keep the
		 * maintenance interrupt up (ICH_EISR) until cleared. */
		if (c->lr_eoi & 1u << i)
			lr_free(c, i);
		else
			lr_forget(c, i);
		q->in_lr = false;
		q->active = false;
		if (q->hw_masked && virq_linked(q))
			q->hw_masked = false; /* the guest deactivated it */
		else if (q->hw_masked)
			vgic_hw_unmask(v, q);
		if (intid >= VGIC_NR_PRIVATE)
			vgic_route_spi(v->vm, intid);
		/* Nothing to queue or take off a queue (the common case:
		 * an interrupt raised once, done with): no update. */
		if (q->pending || q->line || q->queued_on != VGIC_NO_VCPU)
			vgic_update(v->vm, v, intid);
	}
	/* What vgic_flush() would do for it, under this lock already: an
	 * SGI raised again while held was the likely reason. */
	if (c->resync) {
		if (all_done)
			c->resync = false;
		else
			vgic_resync(v);
	}
	/* The timers' list registers are all done with: nothing to trap. */
	if (unlikely(c->ack_trap) && !c->lr_level)
		set_ack_trap(v, false, true);
	/* The fast path's own interrupt taken back (disarmed when another
	 * was filled, it waits for the next of these). */
	if (vtimer_done)
		fast_arm(v);
	spin_unlock(&g->lock);
}

/* lrs_done()'s common case, the IPI receiver's: on a GICv3 host, the
 * one list register in use (0), done with, holds an SGI raised again
 * since, which goes straight back in. False: lrs_done() then. */
static inline bool sgi_refill_lr0(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	unsigned intid = c->lr_intid[0];
	struct virq *q = &c->priv[intid & 15];
	bool ok;

	if (intid >= 16)
		return false;
	spin_lock(&g->lock);
	ok = q->pending && sgi_refill_ok(g, c, q, 0);
	if (ok) {
		q->active = false;
		q->pending = false;
		write_sysreg(ICH_LR0_EL2, sgi_lr(g, q, intid));
		c->resync = false; /* nothing else held to look at */
	}
	spin_unlock(&g->lock);
	return ok;
}

static void __attribute__((noinline)) vgic_sync_all(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t done = vgic_hw->empty_lrs();

	if (c->lr_eoi)
		done |= vgic_hw->eoi_lrs();
	done &= c->lr_used;
	if (done)
		lrs_done(v, done);
	/* A timer's list register filled without the trap (for a guest to
	 * take at once) and not taken by now: followed from here on. With
	 * the trap, the acknowledge is where it is looked at. */
	if (unlikely(c->lr_level) && !c->ack_trap)
		level_check(v);
}

void vgic_sync(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	/* One list register in use, 0, with nothing to look at but its
	 * state (no EOI maintenance, no timer's level, no trap). */
	if (lr0_sysreg && c->lr_used == 1 && !c->lr_eoi && !c->lr_level &&
	    !c->ack_trap) {
		if (!(read_sysreg(ICH_ELRSR_EL2) & 1))
			return; /* still held by the guest */
		if (sgi_refill_lr0(v))
			return;
	}
	vgic_sync_all(v);
}

void vgic_hw_unmask(struct vcpu *v, struct virq *q)
{
	q->hw_masked = false;
	if (!q->hwirq)
		return;
	if (virq_linked(q))
		gic_set_active_local(q->hwirq, false);
	else if (q->enabled && q->vcpu < v->vm->vcpu_count)
		hal_irqchip_enable(q->hwirq, v->vm->vcpus[q->vcpu]->pcpu);
}

bool vgic_has_pending(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	bool found = false;

	if (!READ_ONCE(c->nr_queued) && !c->lr_used)
		return false;
	spin_lock(&g->lock);
	for (unsigned w = 0; w < VGIC_MAX_IRQS / 64 && !found; w++) {
		for (uint64_t bits = c->queued[w]; bits && !found;
		     bits &= bits - 1) {
			const struct virq *q =
				vgic_irq(v, w * 64 + (unsigned)__builtin_ctzll(
							     bits));
			found = vgic_signals(c->vmcr, q->prio, q->group1);
		}
	}
	for (uint32_t used = c->lr_used; used && !found; used &= used - 1) {
		uint64_t lr = c->lr[__builtin_ctz(used)];
		found = (lr & LR_STATE_PENDING) &&
			vgic_signals(c->vmcr,
				     (unsigned)(lr >> LR_PRIO_SHIFT) & 0xff,
				     lr & LR_GROUP1);
	}
	spin_unlock(&g->lock);
	return found;
}

/* ---- the virtual timer's fast path (struct vgic_fast) ----
 * When the virtual timer's host PPI fires while the guest runs, the exit
 * vector (guest_entry.S) does what vgic_inject_hw() and lr_fill() would,
 * in a few dozen instructions rather than some hundreds: it writes the
 * list register armed here into list register 0, linked to the host PPI
 * (LR_HW), drops the host PPI's priority and re-enters the guest. It
 * sets the acknowledge trap when the guest would not take it at once
 * (as level_filled()), and lifts the trap itself at the guest's
 * acknowledge while the timer's level is up (as vgic_ack_trapped()).
 * Every other exit meanwhile comes through vgic_fast_catch_up() first.
 * Armed only while nothing else is in the list registers or queued, so
 * list register 0 is free, or holds this PPI, when the guest is done
 * with it (ICH_ELRSR); the PPI's state, changed by anyone, disarms it. */

static uint64_t fast_lr(const struct virq *q)
{
	return LR_STATE_PENDING | LR_HW | LR_GROUP1 |
	       (uint64_t)VTIMER_PPI << LR_PINTID_SHIFT |
	       (uint64_t)q->prio << LR_PRIO_SHIFT | VTIMER_PPI;
}

/* Whether the PPI is as an armed list register shows it: enabled, its
 * group on, not pending or queued apart from it. */
static bool fast_ppi_plain(const struct vgic *g, const struct virq *q)
{
	return q->enabled && q->group1 && g->grp1_on && !q->pending &&
	       !q->recall && q->queued_on == VGIC_NO_VCPU &&
	       q->hwirq == VTIMER_PPI;
}

void vgic_fast_disarm(struct vcpu *v)
{
	WRITE_ONCE(v->arch.vgic.fast.lr, 0);
}

/* The list register to arm with, or 0. Out of line: the common case
 * (list registers in use, or something queued) stays a few tests. */
static uint64_t __attribute__((noinline)) fast_arm_lr(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	const struct virq *q = &c->priv[VTIMER_PPI];
	bool lrs_ok = c->lr_used == 0 ? !q->in_lr && !q->hw_masked :
					c->lr_intid[0] == VTIMER_PPI &&
						q->in_lr && q->hw_masked;

	return g->fast_ok && lrs_ok && fast_ppi_plain(g, q) ? fast_lr(q) : 0;
}

/* Caller holds the lock. */
static void fast_arm(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint64_t lr = 0;

	if (c->lr_used <= 1 && !c->nr_queued && !c->resync && !c->ack_trap)
		lr = fast_arm_lr(v);
	WRITE_ONCE(c->fast.lr, lr);
}

void vgic_fast_arm(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);

	if (!g->fast_ok)
		return;
	spin_lock(&g->lock);
	fast_arm(v);
	spin_unlock(&g->lock);
}

void vgic_fast_catch_up(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic *g = vgic_of(v->vm);
	struct virq *q = &c->priv[VTIMER_PPI];
	uint64_t armed = READ_ONCE(c->fast.lr);
	/* Set by the vector, if at all: the vGIC's own is off while armed. */
	bool trap = vgic_v3_ack_trapping();

	vgic_fast_vectors_off();
	c->fast.filled = 0;
	spin_lock(&g->lock);
	/* As lr_fill() would have (list register 0 held this PPI already,
	 * or was free: fast_arm()). */
	if (!(c->lr_used & 1u)) {
		q->in_lr = true;
		q->hw_masked = true;
		q->vcpu = (uint8_t)v->id;
		c->lr_used |= 1u;
		c->lr_intid[0] = VTIMER_PPI;
	}
	c->lr_level |= 1u;
	if (trap)
		set_ack_trap(v, true, true);
	/* Changed (from another vCPU) since it was armed: taken back, as a
	 * change of an interrupt in a list register is (vgic_recall). */
	if (armed != fast_lr(q) || !fast_ppi_plain(g, q)) {
		vgic_update(v->vm, v, VTIMER_PPI);
		q->recall = true;
		c->resync = true;
	}
	spin_unlock(&g->lock);
}

/* ---- the maintenance interrupt ---- */

/* The vCPU loop's exit path has already taken back the finished list
 * registers (vgic_sync); what remains is to stop the underflow request
 * from firing again until vgic_flush decides it is needed. */
static void vgic_maintenance(unsigned irq, void *arg)
{
	struct vcpu *v = vcpu_loaded();

	(void)irq;
	(void)arg;
	if (v && (v->arch.vgic.hcr & ICH_HCR_UIE)) {
		v->arch.vgic.hcr &= ~ICH_HCR_UIE;
		vgic_hw->write_hcr(v->arch.vgic.hcr);
	}
}

int vgic_init(void)
{
	int err = hal_gic_version() == 3 ? vgic_v3_probe() : vgic_v2_probe();

	if (err)
		return err;
	lr0_sysreg = hal_gic_version() == 3;
	irq_register(GIC_MAINT_IRQ, vgic_maintenance, NULL);
	vtimer_init();
	return 0;
}

/* ---- interrupt lines of emulated devices ---- */

void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level)
{
	struct vgic *g = vgic_of(vm);

	if (irq < VGIC_NR_PRIVATE || irq >= g->nr_irqs)
		return; /* SPIs only: no device drives a PPI */
	struct virq *q = &g->spi[irq - VGIC_NR_PRIVATE];
	spin_lock(&g->lock);
	if (level && !q->line && !q->level)
		q->pending = true; /* configured edge-triggered: the rise */
	q->line = level;
	vgic_update(vm, NULL, irq);
	spin_unlock(&g->lock);
}

/* An emulated PLIC per VM at QEMU virt's 0x0c00_0000: sources 1-95,
 * priorities 0-7, a pending bit per source, and QEMU virt's two contexts
 * per hart: context 2i is vCPU i's M-mode, which a VM has not (it reads
 * 0 and ignores writes), context 2i + 1 its S-mode, with its enable
 * bits, priority threshold and claim/complete register (so guests built
 * for QEMU's virt machine, which take context 1 for hart 0's S-mode
 * without reading the DTB, find theirs). A source is pending while its
 * line rises while it is not claimed, until a claim (the PLIC spec's
 * gateway: a line that drops leaves the request pending; one still high
 * at the completion asks again); a claim
 * takes the highest-priority pending source enabled for the context
 * above its threshold (the lowest id among equals) and clears its pending
 * bit until it is completed. A context's output (such a source exists)
 * is its vCPU's VSEIP (hvip). */
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/vcpu.h>
#include "virt_platform.h"
#include "vmm_riscv64.h"

#define NSRC   VIRT_PLIC_SOURCES /* ids 0 (none) to NSRC - 1 */
#define NWORDS ((NSRC + 31) / 32)

#define PLIC_PRIORITY  0x000000
#define PLIC_PENDING   0x001000
#define PLIC_ENABLE    0x002000
#define PLIC_ENABLE_SZ 0x80
#define PLIC_CONTEXT   0x200000
#define PLIC_CTX_SZ    0x1000
#define PRIO_MASK      7u

struct vplic_ctx {
	uint32_t enable[NWORDS];
	uint32_t threshold;
};

struct vplic {
	struct vm *vm;
	spinlock_t lock;
	uint32_t priority[NSRC];
	uint32_t line[NWORDS];
	uint32_t pending[NWORDS];
	uint32_t claimed[NWORDS];
	uint32_t hw[NWORDS]; /* sources forwarded from the host's PLIC */
	struct vplic_ctx ctx[VMCFG_MAX_CPUS];
};

static bool bit(const uint32_t *w, unsigned i)
{
	return w[i / 32] >> (i % 32) & 1;
}

static void set_bit(uint32_t *w, unsigned i, bool on)
{
	if (on)
		w[i / 32] |= 1u << (i % 32);
	else
		w[i / 32] &= ~(1u << (i % 32));
}

/* The source a claim by context 'c' would take, 0 if none. */
static unsigned vplic_best(const struct vplic *p, const struct vplic_ctx *c)
{
	unsigned best = 0;
	uint32_t best_prio = c->threshold;

	for (unsigned w = 0; w < NWORDS; w++) {
		uint32_t m = p->pending[w] & c->enable[w];
		for (unsigned b = 0; m; b++, m >>= 1) {
			unsigned s = w * 32 + b;
			if ((m & 1) && p->priority[s] > best_prio) {
				best_prio = p->priority[s];
				best = s;
			}
		}
	}
	return best;
}

/* Each context's output to its vCPU; caller holds p->lock. */
static void vplic_update(struct vplic *p)
{
	struct vm *vm = p->vm;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		bool out = vplic_best(p, &p->ctx[i]) != 0;
		if (out == READ_ONCE(v->arch.eip))
			continue;
		WRITE_ONCE(v->arch.eip, out);
		/* Looked at before the guest runs again (exit_resume()). */
		__atomic_fetch_or(&v->arch.inject, INJECT_EIP,
				  __ATOMIC_RELEASE);
		if (out)
			vcpu_kick(v);
	}
}

void vplic_set_line(struct vm *vm, unsigned irq, bool level)
{
	struct vplic *p = vm->arch.vplic;

	if (!p || irq == 0 || irq >= NSRC)
		return;
	spin_lock(&p->lock);
	set_bit(p->line, irq, level);
	/* The gateway (PLIC spec, "Interrupt Gateways"): a request, once
	 * made, stays pending until it is claimed, even if the line drops
	 * (a pulse, such as an IVC notify, is not lost); a line still high
	 * at the completion asks again (vplic_complete). */
	if (level && !bit(p->claimed, irq))
		set_bit(p->pending, irq, true);
	vplic_update(p);
	spin_unlock(&p->lock);
}

static uint32_t vplic_claim(struct vplic *p, unsigned ctx)
{
	unsigned s = vplic_best(p, &p->ctx[ctx]);

	if (s) {
		set_bit(p->pending, s, false);
		set_bit(p->claimed, s, true);
	}
	return s;
}

/* A completion of a source not enabled for the context is ignored. A
 * forwarded source's line drops, and the host's source is unmasked: if
 * the device still asks, it comes again. */
static void vplic_complete(struct vplic *p, unsigned ctx, uint32_t s)
{
	if (s == 0 || s >= NSRC || !bit(p->ctx[ctx].enable, s) ||
	    !bit(p->claimed, s))
		return;
	set_bit(p->claimed, s, false);
	if (bit(p->hw, s)) {
		set_bit(p->line, s, false);
		hal_irqchip_enable(HAL_PLIC_IRQ_BASE + s,
				   p->vm->vcpus[0]->pcpu);
	}
	set_bit(p->pending, s, bit(p->line, s));
}

/* The vCPU whose S-mode context a register offset belongs to, or -1
 * (an M-mode context, or a vCPU the VM has not). */
static int vplic_ctx_of(const struct vplic *p, uint64_t off, uint64_t base,
			uint64_t stride)
{
	uint64_t c = (off - base) / stride;

	return (c & 1) && c / 2 < p->vm->vcpu_count ? (int)(c / 2) : -1;
}

static bool vplic_read_locked(struct vplic *p, uint64_t off, uint32_t *val)
{
	int c;

	*val = 0;
	if (off < PLIC_PENDING) {
		if (off / 4 < NSRC)
			*val = p->priority[off / 4];
		return true;
	}
	if (off < PLIC_ENABLE) {
		if ((off - PLIC_PENDING) / 4 < NWORDS)
			*val = p->pending[(off - PLIC_PENDING) / 4];
		return true;
	}
	if (off < PLIC_CONTEXT) {
		c = vplic_ctx_of(p, off, PLIC_ENABLE, PLIC_ENABLE_SZ);
		unsigned w =
			(unsigned)((off - PLIC_ENABLE) % PLIC_ENABLE_SZ) / 4;
		if (c >= 0 && w < NWORDS)
			*val = p->ctx[c].enable[w];
		return true;
	}
	c = vplic_ctx_of(p, off, PLIC_CONTEXT, PLIC_CTX_SZ);
	if (c < 0)
		return true;
	switch ((off - PLIC_CONTEXT) % PLIC_CTX_SZ) {
	case 0:
		*val = p->ctx[c].threshold;
		break;
	case 4:
		*val = vplic_claim(p, (unsigned)c);
		vplic_update(p);
		break;
	}
	return true;
}

static void vplic_write_locked(struct vplic *p, uint64_t off, uint32_t val)
{
	int c;

	if (off < PLIC_PENDING) {
		if (off / 4 < NSRC && off / 4 != 0)
			p->priority[off / 4] = val & PRIO_MASK;
	} else if (off < PLIC_ENABLE) {
		/* pending: read-only */
	} else if (off < PLIC_CONTEXT) {
		c = vplic_ctx_of(p, off, PLIC_ENABLE, PLIC_ENABLE_SZ);
		unsigned w =
			(unsigned)((off - PLIC_ENABLE) % PLIC_ENABLE_SZ) / 4;
		if (c >= 0 && w < NWORDS)
			p->ctx[c].enable[w] = w ? val : val & ~1u; /* no 0 */
	} else {
		c = vplic_ctx_of(p, off, PLIC_CONTEXT, PLIC_CTX_SZ);
		if (c < 0)
			return;
		switch ((off - PLIC_CONTEXT) % PLIC_CTX_SZ) {
		case 0:
			p->ctx[c].threshold = val & PRIO_MASK;
			break;
		case 4:
			vplic_complete(p, (unsigned)c, val);
			break;
		}
	}
	vplic_update(p);
}

/* The registers read under the lock, out of line: vplic_read()'s
 * priority read then needs no stack frame. */
static bool __attribute__((noinline))
vplic_read_slow(struct vplic *p, uint64_t off, uint64_t *val)
{
	uint32_t v32;

	spin_lock(&p->lock);
	vplic_read_locked(p, off, &v32);
	spin_unlock(&p->lock);
	*val = v32;
	return true;
}

/* 32-bit accesses only, as the PLIC's registers are; anything else is
 * not answered (an access fault for the guest). Offsets without a
 * register read 0 and ignore writes. */
static bool vplic_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vplic *p = ctx;

	if (width != 4 || (off & 3))
		return false;
	/* A source's priority, the most read register, without the lock:
	 * one aligned word, written whole under it. */
	if (off / 4 < NSRC) {
		*val = READ_ONCE(p->priority[off / 4]);
		return true;
	}
	return vplic_read_slow(p, off, val);
}

static bool vplic_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vplic *p = ctx;

	if (width != 4 || (off & 3))
		return false;
	spin_lock(&p->lock);
	vplic_write_locked(p, off, (uint32_t)val);
	spin_unlock(&p->lock);
	return true;
}

/* Everything but the lines of emulated devices (their own reset drives
 * those). */
static void vplic_reset(void *ctx)
{
	struct vplic *p = ctx;

	spin_lock(&p->lock);
	memset(p->priority, 0, sizeof(p->priority));
	memset(p->claimed, 0, sizeof(p->claimed));
	memset(p->ctx, 0, sizeof(p->ctx));
	/* A forwarded source masked at the host for a claim that will
	 * never be completed now: unmasked, its line down until it fires. */
	for (unsigned s = 1; s < NSRC; s++) {
		if (!bit(p->hw, s))
			continue;
		set_bit(p->line, s, false);
		hal_irqchip_enable(HAL_PLIC_IRQ_BASE + s,
				   p->vm->vcpus[0]->pcpu);
	}
	memcpy(p->pending, p->line, sizeof(p->pending));
	vplic_update(p);
	spin_unlock(&p->lock);
}

/* Its contexts are the VM's vCPUs, however many exist by the time the
 * guest looks. Freed by vplic_destroy() (vm_arch_destroy), after the
 * forwarded host interrupts that reach it are gone. */
int vplic_create(struct vm *vm)
{
	struct vplic *p = kzalloc(sizeof(*p));

	if (!p)
		return -1;
	p->vm = vm;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	struct io_device d = { .name = "plic",
			       .base = VIRT_PLIC_BASE,
			       .size = VIRT_PLIC_SIZE,
			       .ctx = p,
			       .read = vplic_read,
			       .write = vplic_write,
			       .reset = vplic_reset };
	if (!io_register(&vm->mmio, &d)) {
		kfree(p);
		return -1;
	}
	vm->arch.vplic = p;
	return 0;
}

/* A forwarded source fired at the host: masked there until the guest
 * completes it here. Under the VM's lock: a VM that is stopping may have
 * vCPU tasks that are gone; its line just stays masked (a reset unmasks
 * it). A suspended VM gets it as it is resumed: dropped, the host's
 * source would stay masked for good. */
static void vplic_hw_irq(unsigned irq, void *arg)
{
	struct vm *vm = arg;

	hal_irqchip_disable(irq);
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING || vm->state == VM_SUSPENDED)
		vplic_set_line(vm, irq - HAL_PLIC_IRQ_BASE, true);
	spin_unlock(&vm->lock);
}

int vplic_forward(struct vm *vm, unsigned host, unsigned guest)
{
	struct vplic *p = vm->arch.vplic;

	/* The guest's source is the host's: one PLIC numbering. */
	if (!p || host != guest || host == 0 || host >= NSRC ||
	    bit(p->hw, host) || vm->vcpu_count == 0)
		return -1;
	if (!irq_claim(HAL_PLIC_IRQ_BASE + host, vplic_hw_irq, vm))
		return -2;
	spin_lock(&p->lock);
	set_bit(p->hw, host, true);
	spin_unlock(&p->lock);
	hal_irqchip_enable(HAL_PLIC_IRQ_BASE + host, vm->vcpus[0]->pcpu);
	return 0;
}

void vplic_destroy(struct vm *vm)
{
	struct vplic *p = vm->arch.vplic;

	if (!p)
		return;
	for (unsigned s = 1; s < NSRC; s++) {
		if (!bit(p->hw, s))
			continue;
		hal_irqchip_disable(HAL_PLIC_IRQ_BASE + s);
		irq_unregister(HAL_PLIC_IRQ_BASE + s);
	}
	vm->arch.vplic = NULL;
	kfree(p);
}

/* A GICv2 CPU interface (GICC) emulated on a GICv3 host, for VMs whose
 * config asks for a GICv2 (docs/aarch64.md, "A VM's own GIC").
 *
 * The distributor and the interrupt state are vgic.c's, as for any VM;
 * interrupts still reach the vCPU through the host's ICH list registers,
 * which raise its virtual IRQ when one is deliverable (above the priority
 * mask, above the running priority). Only the memory-mapped GICC is
 * emulated: its page is not mapped, every access exits, and acknowledge,
 * EOI and deactivation are done here on the list registers, as the v3
 * hardware would do them for ICV_IAR1_EL1 and friends. The guest's
 * priority mask, EOI mode and binary points live in ICH_VMCR_EL2, so the
 * hardware signals by them and they are saved with the vCPU.
 *
 * Every list register is made group 1 (vgic.c, lr_fill): a GICv3 signals
 * group 0 as FIQ, where a GICv2 guest with FIQEn clear expects IRQs. So
 * the two group enables of GICC_CTLR act as one, and FIQEn reads as 0. */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/vcpu.h>
#include <arch/vgic.h>
#include "virt_platform.h"
#include "vmm_aarch64.h"

#define GICC_CTLR   0x0000
#define GICC_PMR    0x0004
#define GICC_BPR    0x0008
#define GICC_IAR    0x000c
#define GICC_EOIR   0x0010
#define GICC_RPR    0x0014
#define GICC_HPPIR  0x0018
#define GICC_ABPR   0x001c
#define GICC_AIAR   0x0020
#define GICC_APR0   0x00d0
#define GICC_IIDR   0x00fc
#define GICC_DIR    0x1000
#define GICC_IIDR_V 0x0202143bu /* GIC-400, as QEMU's virt guests expect */

#define CTLR_GRP0    (1u << 0)
#define CTLR_GRP1    (1u << 1)
#define CTLR_CBPR    (1u << 4)
#define CTLR_EOIMODE (1u << 9)
#define CTLR_KEPT    0x3f7u /* FIQEn (bit 3) reads as 0 */

/* ICH_VMCR_EL2 fields. */
#define VMCR_VENG0   (1ull << 0)
#define VMCR_VENG1   (1ull << 1)
#define VMCR_VCBPR   (1ull << 4)
#define VMCR_VEOIM   (1ull << 9)
#define VMCR_VBPR1_S 18
#define VMCR_VBPR0_S 21
#define VMCR_VPMR_S  24

#define ICH_VMCR        S3_4_C12_C11_7
#define ICH_AP1R0       S3_4_C12_C9_0
#define ich_read(r)     read_sysreg(r)
#define ich_write(r, v) write_sysreg(r, v)

#define SPURIOUS 1023u
/* A list register's vINTID as a GICv2 IAR gives it: the INTID, and for
 * an SGI the source CPU in bits 12:10 (vgic.c keeps it there). */
static inline uint32_t lr_v2id(uint64_t lr)
{
	return (uint32_t)lr & ((lr & LR_HW) ? 0x3ffu : 0x1fffu);
}

struct gicc_soft {
	struct vm *vm;
	uint16_t ctlr[VMCFG_MAX_CPUS]; /* as the guest wrote it */
};

static unsigned lr_prio(uint64_t lr)
{
	return (unsigned)(lr >> LR_PRIO_SHIFT) & 0xf8; /* 5 bits, as v2 */
}

/* The running priority: that of the highest active priority bit. The
 * v3 virtual interface with 5 priority bits has one bit per priority
 * group of 8 in ICH_AP1R0_EL2. */
static unsigned running_prio(void)
{
	uint32_t ap = (uint32_t)ich_read(ICH_AP1R0);

	return ap ? (unsigned)__builtin_ctz(ap) << 3 : 0xff;
}

/* The pending list register of highest priority, or -1. */
static int lr_best_pending(const struct vgic_cpu *c)
{
	int best = -1;
	unsigned best_prio = 0x100;

	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned i = (unsigned)__builtin_ctz(used);
		uint64_t lr = vgic_hw->read_lr(i);

		if ((lr & LR_STATE_MASK) == LR_STATE_PENDING &&
		    lr_prio(lr) < best_prio) {
			best = (int)i;
			best_prio = lr_prio(lr);
		}
	}
	return best;
}

static uint32_t gicc_iar(struct vcpu *v)
{
	uint64_t vmcr, lr;
	int i;

	/* A timer's level that dropped takes its list register back. */
	vgic_sample_levels(v);
	vmcr = ich_read(ICH_VMCR);
	i = lr_best_pending(&v->arch.vgic);
	if (i < 0 || !(vmcr & VMCR_VENG1))
		return SPURIOUS;
	lr = vgic_hw->read_lr((unsigned)i);
	if (lr_prio(lr) >= (vmcr >> VMCR_VPMR_S & 0xff) ||
	    lr_prio(lr) >= running_prio())
		return SPURIOUS;
	vgic_hw->write_lr((unsigned)i, (lr & ~LR_STATE_MASK) | LR_STATE_ACTIVE);
	ich_write(ICH_AP1R0, ich_read(ICH_AP1R0) | 1ull << (lr_prio(lr) >> 3));
	return lr_v2id(lr);
}

/* Deactivates interrupt 'id' (with its SGI source): its list register
 * goes back to pending or to empty, a timer's host PPI with it, and the
 * vGIC takes back what the guest has finished with at once. */
static void gicc_deactivate(struct vcpu *v, uint32_t id)
{
	struct vgic_cpu *c = &v->arch.vgic;

	id &= 0x1fff;
	if ((id & 0x3ff) >= 1020)
		return;
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned i = (unsigned)__builtin_ctz(used);
		uint64_t lr = vgic_hw->read_lr(i);

		if (!(lr & LR_STATE_ACTIVE) || lr_v2id(lr) != id)
			continue;
		vgic_hw->write_lr(i, lr & ~LR_STATE_ACTIVE);
		if (lr & LR_HW)
			gic_set_active_local((unsigned)(lr >> LR_PINTID_SHIFT) &
						     0x3ff,
					     false);
		break;
	}
	vgic_sync(v);
}

static void gicc_eoir(struct vcpu *v, uint32_t id)
{
	uint32_t ap = (uint32_t)ich_read(ICH_AP1R0);

	/* Priority drop: the highest active priority. */
	ich_write(ICH_AP1R0, ap & (ap - 1));
	if (!(ich_read(ICH_VMCR) & VMCR_VEOIM))
		gicc_deactivate(v, id);
}

static uint32_t gicc_hppir(struct vcpu *v)
{
	int i = lr_best_pending(&v->arch.vgic);

	return i < 0 ? SPURIOUS : lr_v2id(vgic_hw->read_lr((unsigned)i));
}

static void vmcr_set(uint64_t mask, uint64_t val)
{
	ich_write(ICH_VMCR, (ich_read(ICH_VMCR) & ~mask) | (val & mask));
}

static void gicc_ctlr_write(struct gicc_soft *s, struct vcpu *v, uint32_t val)
{
	bool on = val & (CTLR_GRP0 | CTLR_GRP1);

	s->ctlr[v->id] = (uint16_t)(val & CTLR_KEPT);
	vmcr_set(VMCR_VENG0 | VMCR_VENG1 | VMCR_VCBPR | VMCR_VEOIM,
		 (on ? VMCR_VENG0 | VMCR_VENG1 : 0) |
			 ((val & CTLR_CBPR) ? VMCR_VCBPR : 0) |
			 ((val & CTLR_EOIMODE) ? VMCR_VEOIM : 0));
}

static uint32_t gicc_ctlr_read(struct gicc_soft *s, struct vcpu *v)
{
	/* A vCPU powered on afresh has a clear VMCR: nothing enabled. */
	if (!(ich_read(ICH_VMCR) & VMCR_VENG1))
		return s->ctlr[v->id] & ~(CTLR_GRP0 | CTLR_GRP1);
	return s->ctlr[v->id];
}

/* The accessing vCPU, loaded here, or NULL (not one of the VM's). */
static struct vcpu *gicc_vcpu(const struct gicc_soft *s)
{
	struct vcpu *v = vcpu_loaded();

	return v && v->vm == s->vm ? v : NULL;
}

static bool gicc_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct gicc_soft *s = ctx;
	struct vcpu *v = gicc_vcpu(s);
	uint64_t vmcr;

	if (width != 4 || (off & 3) || !v)
		return vgic_odd_access(s->vm, "GICC", off, width, false, val);
	vmcr = ich_read(ICH_VMCR);
	switch (off) {
	case GICC_CTLR:
		*val = gicc_ctlr_read(s, v);
		break;
	case GICC_PMR:
		*val = vmcr >> VMCR_VPMR_S & 0xf8;
		break;
	case GICC_BPR:
		*val = vmcr >> VMCR_VBPR0_S & 7;
		break;
	case GICC_ABPR:
		*val = vmcr >> VMCR_VBPR1_S & 7;
		break;
	case GICC_IAR:
		*val = gicc_iar(v);
		break;
	case GICC_RPR:
		*val = running_prio();
		break;
	case GICC_HPPIR:
		*val = gicc_hppir(v);
		break;
	case GICC_AIAR:
	case GICC_AIAR + 8: /* AHPPIR: no group 1 alias without security */
		*val = SPURIOUS;
		break;
	case GICC_APR0:
		*val = (uint32_t)ich_read(ICH_AP1R0);
		break;
	case GICC_IIDR:
		*val = GICC_IIDR_V;
		break;
	default:
		*val = 0; /* reserved, write-only, unimplemented */
	}
	return true;
}

static bool gicc_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct gicc_soft *s = ctx;
	struct vcpu *v = gicc_vcpu(s);

	if (width != 4 || (off & 3) || !v)
		return vgic_odd_access(s->vm, "GICC", off, width, true, &val);
	switch (off) {
	case GICC_CTLR:
		gicc_ctlr_write(s, v, (uint32_t)val);
		break;
	case GICC_PMR:
		vmcr_set(0xffull << VMCR_VPMR_S, (val & 0xf8) << VMCR_VPMR_S);
		break;
	case GICC_BPR:
		vmcr_set(7ull << VMCR_VBPR0_S, (val & 7) << VMCR_VBPR0_S);
		break;
	case GICC_ABPR:
		vmcr_set(7ull << VMCR_VBPR1_S, (val & 7) << VMCR_VBPR1_S);
		break;
	case GICC_EOIR:
		gicc_eoir(v, (uint32_t)val);
		break;
	case GICC_DIR:
		gicc_deactivate(v, (uint32_t)val);
		break;
	case GICC_APR0:
		ich_write(ICH_AP1R0, (uint32_t)val);
		break;
	default:
		break; /* read-only, reserved, aliases: ignored */
	}
	return true;
}

int vgic_v2_soft_create(struct vm *vm)
{
	struct gicc_soft *s = kzalloc(sizeof(*s));

	if (!s)
		return -1;
	s->vm = vm;
	struct io_device dev = {
		.name = "gicc",
		.base = VIRT_GICC_BASE,
		.size = VIRT_GICC_SIZE,
		.ctx = s,
		.read = gicc_read,
		.write = gicc_write,
		.destroy = kfree,
	};
	if (!io_register(&vm->mmio, &dev)) {
		kfree(s);
		return -1;
	}
	return 0;
}

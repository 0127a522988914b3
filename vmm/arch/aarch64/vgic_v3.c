/* GICv3 virtual CPU interface: the ICH_*_EL2 list registers, and the
 * guest's SGIs, which it writes to ICC_SGI1R_EL1 (trapped). */
#include <arch/sysreg.h>
#include <kernel/log.h>
#include <arch/vgic.h>
#include "vmm_aarch64.h"

#define ICH_HCR   S3_4_C12_C11_0
#define ICH_VTR   S3_4_C12_C11_1
#define ICH_EISR  S3_4_C12_C11_3
#define ICH_ELRSR S3_4_C12_C11_5
#define ICH_VMCR  S3_4_C12_C11_7

/* One level of indirection so that the names above expand first. */
#define ich_read(r)     read_sysreg(r)
#define ich_write(r, v) write_sysreg(r, v)

static unsigned nr_aprs; /* ICH_AP{0,1}R<n>: 1, 2 or 4 */

#define LR_CASE(n, crm, op2)                                       \
	case n:                                                    \
		if (write)                                         \
			write_sysreg(S3_4_C12_##crm##_##op2, val); \
		else                                               \
			val = read_sysreg(S3_4_C12_##crm##_##op2); \
		break;

static uint64_t lr_access(unsigned i, bool write, uint64_t val)
{
	/* A table of cases, not statements. */
	/* clang-format off */
	switch (i) {
	LR_CASE(0, C12, 0) LR_CASE(1, C12, 1) LR_CASE(2, C12, 2)
	LR_CASE(3, C12, 3) LR_CASE(4, C12, 4) LR_CASE(5, C12, 5)
	LR_CASE(6, C12, 6) LR_CASE(7, C12, 7) LR_CASE(8, C13, 0)
	LR_CASE(9, C13, 1) LR_CASE(10, C13, 2) LR_CASE(11, C13, 3)
	LR_CASE(12, C13, 4) LR_CASE(13, C13, 5) LR_CASE(14, C13, 6)
	LR_CASE(15, C13, 7)
	}
	/* clang-format on */
	return val;
}

static void v3_write_lr(unsigned i, uint64_t lr)
{
	lr_access(i, true, lr);
}
static uint64_t v3_read_lr(unsigned i)
{
	return lr_access(i, false, 0);
}
static uint32_t v3_empty_lrs(void)
{
	return (uint32_t)ich_read(ICH_ELRSR);
}
static uint32_t v3_eoi_lrs(void)
{
	return (uint32_t)ich_read(ICH_EISR);
}

static void v3_write_hcr(uint32_t hcr)
{
	ich_write(ICH_HCR, hcr);
}

static uint32_t v3_read_vmcr(void)
{
	return (uint32_t)ich_read(ICH_VMCR);
}

bool vgic_v3_ack_trapping(void)
{
	return ich_read(ICH_HCR) & ICH_HCR_TALL1;
}

/* Not loaded, the bits wait in c->hcr for v3_load. */
static void v3_trap_ack(struct vcpu *v, bool on, bool loaded)
{
	struct vgic_cpu *c = &v->arch.vgic;
	const uint32_t tall = ICH_HCR_TALL0 | ICH_HCR_TALL1;

	c->hcr = on ? c->hcr | tall : c->hcr & ~tall;
	if (loaded)
		ich_write(ICH_HCR, c->hcr);
}

#define APR_SAVE(n)                                          \
	c->apr0[n] = (uint32_t)read_sysreg(S3_4_C12_C8_##n); \
	c->apr1[n] = (uint32_t)read_sysreg(S3_4_C12_C9_##n)
#define APR_RESTORE(n)                             \
	write_sysreg(S3_4_C12_C8_##n, c->apr0[n]); \
	write_sysreg(S3_4_C12_C9_##n, c->apr1[n])

static void v3_load(struct vgic_cpu *c)
{
	for (unsigned i = 0; i < vgic_hw->nr_lrs; i++)
		lr_access(i, true, c->lr[i]);
	APR_RESTORE(0);
	if (nr_aprs > 1) {
		APR_RESTORE(1);
	}
	if (nr_aprs > 2) {
		APR_RESTORE(2);
		APR_RESTORE(3);
	}
	ich_write(ICH_VMCR, c->vmcr);
	ich_write(ICH_HCR, c->hcr);
}

static void v3_put(struct vgic_cpu *c)
{
	for (unsigned i = 0; i < vgic_hw->nr_lrs; i++)
		c->lr[i] = lr_access(i, false, 0);
	APR_SAVE(0);
	if (nr_aprs > 1) {
		APR_SAVE(1);
	}
	if (nr_aprs > 2) {
		APR_SAVE(2);
		APR_SAVE(3);
	}
	c->vmcr = (uint32_t)ich_read(ICH_VMCR);
	ich_write(ICH_HCR, 0);
}

static struct vgic_hw v3_hw = {
	.write_lr = v3_write_lr,
	.read_lr = v3_read_lr,
	.empty_lrs = v3_empty_lrs,
	.eoi_lrs = v3_eoi_lrs,
	.write_hcr = v3_write_hcr,
	.read_vmcr = v3_read_vmcr,
	.trap_ack = v3_trap_ack,
	.load = v3_load,
	.put = v3_put,
};

int vgic_v3_probe(void)
{
	uint64_t vtr = ich_read(ICH_VTR);
	unsigned pre_bits = (unsigned)(vtr >> 26 & 7) + 1;

	v3_hw.nr_lrs = MIN((unsigned)(vtr & 0x1f) + 1, (unsigned)VGIC_MAX_LRS);
	nr_aprs = pre_bits >= 7 ? 4 : pre_bits == 6 ? 2 : 1;
	vgic_hw = &v3_hw;
	pr_info("vGICv3: %u list registers, %u preemption bits", v3_hw.nr_lrs,
		pre_bits);
	return 0;
}

/* The vCPU of affinity 'hwid' (Aff3.Aff2.Aff1.Aff0 as MPIDR has them),
 * or NULL. Worked back from the numbering (vcpu_arch_hwid: Aff0 0-15,
 * clusters in Aff1) rather than searched for; the search stays for a
 * numbering it does not know. */
static struct vcpu *sgi_target(struct vm *vm, uint64_t hwid)
{
	unsigned i =
		(unsigned)(hwid >> 8 & 0xff) * 16 + (unsigned)(hwid & 0xff);

	if (!(hwid & ~0xff0full) && i < vm->vcpu_count &&
	    vm->vcpus[i]->hwid == hwid)
		return vm->vcpus[i];
	return vm_vcpu_by_hwid(vm, hwid);
}

/* ICC_SGI1R_EL1 (and ICC_ASGI1R/ICC_SGI0R, treated alike): raises SGI
 * INTID on the listed vCPUs of Aff3.Aff2.Aff1 (RS selects which 16 of
 * Aff0), or on every other vCPU (IRM). Absent targets are ignored. */
/* vgic_v3_sgi1r() but for its common case. Out of line: the common
 * case keeps no stack frame. */
static void __attribute__((noinline))
sgi1r_general(struct vcpu *v, uint64_t val)
{
	struct vm *vm = v->vm;
	unsigned sgi = val >> 24 & 0xf, absent = 0;

	if (val >> 40 & 1) {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			if (vm->vcpus[i] != v)
				vgic_send_sgi(v, vm->vcpus[i], sgi);
		return;
	}
	uint64_t aff = (val >> 48 & 0xff) << 32 | (val >> 32 & 0xff) << 16 |
		       (val >> 16 & 0xff) << 8;
	unsigned rs = val >> 44 & 0xf;
	for (unsigned bits = val & 0xffff; bits; bits &= bits - 1) {
		unsigned aff0 = rs * 16 + (unsigned)__builtin_ctz(bits);
		struct vcpu *t = sgi_target(vm, aff | aff0);
		if (t)
			vgic_send_sgi(v, t, sgi);
		else
			absent++;
	}
	if (absent && vgic_report(vm))
		pr_debug("VM %llu (%s) vCPU %u: SGI %u to %u absent vCPU(s) "
			 "(ICC_SGI1R %#llx) ignored",
			 (unsigned long long)vm->id, vm->name, v->id, sgi,
			 absent, (unsigned long long)val);
}

void vgic_v3_sgi1r(struct vcpu *v, uint64_t val)
{
	struct vm *vm = v->vm;
	unsigned list = val & 0xffff;

	/* The common case: one target, Aff0 0-15 of cluster 0 (RS 0, not
	 * IRM): its vCPU by index. */
	if (!(val & ~(0xfull << 24 | 0xffff)) && list && !(list & (list - 1))) {
		unsigned i = (unsigned)__builtin_ctz(list);
		if (i < vm->vcpu_count && vm->vcpus[i]->hwid == i) {
			vgic_send_sgi(v, vm->vcpus[i], val >> 24 & 0xf);
			return;
		}
	}
	sgi1r_general(v, val);
}

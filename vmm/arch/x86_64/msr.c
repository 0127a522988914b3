/* The MSRs a VM has beyond those it reaches without an exit (svm.c):
 * EFER (SVME hidden), the APIC base, TSC-deadline, the x2APIC's
 * registers (vlapic.c), PAT, the TSC (reads), TSC_AUX (per vCPU), the
 * patch level and AMD's C1E control (off). Any other is #GP, as on a CPU
 * without it. */
#include <kernel/log.h>
#include "svm.h"
#include "x86_insn.h"

#define MSR_TSC          0x10u
#define MSR_APIC_BASE    0x1bu
#define MSR_PATCH_LEVEL  0x8bu
#define MSR_PAT          0x277u
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_K8_INT_PEND  0xc0010055u /* AMD's C1E control */
#define APIC_BASE_BSP    (1ull << 8)
#define APIC_BASE_EXTD   (1ull << 10)
#define APIC_BASE_EN     (1ull << 11)
#define EFER_WRITABLE \
	(EFER_SCE | EFER_LME | EFER_NXE | EFER_LMSLE | EFER_FFXSR | EFER_TCE)

static uint64_t apic_base(const struct vcpu *v)
{
	return VLAPIC_BASE | APIC_BASE_EN | (v->id == 0 ? APIC_BASE_BSP : 0) |
	       (vlapic_x2apic(v) ? APIC_BASE_EXTD : 0);
}

/* EN and EXTD as the SDM's state diagram allows (11.12.5): xAPIC (EN) to
 * x2APIC (EN, EXTD), x2APIC to disabled (neither); EXTD without EN, or
 * x2APIC straight back to xAPIC, is #GP. Disabled is not emulated beyond
 * leaving x2APIC mode (the LAPIC reset), and the base stays where it is
 * (relocation is not emulated). */
static bool apic_base_write(struct vcpu *v, uint64_t val)
{
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;
	bool x2 = vlapic_x2apic(v);

	if ((extd && !en) || (x2 && en && !extd))
		return false;
	if ((val & ~0xfffull) != VLAPIC_BASE || !en)
		pr_debug("VM %llu vCPU %u: APIC base %#llx ignored",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)val);
	if (extd != x2)
		vlapic_set_x2apic(v, extd);
	return true;
}

bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vmcb *vmcb = v->arch.vmcb;

	/* First: an x2APIC guest's EOI, ICR and timer are the MSRs read
	 * and written most. */
	if (msr - X2APIC_MSR_BASE < X2APIC_MSR_COUNT)
		return vlapic_msr_read(v, msr, val);
	switch (msr) {
	case MSR_EFER:
		*val = vmcb->s.efer & ~EFER_SVME;
		return true;
	case MSR_APIC_BASE:
		*val = apic_base(v);
		return true;
	case MSR_TSC:
		*val = x86_rdtsc() + vmcb->c.tsc_offset;
		return true;
	case MSR_TSC_DEADLINE:
		*val = vlapic_tsc_deadline(v);
		return true;
	case MSR_PAT:
		*val = vmcb->s.g_pat;
		return true;
	case MSR_PATCH_LEVEL:
	case MSR_K8_INT_PEND: /* no C1E: a HLT is a HLT */
		*val = 0;
		return true;
	case MSR_TSC_AUX:
		*val = v->arch.tsc_aux;
		return svm_has_rdtscp;
	default:
		return false;
	}
}

/* Each of the eight entries a memory type: UC, WC, WT, WP, WB, UC-. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (unsigned)(pat >> (8 * i)) & 0xff;
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

static bool efer_write(struct vcpu *v, uint64_t val)
{
	struct vmcb_save *s = &v->arch.vmcb->s;

	/* SVME is hidden, so it is reserved for the guest; LMA is the
	 * CPU's; LME does not change under paging. */
	if (val & ~(EFER_WRITABLE | EFER_LMA))
		return false;
	if ((s->cr0 & CR0_PG) && ((val ^ s->efer) & EFER_LME))
		return false;
	s->efer = (val & EFER_WRITABLE) | (s->efer & EFER_LMA) | EFER_SVME;
	return true;
}

bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr - X2APIC_MSR_BASE < X2APIC_MSR_COUNT)
		return vlapic_msr_write(v, msr, val);
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, val);
	case MSR_APIC_BASE:
		return apic_base_write(v, val);
	case MSR_TSC_DEADLINE:
		vlapic_set_tsc_deadline(v, val);
		return true;
	case MSR_PAT:
		if (!pat_valid(val))
			return false;
		v->arch.vmcb->s.g_pat = val;
		return true;
	case MSR_TSC_AUX:
		/* Its high half is reserved; the CPU's register holds it
		 * while the vCPU is loaded (RDTSCP reads it directly). */
		if (!svm_has_rdtscp || val >> 32)
			return false;
		v->arch.tsc_aux = val;
		x86_wrmsr(MSR_TSC_AUX, val);
		return true;
	case MSR_K8_INT_PEND:
		return true;
	case MSR_TSC:
		pr_debug("VM %llu vCPU %u: TSC write ignored",
			 (unsigned long long)v->vm->id, v->id);
		return true;
	default:
		return false;
	}
}

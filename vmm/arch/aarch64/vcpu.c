/* aarch64 vCPUs: EL1 state switching, entering the guest, and decoding
 * its exits (ESR_EL2) into struct vcpu_exit. */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include "vmm_aarch64.h"

void arch_guest_run(struct guest_regs *regs, struct vcpu_exit *e);
unsigned vcpu_arch_exit(struct guest_regs *r, uint64_t kind,
			struct vcpu_exit *e);
unsigned vcpu_arch_irq(struct vcpu *v);
unsigned vcpu_arch_sgi(struct vcpu *v, uint64_t val);
unsigned vcpu_arch_hvc(struct guest_regs *r);
unsigned vcpu_arch_dabt(struct guest_regs *r, uint64_t esr);
void arch_fp_save(struct fp_regs *fp);
void arch_fp_restore(const struct fp_regs *fp);

/* guest_entry.S finds the registers at these offsets. */
_Static_assert(__builtin_offsetof(struct guest_regs, x) == GREGS_X0,
	       "GREGS_X0");
_Static_assert(__builtin_offsetof(struct guest_regs, elr) == GREGS_ELR,
	       "GREGS_ELR");
_Static_assert(__builtin_offsetof(struct guest_regs, spsr) == GREGS_SPSR,
	       "GREGS_SPSR");

_Static_assert(__builtin_offsetof(struct percpu, vmm) == PERCPU_VMM,
	       "PERCPU_VMM");
_Static_assert(__builtin_offsetof(struct vcpu, arch.vgic.fast) == VCPU_FAST,
	       "VCPU_FAST: struct vcpu changed; set it in guest_entry.h");
_Static_assert(__builtin_offsetof(struct vgic_fast, lr) == FAST_LR &&
		       __builtin_offsetof(struct vgic_fast, filled) ==
			       FAST_FILLED &&
		       __builtin_offsetof(struct vgic_fast, acked) ==
			       FAST_ACKED,
	       "FAST_*");
_Static_assert(__builtin_offsetof(struct vcpu, exits[EXIT_IRQ]) ==
		       VCPU_EXITS_IRQ,
	       "VCPU_EXITS_IRQ");
_Static_assert(FAST_PPI == VTIMER_PPI, "FAST_PPI");

/* 'x' as the compiler must take it, unknown, from here on: what is worked
 * out from it after a call is worked out again rather than kept in a
 * callee-saved register (the lean exits' frames). */
#define keep_in_reg(x) __asm__("" : "+r"(x))

#define SPSR_EL1H_MASKED 0x3c5ull      /* EL1h, D A I F masked */
#define SCTLR_EL1_RESET  0x30d00800ull /* RES1 bits, MMU and caches off */

/* VM exits route interrupts, aborts and SMCs to EL2, trap WFI/WFE and the
 * ID registers (to hide features cvisor does not virtualise). */
#define HCR_GUEST                                                         \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |       \
	 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TID3 | HCR_TSC | HCR_TACR | \
	 HCR_TSW | HCR_RW | HCR_TLOR)

static bool cpu_has_pauth(void)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
	uint64_t isar2 = read_sysreg(S3_0_C0_C6_2);

	return (isar1 >> 4 & 0xff) || (isar1 >> 24 & 0xff) ||
	       (isar2 >> 12 & 0xf);
}

uint64_t vcpu_arch_hwid(unsigned index)
{
	/* As QEMU's virt numbers its CPUs: 16 per cluster (Aff0 0-15, the
	 * most a GICv3 SGI target list names), clusters in Aff1. */
	return (uint64_t)(index >> 4) << 8 | (index & 0xf);
}

/* The vCPU whose EL1, FP and pointer-authentication state each pCPU
 * holds since it was last put. A vCPU that comes back to a pCPU no other
 * vCPU has used meanwhile (out of a WFI, say: cvisor itself never touches
 * that state) finds it still there, but for the timers' controls, which
 * vtimer_put() cleared. Only the vCPU's own pCPU reads or writes its
 * entry: vCPUs are pinned. */
static const struct vcpu *el1_owner[MAX_CPUS];

/* The saved copy is newer than the CPU's (a reset), or the vCPU goes. */
static void el1_disown(const struct vcpu *v)
{
	if (el1_owner[this_cpu_id()] == v)
		el1_owner[this_cpu_id()] = NULL;
}

void vcpu_arch_reset(struct vcpu *v, gpaddr_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;

	memset(&a->regs, 0, sizeof(a->regs));
	/* Every EL1 register the vCPU switches, the optional ones too,
	 * starts at 0: nothing of a VM that ran here before shows. */
	memset(a->el1, 0, sizeof(a->el1));
	memset(&a->fp, 0, sizeof(a->fp));
	a->regs.x[0] = arg;
	a->regs.elr = entry;
	a->regs.spsr = SPSR_EL1H_MASKED;
	a->el1[R_SCTLR] = SCTLR_EL1_RESET;
	a->hcr = HCR_GUEST | (cpu_has_pauth() ? HCR_API | HCR_APK : 0);
	a->vmpidr = (1ull << 31) | v->hwid;
	a->os_lock = true; /* the OS lock is set at reset */
	el1_disown(v);
	vgic_vcpu_power_on(v);
}

#define SAVE(r, sr)    a->el1[r] = read_sysreg(sr)
#define RESTORE(r, sr) write_sysreg(sr, a->el1[r])

/* Two registers a guest writes that no trap can keep from it on a CPU
 * without fine-grained traps (QEMU 7.2 has none): TPIDR2_EL0, with SME
 * (even hidden from the guest's ID registers), and DISR_EL1, with RAS,
 * whose accesses HCR_EL2.AMO (always set in HCR_GUEST) sends to
 * VDISR_EL2. Each VM would read the other's value, so they are switched
 * too, on the CPUs that have them (decided once, vcpu_features_init()). */
#define TPIDR2_EL0 S3_3_C13_C0_5
#define VDISR_EL2  S3_4_C12_C1_1

static bool cpu_has_sme, cpu_has_ras;

/* Whether a vCPU with its pCPU to itself may wait in the guest's own WFI
 * (wfx_trap_update): on a GICv3 host. On QEMU's GICv2 a Linux guest
 * waited there for ever, its timer's host PPI pending, enabled and not
 * active yet not signalled (HPPIR 1023) after the guest had deactivated
 * it through the list register's link; a trapped WFI's put and load
 * write the GIC, and it is signalled. */
static bool wfi_untrapped;

void vcpu_features_init(void)
{
	cpu_has_sme = read_sysreg(S3_0_C0_C4_1) >> 24 & 0xf; /* PFR1.SME */
	cpu_has_ras = read_sysreg(id_aa64pfr0_el1) >> 28 & 0xf;
	wfi_untrapped = hal_gic_version() == 3;
}

static void el1_optional_save(struct vcpu_arch *a)
{
	if (cpu_has_sme)
		SAVE(R_TPIDR2_EL0, TPIDR2_EL0);
	if (cpu_has_ras)
		SAVE(R_DISR, VDISR_EL2);
}

static void el1_optional_restore(const struct vcpu_arch *a)
{
	if (cpu_has_sme)
		RESTORE(R_TPIDR2_EL0, TPIDR2_EL0);
	if (cpu_has_ras)
		RESTORE(R_DISR, VDISR_EL2);
}

static void el1_save(struct vcpu_arch *a)
{
	SAVE(R_SCTLR, sctlr_el1);
	SAVE(R_TTBR0, ttbr0_el1);
	SAVE(R_TTBR1, ttbr1_el1);
	SAVE(R_TCR, tcr_el1);
	SAVE(R_MAIR, mair_el1);
	SAVE(R_AMAIR, amair_el1);
	SAVE(R_VBAR, vbar_el1);
	SAVE(R_CONTEXTIDR, contextidr_el1);
	SAVE(R_TPIDR_EL0, tpidr_el0);
	SAVE(R_TPIDRRO_EL0, tpidrro_el0);
	SAVE(R_TPIDR_EL1, tpidr_el1);
	SAVE(R_SP_EL0, sp_el0);
	SAVE(R_SP_EL1, sp_el1);
	SAVE(R_ELR_EL1, elr_el1);
	SAVE(R_SPSR_EL1, spsr_el1);
	SAVE(R_ESR, esr_el1);
	SAVE(R_FAR, far_el1);
	SAVE(R_AFSR0, afsr0_el1);
	SAVE(R_AFSR1, afsr1_el1);
	SAVE(R_PAR, par_el1);
	SAVE(R_CPACR, cpacr_el1);
	SAVE(R_CNTKCTL, cntkctl_el1);
	SAVE(R_CNTV_CTL, cntv_ctl_el0);
	SAVE(R_CNTV_CVAL, cntv_cval_el0);
	SAVE(R_CNTP_CTL, cntp_ctl_el0);
	SAVE(R_CNTP_CVAL, cntp_cval_el0);
	SAVE(R_CSSELR, csselr_el1);
	SAVE(R_MDSCR, mdscr_el1);
	el1_optional_save(a);
}

static void el1_restore(const struct vcpu_arch *a)
{
	RESTORE(R_SCTLR, sctlr_el1);
	RESTORE(R_TTBR0, ttbr0_el1);
	RESTORE(R_TTBR1, ttbr1_el1);
	RESTORE(R_TCR, tcr_el1);
	RESTORE(R_MAIR, mair_el1);
	RESTORE(R_AMAIR, amair_el1);
	RESTORE(R_VBAR, vbar_el1);
	RESTORE(R_CONTEXTIDR, contextidr_el1);
	RESTORE(R_TPIDR_EL0, tpidr_el0);
	RESTORE(R_TPIDRRO_EL0, tpidrro_el0);
	RESTORE(R_TPIDR_EL1, tpidr_el1);
	RESTORE(R_SP_EL0, sp_el0);
	RESTORE(R_SP_EL1, sp_el1);
	RESTORE(R_ELR_EL1, elr_el1);
	RESTORE(R_SPSR_EL1, spsr_el1);
	RESTORE(R_ESR, esr_el1);
	RESTORE(R_FAR, far_el1);
	RESTORE(R_AFSR0, afsr0_el1);
	RESTORE(R_AFSR1, afsr1_el1);
	RESTORE(R_PAR, par_el1);
	RESTORE(R_CPACR, cpacr_el1);
	RESTORE(R_CNTKCTL, cntkctl_el1);
	RESTORE(R_CNTV_CVAL, cntv_cval_el0);
	RESTORE(R_CNTV_CTL, cntv_ctl_el0);
	RESTORE(R_CNTP_CVAL, cntp_cval_el0);
	RESTORE(R_CNTP_CTL, cntp_ctl_el0);
	RESTORE(R_CSSELR, csselr_el1);
	RESTORE(R_MDSCR, mdscr_el1);
	el1_optional_restore(a);
}

static void pauth_save(uint64_t *k)
{
	k[0] = read_sysreg(S3_0_C2_C1_0);
	k[1] = read_sysreg(S3_0_C2_C1_1);
	k[2] = read_sysreg(S3_0_C2_C1_2);
	k[3] = read_sysreg(S3_0_C2_C1_3);
	k[4] = read_sysreg(S3_0_C2_C2_0);
	k[5] = read_sysreg(S3_0_C2_C2_1);
	k[6] = read_sysreg(S3_0_C2_C2_2);
	k[7] = read_sysreg(S3_0_C2_C2_3);
	k[8] = read_sysreg(S3_0_C2_C3_0);
	k[9] = read_sysreg(S3_0_C2_C3_1);
}

static void pauth_restore(const uint64_t *k)
{
	write_sysreg(S3_0_C2_C1_0, k[0]);
	write_sysreg(S3_0_C2_C1_1, k[1]);
	write_sysreg(S3_0_C2_C1_2, k[2]);
	write_sysreg(S3_0_C2_C1_3, k[3]);
	write_sysreg(S3_0_C2_C2_0, k[4]);
	write_sysreg(S3_0_C2_C2_1, k[5]);
	write_sysreg(S3_0_C2_C2_2, k[6]);
	write_sysreg(S3_0_C2_C2_3, k[7]);
	write_sysreg(S3_0_C2_C3_0, k[8]);
	write_sysreg(S3_0_C2_C3_1, k[9]);
}

/* The vCPU whose state is in this pCPU (the vmm's per-CPU state), for
 * host interrupts that belong to it (its timers, the vGIC's maintenance
 * interrupt) and for the emulated devices with per-vCPU registers. */
struct vcpu *vcpu_loaded(void)
{
	return this_cpu()->vmm;
}

int vcpu_arch_create(struct vcpu *v)
{
	vgic_vcpu_reset(v);
	vtimer_vcpu_init(v);
	return 0;
}

void vcpu_arch_destroy(struct vcpu *v)
{
	(void)v; /* its vGIC and timer state are part of struct vcpu */
}

void vcpu_arch_stop(struct vcpu *v)
{
	vtimer_stop(v);
	el1_disown(v);
}

bool vcpu_arch_irq_pending(struct vcpu *v)
{
	return vgic_has_pending(v);
}

static void el1_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	if (el1_owner[this_cpu_id()] == v) {
		RESTORE(R_CNTV_CTL, cntv_ctl_el0);
		RESTORE(R_CNTP_CTL, cntp_ctl_el0);
		return;
	}
	/* The CPU holds nobody's saved copy until this vCPU's put. */
	el1_owner[this_cpu_id()] = NULL;
	el1_restore(a);
	if (a->hcr & HCR_API)
		pauth_restore(a->pauth_keys);
	arch_fp_restore(&a->fp);
}

void vcpu_arch_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	this_cpu()->vmm = v;
	/* Seen loaded before it looks for queued interrupts (vcpu_kick). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	write_sysreg(vttbr_el2, v->vm->arch.vttbr);
	write_sysreg(vtcr_el2, arch_vtcr());
	write_sysreg(vmpidr_el2, a->vmpidr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(hcr_el2, a->hcr);
	el1_load(v);
	vgic_hw->load(&a->vgic);
	vtimer_load(v);
	isb();
}

void vcpu_arch_put(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	/* While its timers and list registers are still in the CPU. */
	if (vgic_levels_held(&a->vgic))
		vgic_sample_levels(v);
	el1_save(a);
	if (a->hcr & HCR_API)
		pauth_save(a->pauth_keys);
	arch_fp_save(&a->fp);
	vgic_hw->put(&a->vgic);
	vtimer_put(v);
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
	el1_owner[this_cpu_id()] = v;
	this_cpu()->vmm = NULL;
}

uint64_t vcpu_arch_pc(const struct vcpu *v)
{
	return v->arch.regs.elr;
}

void vcpu_arch_set_return(struct vcpu *v, uint64_t value)
{
	v->arch.regs.x[0] = value;
}

#define PSR_AA32 (1ull << 4)  /* SPSR.M[4]: taken from AArch32 */
#define ESR_CV   (1ull << 24) /* COND holds the condition */

/* ITSTATE of an AArch32 PSTATE: SPSR bits 15:10 are IT[7:2], 26:25
 * IT[1:0]. Zero outside an IT block. */
static unsigned aa32_itstate(uint64_t spsr)
{
	return (unsigned)((spsr >> 8 & 0xfc) | (spsr >> 25 & 3));
}

/* After an instruction cvisor emulated in an IT block, ITSTATE moves on
 * as the CPU moves it after one it executes, or the next instruction
 * would run under this one's condition. Out of line: AArch32 only. */
static void __attribute__((noinline)) aa32_it_advance(struct guest_regs *r)
{
	unsigned it = aa32_itstate(r->spsr);

	if (!it)
		return;
	it = it & 7 ? (it & 0xe0) | (it << 1 & 0x1f) : 0; /* last one: out */
	r->spsr = (r->spsr & ~(0xfcull << 8 | 3ull << 25)) |
		  (uint64_t)(it & 0xfc) << 8 | (uint64_t)(it & 3) << 25;
}

/* Past the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one
 * (IL = 0, from AArch32 only). */
static void skip_instruction(struct vcpu *v, uint64_t esr)
{
	struct guest_regs *r = &v->arch.regs;

	/* A64 instructions are 4 bytes; T32 ones 2 or 4 (ESR_EL2.IL), and
	 * one in an IT block moves ITSTATE on. */
	if (likely(!(r->spsr & PSR_AA32))) {
		r->elr += 4;
		return;
	}
	r->elr += (esr & ESR_IL) ? 4 : 2;
	aa32_it_advance(r);
}

/* Whether AArch32 condition 'cond' holds for flags 'nzcv'. */
static bool aa32_cond_holds(unsigned cond, unsigned nzcv)
{
	bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, ov = nzcv & 1, holds;

	switch (cond >> 1) {
	case 0:
		holds = z; /* EQ, NE */
		break;
	case 1:
		holds = c; /* CS, CC */
		break;
	case 2:
		holds = n; /* MI, PL */
		break;
	case 3:
		holds = ov; /* VS, VC */
		break;
	case 4:
		holds = c && !z; /* HI, LS */
		break;
	case 5:
		holds = n == ov; /* GE, LT */
		break;
	case 6:
		holds = !z && n == ov; /* GT, LE */
		break;
	default:
		return true; /* AL, unconditional */
	}
	return cond & 1 ? !holds : holds;
}

/* The exception classes whose syndrome has CV and COND. */
#define AA32_COND_ECS                                                     \
	(1ull << EC_WFX | 1ull << EC_CP15_32 | 1ull << EC_CP15_64 |       \
	 1ull << EC_CP14_MR | 1ull << EC_CP14_LS | 1ull << EC_FP_ACCESS | \
	 1ull << EC_CP10_ID | 1ull << EC_CP14_64)

/* A conditional AArch32 instruction that fails its condition may trap
 * all the same (the architecture allows it); it must then do nothing.
 * Its condition: COND when CV says it is valid, else (T32) ITSTATE's. */
static bool __attribute__((noinline))
aa32_cond_failed(const struct guest_regs *r, uint64_t esr)
{
	unsigned cond = 0xe, it = aa32_itstate(r->spsr);

	if (!(AA32_COND_ECS >> ESR_EC(esr) & 1))
		return false;
	if (esr & ESR_CV)
		cond = esr >> 20 & 0xf;
	else if (it)
		cond = it >> 4;
	return !aa32_cond_holds(cond, (unsigned)(r->spsr >> 28 & 0xf));
}

/* Completes an emulated access described by syndrome 'esr': 'val' into
 * the target register (none for a store or XZR), sign-extended (SSE) and
 * cut to a W register (SF = 0) as the instruction asks. */
/* Out of line: a rare case the common path should not compute. */
static uint64_t __attribute__((noinline))
sign_extend(uint64_t val, unsigned width)
{
	unsigned shift = 64 - width * 8;

	return width < 8 ? (uint64_t)((int64_t)(val << shift) >> shift) : val;
}

static inline void mmio_complete(struct vcpu *v, uint64_t esr, unsigned width,
				 uint64_t val)
{
	unsigned srt = esr >> 16 & 0x1f;

	if (!(esr & (1u << 6)) && srt != 31) {
		if (unlikely(esr & (1u << 21))) /* SSE */
			val = sign_extend(val, width);
		if (!(esr & (1u << 15)))
			val &= 0xffffffffull; /* SF = 0: W register */
		v->arch.regs.x[srt] = val;
	}
	skip_instruction(v, esr);
}

#define ESR_S1PTW (1ull << 7) /* on the guest's stage-1 walk */

/* HPFAR_EL2 as an IPA, with the offset in the page from FAR_EL2. */
static gpaddr_t hpfar_ipa(void)
{
	return (read_sysreg(hpfar_el2) >> 4) << 12 |
	       (read_sysreg(far_el2) & 0xfff);
}

/* The IPA of a stage-2 permission fault. HPFAR_EL2 has it only for a
 * fault on the guest's stage-1 walk (S1PTW); for the access itself the
 * architecture leaves HPFAR UNKNOWN (real cores do; QEMU always fills
 * it), so the guest's stage 1 translates FAR_EL2 again (AT, as seen
 * from the EL that faulted; PAR_EL1, the guest's, kept). False when that
 * fails: the guest changed its tables meanwhile. */
static bool perm_fault_ipa(const struct guest_regs *r, uint64_t esr,
			   gpaddr_t *ipa)
{
	uint64_t far = read_sysreg(far_el2), par, guest_par;

	if (esr & ESR_S1PTW) {
		*ipa = hpfar_ipa();
		return true;
	}
	guest_par = read_sysreg(par_el1);
	if ((r->spsr & 0xf) == 0)
		__asm__ volatile("at s1e0r, %0" : : "r"(far) : "memory");
	else
		__asm__ volatile("at s1e1r, %0" : : "r"(far) : "memory");
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, guest_par);
	if (par & 1) /* F: it failed */
		return false;
	*ipa = (par & 0x000ffffffffff000ull) | (far & 0xfff);
	return true;
}

#define DABT_ISV   (1u << 24)
#define DFSC_KIND  0x3cu /* DFSC without the level */
#define DFSC_XLATE 0x04u /* a translation fault */

/* A stage-2 translation fault (data or instruction abort) on the VM's
 * RAM not yet used (vmm/addrspace.h): true once it is zeroed and mapped,
 * for the guest to retry the access. A stage-1 walk's (S1PTW) reads its
 * tables; otherwise the access needs what the abort says it did. */
static bool ram_first_use(struct vcpu *v, uint64_t esr)
{
	uint32_t need = VMCFG_MEM_READ;

	if ((esr & DFSC_KIND) != DFSC_XLATE)
		return false;
	if (!(esr & ESR_S1PTW)) {
		if (ESR_EC(esr) == EC_IABT_LOW)
			need = VMCFG_MEM_EXEC;
		else if (esr & (1u << 6))
			need = VMCFG_MEM_WRITE;
	}
	return addrspace_fault_in(&v->vm->as, hpfar_ipa(), need);
}

/* A stage-2 permission fault: an access the VM's memory_regions flags
 * forbid (a write to read-only RAM, ...). An abort, as where nothing is;
 * or, when the VA no longer translates, the guest back in to retry.
 * Out of line: the common data aborts are translation faults. */
static void __attribute__((noinline)) dabt_denied(struct vcpu *v, uint64_t esr)
{
	bool write = esr & (1u << 6);
	gpaddr_t ipa;

	if (!perm_fault_ipa(&v->arch.regs, esr, &ipa))
		return;
	pr_debug("VM %llu vCPU %u: %s of IPA %#llx (VA %#llx, pc %#llx): its "
		 "memory_regions flags forbid it; abort injected",
		 (unsigned long long)v->vm->id, v->id, write ? "write" : "read",
		 (unsigned long long)ipa,
		 (unsigned long long)read_sysreg(far_el2),
		 (unsigned long long)v->arch.regs.elr);
	vcpu_arch_inject_abort(v, ipa, write);
}

/* The rare data aborts, out of line: a permission fault, or one without
 * a syndrome to emulate from (ISV = 0: a load pair, say). */
static void __attribute__((noinline)) dabt_rare(struct vcpu *v, uint64_t esr)
{
	gpaddr_t gpa;

	if ((esr & 0x3c) == 0x0c) { /* DFSC: permission fault */
		dabt_denied(v, esr);
		return;
	}
	if (ram_first_use(v, esr))
		return;
	gpa = hpfar_ipa();
	pr_debug("VM %llu vCPU %u: undecodable access to %#llx at pc %#llx",
		 (unsigned long long)v->vm->id, v->id, (unsigned long long)gpa,
		 (unsigned long long)v->arch.regs.elr);
	vcpu_arch_inject_abort(v, gpa, esr & (1u << 6));
}

/* Data abort at an address no RAM region maps: an MMIO access (unless
 * it is a permission fault: RAM the access is not allowed to). It is
 * emulated here, the decode kept in registers, rather than handed up as
 * EXIT_MMIO: the same steps as the generic handler's (device, completion,
 * or an abort when no device answers), for the most frequent exit.
 * True when it loaded one of x19-x29. */
static bool decode_dabt(struct vcpu *v, uint64_t esr, struct vcpu_exit *e)
{
	uint64_t iss = ESR_ISS(esr);

	/* What an emulated device's access is: a translation fault with a
	 * syndrome. */
	if (unlikely(!(iss & DABT_ISV)) ||
	    unlikely((iss & DFSC_KIND) != DFSC_XLATE)) {
		dabt_rare(v, esr);
		return false;
	}
	gpaddr_t gpa = hpfar_ipa();
	unsigned srt = iss >> 16 & 0x1f;
	bool write = iss & (1u << 6);

	unsigned width = 1u << (iss >> 22 & 3);
	uint64_t val = 0;
	if (write && srt != 31) {
		val = v->arch.regs.x[srt];
		if (width < 8)
			val &= (1ull << (width * 8)) - 1;
	}
	if (likely(io_access(&v->vm->mmio, gpa, width, write, &val))) {
		mmio_complete(v, esr, width, val);
		v->exits[EXIT_MMIO]++;
		e->kind = EXIT_HANDLED; /* lets the compiler skip the generic
					  * handler's switch */
		/* x30 and XZR too: rare, and only slower (all reloaded). */
		return !write && srt >= 19;
	}
	if (ram_first_use(v, esr)) {
		e->kind = EXIT_HANDLED;
		return false;
	}
	v->arch.last_esr = esr; /* for vcpu_arch_mmio_done() */
	e->kind = EXIT_MMIO;
	e->mmio.addr = gpa;
	e->mmio.width = width;
	e->mmio.write = write;
	e->mmio.data = val;
	vcpu_mmio_unanswered(v, e);
	v->exits[EXIT_MMIO]++;
	e->kind = EXIT_HANDLED;
	return false;
}

/* For an EXIT_MMIO the generic handler emulates (aarch64's own exits are
 * emulated in decode_dabt(); one it hands on keeps its syndrome in
 * last_esr). */
void vcpu_arch_mmio_done(struct vcpu *v, const struct vcpu_exit *e)
{
	mmio_complete(v, v->arch.last_esr, e->mmio.width, e->mmio.data);
}

/* Where an exception taken to EL1 enters the guest's vector table: from
 * EL0 (the lower EL) in AArch64 or in AArch32, from EL1 on SP_EL1 or on
 * SP_EL0. */
static uint64_t el1_vector(const struct guest_regs *r)
{
	uint64_t vbar = read_sysreg(vbar_el1);

	if ((r->spsr & 0xf) == 0)
		return vbar + ((r->spsr & PSR_AA32) ? 0x600 : 0x400);
	return vbar + (r->spsr & 1 ? 0x200 : 0x000);
}

/* Takes a synchronous exception with syndrome 'esr' to the guest's EL1. */
static void inject_sync(struct vcpu *v, uint64_t esr)
{
	struct guest_regs *r = &v->arch.regs;

	write_sysreg(esr_el1, esr);
	write_sysreg(elr_el1, r->elr);
	write_sysreg(spsr_el1, r->spsr);
	r->elr = el1_vector(r);
	r->spsr = SPSR_EL1H_MASKED;
}

static bool from_el0(const struct vcpu *v)
{
	return (v->arch.regs.spsr & 0xf) == 0;
}

void vcpu_arch_inject_abort(struct vcpu *v, gpaddr_t gpa, bool write)
{
	/* A synchronous external abort, as the guest's own MMU would report
	 * it: EC data abort from the EL it ran at, DFSC 0x10. */
	uint64_t esr = (uint64_t)(from_el0(v) ? 0x24 : 0x25) << 26 | ESR_IL |
		       (write ? 1u << 6 : 0) | 0x10;

	write_sysreg(far_el1, read_sysreg(far_el2));
	inject_sync(v, esr);
	(void)gpa;
}

/* The same for an instruction fetch: EC instruction abort, IFSC 0x10. */
static void inject_fetch_abort(struct vcpu *v)
{
	write_sysreg(far_el1, read_sysreg(far_el2));
	inject_sync(v, (uint64_t)(from_el0(v) ? 0x20 : 0x21) << 26 | ESR_IL |
			       0x10);
}

/* An undefined-instruction exception for the guest (unknown sysreg). */
static void inject_undef(struct vcpu *v)
{
	inject_sync(v, ESR_IL); /* EC 0: unknown reason */
}

/* A coprocessor register AArch32 EL0 reached and cvisor traps (debug:
 * MDCR_EL2.TDA, TDRA; PMU: TPM): none is emulated for AArch32, so it is
 * undefined, as on a CPU without it. */
static void aa32_cp_undef(struct vcpu *v, uint64_t esr)
{
	pr_debug("VM %llu vCPU %u: AArch32 p%u access (EC %#llx, ISS %#llx) at "
		 "pc %#llx: undefined",
		 (unsigned long long)v->vm->id, v->id,
		 ESR_EC(esr) <= EC_CP15_64 ? 15u : 14u,
		 (unsigned long long)ESR_EC(esr),
		 (unsigned long long)ESR_ISS(esr),
		 (unsigned long long)v->arch.regs.elr);
	inject_undef(v);
}

/* guest_entry.h's ESR_SGI1R_*, the trapped MSR to ICC_SGI1R_EL1: EC
 * 0x18, op0 3, op2 5, op1 0, CRn 12, CRm 11, a write; Rt and IL aside. */
_Static_assert(ESR_SGI1R_MASK == (0x3fu << 26 | 0x3ffc1fu) &&
		       ESR_SGI1R_WRITE == (0x18u << 26 | 3u << 20 | 5u << 17 |
					   12u << 10 | 11u << 1),
	       "ESR_SGI1R_*");

/* That MSR (A64 only) emulated and stepped past. */
static inline void sgi1r_write(struct vcpu *v, uint64_t esr)
{
	unsigned rt = esr >> 5 & 0x1f;

	vgic_v3_sgi1r(v, rt == 31 ? 0 : v->arch.regs.x[rt]);
	v->arch.regs.elr += 4;
}

/* An HVC: a PSCI call (answered, or a generic exit in 'e') or a
 * hypercall for vcpu_handle_exit_inline(). ELR already points past it. */
static inline void hvc_decode(struct vcpu *v, struct vcpu_exit *e)
{
	struct guest_regs *r = &v->arch.regs;

	if (psci_range(r->x[0])) {
		psci_handle(v, e);
		return;
	}
	e->kind = EXIT_HYPERCALL;
	e->hypercall.nr = r->x[0];
	e->hypercall.args = &r->x[1];
}

/* Decodes (and, where it can, handles) a synchronous exit; true when it
 * may have written one of the guest's x19-x29. */
static bool handle_sync(struct vcpu *v, struct vcpu_exit *e)
{
	uint64_t esr = read_sysreg(esr_el2);
	struct guest_regs *r = &v->arch.regs;

	/* The most frequent exits (emulated devices, then hypercalls and
	 * PSCI), each tested once before the others' dispatch. */
	if (ESR_EC(esr) == EC_DABT_LOW) {
		return decode_dabt(v, esr, e);
	}
	if (ESR_EC(esr) == EC_HVC64) {
		hvc_decode(v, e);
		return false;
	}
	/* A vGICv3 guest's SGI, the IPI round trip's exit: one test. */
	if ((esr & ESR_SGI1R_MASK) == ESR_SGI1R_WRITE) {
		sgi1r_write(v, esr);
		return false;
	}
	if (unlikely(r->spsr & PSR_AA32) && aa32_cond_failed(r, esr)) {
		skip_instruction(v, esr);
		return false;
	}
	switch (ESR_EC(esr)) {
	case EC_SMC64:
		skip_instruction(v, esr); /* SMC traps with ELR at the SMC */
		if (psci_range(r->x[0]))
			psci_handle(v, e);
		else
			vcpu_arch_set_return(v, PSCI_NOT_SUPPORTED);
		return false;
	case EC_IABT_LOW:
		e->kind = EXIT_NONE;
		if (ram_first_use(v, esr))
			return false;
		pr_debug("VM %llu vCPU %u: instruction fetch from %#llx",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)r->elr);
		inject_fetch_abort(v);
		e->kind = EXIT_NONE;
		return false;
	case EC_WFX:
		skip_instruction(v, esr);
		e->kind = ESR_ISS(esr) & 1 ? EXIT_YIELD : EXIT_HALT;
		return false;
	case EC_CP15_32:
	case EC_CP15_64:
	case EC_CP14_MR:
	case EC_CP14_LS:
	case EC_CP14_64:
		aa32_cp_undef(v, esr);
		return false;
	case EC_SYS64:
		if (unlikely(vgic_v3_trapped_ack((uint32_t)ESR_ISS(esr)))) {
			vgic_ack_trapped(v);
			return false; /* retried in the guest, not skipped */
		}
		if (!sysreg_handle(v, esr))
			inject_undef(v);
		else
			skip_instruction(v, esr);
		e->kind = EXIT_NONE;
		return esr & 1; /* an MRS (ISS.Direction) into any register */
	default:
		pr_debug("VM %llu vCPU %u: unexpected exception class %#llx at "
			 "pc %#llx",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)ESR_EC(esr),
			 (unsigned long long)r->elr);
		inject_undef(v);
		e->kind = EXIT_NONE;
		return false;
	}
}

static void vgic_flush_queued(struct vcpu *v)
{
	struct vgic_cpu *gc = &v->arch.vgic;

	if (!READ_ONCE(gc->flush_due))
		return;
	/* Raised again while a list register held it: one the guest has
	 * finished with, maybe, that an SGI's exit left (vcpu_arch_sgi). */
	if (READ_ONCE(gc->resync) && gc->lr_used)
		vgic_sync(v);
	vgic_flush(v);
}

/* vgic_flush_queued() from an exit handled before SPSR was saved (the
 * lean ones: an IPI's, an HVC's, an MMIO access's): a timer's PPI put in
 * a list register looks at the guest's PSTATE (vgic.c:
 * lr_taken_at_entry), which is still in the CPU, not yet in 'regs'. */
static inline void vgic_flush_queued_lean(struct vcpu *v)
{
	if (likely(!READ_ONCE(v->arch.vgic.flush_due)))
		return;
	v->arch.regs.spsr = read_sysreg(spsr_el2);
	vgic_flush_queued(v);
}

/* A vGICv3 guest's SGI (its MSR to ICC_SGI1R_EL1 trapped), the IPI
 * round trip's exit (guest_entry.S: arch_guest_sysreg), before the
 * guest's registers are saved: only those C clobbers are, on the stack,
 * and 'val' is the MSR's. The list registers the guest has finished with
 * are not taken back (vgic_sync), as if it had not come out: the next
 * exit does it, or vgic_flush_queued() if one of them is raised again
 * meanwhile (an SGI to itself), or vcpu_arch_exit() if the loop is next.
 * Not while a timer's list register waits (lr_level): that is looked at
 * on every exit, so 0, the usual exit. Sent: 1, straight back into the
 * guest, or 2, the loop has something to do (GUEST_EXIT_DONE). */
unsigned vcpu_arch_sgi(struct vcpu *v, uint64_t val)
{
	if (unlikely(v->arch.vgic.lr_level))
		return 0;
	vgic_v3_sgi1r(v, val);
	v->exits[EXIT_NONE]++;
	if (unlikely(READ_ONCE(v->state) != VCPU_ON) ||
	    unlikely(sched_need_resched()))
		return 2;
	vgic_flush_queued_lean(v);
	return 1;
}

/* A vCPU with its pCPU to itself (no other task waits for it) waits
 * for interrupts in the guest's own WFI (and WFE): the pCPU sleeps there,
 * a list register's interrupt ends the wait without an exit, and a kick
 * from another pCPU is an IPI that makes it exit (vcpu_kick). While
 * another task waits for the pCPU they trap, so that it goes to that
 * task meanwhile. A task queued from another pCPU comes with an IPI,
 * whose exit goes to the loop, here (vcpu_arch_exit). One queued by an
 * exit handled on this pCPU (an SGI to a vCPU pinned beside, say) starts
 * the slice timer (sched_kicked): it runs at the slice's end at the
 * latest, as beside a guest that never waits; the fast exits do not
 * look for it. */
static void wfx_trap_update(struct vcpu_arch *a)
{
	uint64_t hcr = wfi_untrapped && !sched_others_runnable() ?
			       a->hcr & ~(HCR_TWI | HCR_TWE) :
			       a->hcr | HCR_TWI | HCR_TWE;

	if (hcr != a->hcr) {
		a->hcr = hcr;
		write_sysreg(hcr_el2, hcr); /* the ERET synchronises it */
	}
}

void vcpu_arch_run(struct vcpu *v, struct vcpu_exit *e)
{
	v->arch.exit = e;
	wfx_trap_update(&v->arch);
	vgic_flush_queued(v);
	vgic_fast_arm(v);
	arch_guest_run(&v->arch.regs, e);
}

/* An interrupt exit the timer's fast path did not take (guest_entry.S:
 * guest_irq_lean), before the guest's registers are saved: only those C
 * clobbers are, on the stack, so nothing here may read or write them.
 * The kick's common case, the host IPI after which the vCPU stays in
 * (an SGI for it raised on another pCPU), is handled here whole, as
 * vcpu_arch_exit() would: 1, straight back into the guest. 0: the usual
 * exit follows, with what was acknowledged here in fast.acked (the
 * spurious INTID + 1 when nothing is left to handle). */
unsigned vcpu_arch_irq(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	unsigned irq = gic_ack_inline();

	if (irq != HAL_IPI_IRQ) {
		c->fast.acked = irq + 1;
		return 0;
	}
	sched_kicked();
	gic_eoi_ipi_inline();
	/* The loop has something to do: a task queued from another pCPU
	 * (the guest's WFI must trap again), a switch, a state change. */
	if (unlikely(READ_ONCE(v->state) != VCPU_ON) ||
	    unlikely(sched_need_resched()) ||
	    (unlikely(!(v->arch.hcr & HCR_TWI)) && sched_others_runnable())) {
		c->fast.acked = HAL_IRQ_NONE + 1;
		return 0;
	}
	v->exits[EXIT_IRQ]++;
	if (c->lr_used)
		vgic_sync(v);
	vgic_flush_queued_lean(v);
	return 1;
}

/* An A64 guest's HVC (guest_entry.S: arch_guest_hvc), from the main
 * vector table, with only x0-x18 and x30 in 'r' (its handlers need no
 * more) and ELR and SPSR not saved: its x19-x29 are still in the
 * registers, so nothing here may read or write them, nor ELR or SPSR.
 * As vcpu_arch_exit() would: 1, straight back into the guest; 0, the
 * loop's exit record (arch.exit) filled in for it (the vector saves the
 * rest first). */
unsigned vcpu_arch_hvc(struct guest_regs *r)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);

	if (v->arch.vgic.lr_used)
		vgic_sync(v);
	keep_in_reg(r);
	v = container_of(r, struct vcpu, arch.regs);
	uint64_t nr = r->x[0];
	/* vcpu_handle_exit_inline()'s work for the two kinds, without
	 * going through the exit record: a hypercall, or a PSCI call
	 * answered here. */
	if (likely(!psci_range(nr))) {
		v->exits[EXIT_HYPERCALL]++;
		r->x[0] = hypercall_handle(v, nr, &r->x[1]);
	} else {
		struct vcpu_exit *e = v->arch.exit;

		e->kind = EXIT_NONE;
		psci_handle(v, e);
		if (e->kind != EXIT_NONE)
			return 0; /* CPU_ON, CPU_OFF...: the loop's */
		v->exits[EXIT_NONE]++;
	}
	keep_in_reg(r);
	v = container_of(r, struct vcpu, arch.regs);
	if (unlikely(READ_ONCE(v->state) != VCPU_ON) ||
	    unlikely(sched_need_resched())) {
		v->arch.exit->kind = EXIT_HANDLED;
		return 0;
	}
	vgic_flush_queued_lean(v);
	return 1;
}

/* ELR and SPSR into 'r' from the CPU, where the lean exits leave them:
 * before anything that reads or moves them there (an abort injected, the
 * loop). */
static inline void lean_regs_fill(struct guest_regs *r)
{
	r->elr = read_sysreg(elr_el2);
	r->spsr = read_sysreg(spsr_el2);
}

/* An access no device answers, from vcpu_arch_dabt(): the abort goes
 * to the guest. Out of line, its decode done again from 'esr', so that
 * the common path keeps few registers across the device's call. */
static unsigned __attribute__((noinline))
dabt_unanswered(struct guest_regs *r, uint64_t esr)
{
	struct vcpu_exit e = {
		.kind = EXIT_MMIO,
		.mmio.addr = hpfar_ipa(),
		.mmio.width = 1u << (esr >> 22 & 3),
		.mmio.write = esr & (1u << 6),
	};

	struct vcpu *v = container_of(r, struct vcpu, arch.regs);

	lean_regs_fill(r); /* the abort moves them */
	v->arch.exit->kind = EXIT_HANDLED;
	if (ram_first_use(v, esr)) {
		v->exits[EXIT_MMIO]--; /* counted before: not MMIO after all */
		return 0;
	}
	vcpu_mmio_unanswered(v, &e);
	return 0; /* rare: the loop reloads every register */
}

/* An A64 guest's MMIO access (guest_entry.S: arch_guest_dabt): a data
 * abort with a syndrome, a translation fault, through x0-x18, x30 or XZR,
 * with only x0-x18 and x30 in 'r', so nothing here may read or write
 * x19-x29, and ELR and SPSR still in the CPU: the same steps as
 * decode_dabt()'s, ELR moved on where it is. 1: straight back into the
 * guest. 0: handled, for the loop (a state change, a reschedule, an
 * abort given), ELR and SPSR in 'r' (the vector stores x19-x29). */
unsigned vcpu_arch_dabt(struct guest_regs *r, uint64_t esr)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);
	uint64_t val = 0;

	if (v->arch.vgic.lr_used)
		vgic_sync(v);
	/* Held opaque across each call (the vGIC's and the device's), so
	 * that what is worked out from them is worked out again after it
	 * rather than kept in callee-saved registers: the common path has
	 * the smallest frame. */
	keep_in_reg(esr);
	keep_in_reg(r);
	v = container_of(r, struct vcpu, arch.regs);
	unsigned width = 1u << (esr >> 22 & 3);
	bool write = esr & (1u << 6);
	if (write && (esr >> 16 & 0x1f) != 31) {
		val = r->x[esr >> 16 & 0x1f];
		if (width < 8)
			val &= (1ull << (width * 8)) - 1;
	}
	v->exits[EXIT_MMIO]++;
	if (unlikely(!io_access(&v->vm->mmio, hpfar_ipa(), width, write, &val)))
		return dabt_unanswered(r, esr);
	keep_in_reg(esr);
	keep_in_reg(r);
	v = container_of(r, struct vcpu, arch.regs);
	unsigned srt = esr >> 16 & 0x1f;
	if (!(esr & (1u << 6)) && srt != 31) {
		if (unlikely(esr & (1u << 21))) /* SSE */
			val = sign_extend(val, 1u << (esr >> 22 & 3));
		if (!(esr & (1u << 15)))
			val = (uint32_t)val; /* SF = 0: a W register */
		r->x[srt] = val;
	}
	write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
	if (unlikely(READ_ONCE(v->state) != VCPU_ON) ||
	    unlikely(sched_need_resched())) {
		lean_regs_fill(r);
		v->arch.exit->kind = EXIT_HANDLED;
		return 0;
	}
	vgic_flush_queued_lean(v);
	return 1;
}

/* Every exit from the guest comes here first (guest_entry.S), with the
 * guest's registers saved in 'r': it is decoded into 'e'. The exits the
 * vCPU loop has no part in (hypercalls, PSCI calls answered in place,
 * emulated MMIO, trapped system registers) are handled here, and the
 * guest goes straight back in (GUEST_RESUME, or GUEST_RESUME_KEEP when
 * its x19-x29 were not written) unless the loop has something to do:
 * then 'e' says EXIT_NONE. GUEST_TO_LOOP returns 'e' to the loop. */
unsigned vcpu_arch_exit(struct guest_regs *r, uint64_t kind,
			struct vcpu_exit *e)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);
	bool wrote_callee_saved;

	if (unlikely(kind & GUEST_EXIT_CATCHUP)) {
		if (kind == (GUEST_EXIT_SYNC | GUEST_EXIT_DONE)) {
			/* vcpu_arch_sgi()'s, for the loop */
			if (v->arch.vgic.lr_used)
				vgic_sync(v);
			e->kind = EXIT_HANDLED;
			return GUEST_TO_LOOP;
		}
		vgic_fast_catch_up(v);
		kind &= ~(uint64_t)GUEST_EXIT_CATCHUP;
	}
	if (v->arch.vgic.lr_used)
		vgic_sync(v);
	e->kind = EXIT_NONE;
	if (likely(kind == GUEST_EXIT_SYNC)) {
		wrote_callee_saved = handle_sync(v, e);
	} else if (kind == GUEST_EXIT_IRQ) {
		/* Handled here, as the loop would (a kick, a timer's PPI
		 * straight into a list register), and back into the guest
		 * unless the loop has something to do. */
		uint32_t acked = v->arch.vgic.fast.acked;
		unsigned irq;

		v->exits[EXIT_IRQ]++;
		if (unlikely(acked)) { /* by a fast path, not its own */
			v->arch.vgic.fast.acked = 0;
			irq = acked - 1 < 1020 ? acked - 1 : HAL_IRQ_NONE;
		} else {
			irq = hal_irqchip_ack();
		}
		/* One per exit: another pending brings the guest straight
		 * back out. */
		if (irq == HAL_IPI_IRQ) {
			/* A kick: its handler's work (kernel/main.c:
			 * ipi_handler) without the table's lookup. */
			sched_kicked();
			gic_eoi_ipi();
		} else if (irq != HAL_IRQ_NONE) {
			irq_handle(irq);
		}
		e->kind = EXIT_HANDLED;
		wrote_callee_saved = false;
		/* A task queued from another pCPU (its IPI, maybe this
		 * one): the guest's WFI must trap again, in the loop. */
		if (unlikely(!(v->arch.hcr & HCR_TWI)) &&
		    sched_others_runnable())
			return GUEST_TO_LOOP;
	} else {
		e->kind = EXIT_FAULT;
		e->fault.what = "SError from the guest";
		e->fault.info = read_sysreg(esr_el2);
		return GUEST_TO_LOOP;
	}
	if (!vcpu_handle_exit_inline(v, e))
		return GUEST_TO_LOOP;
	vgic_flush_queued(v);
	return wrote_callee_saved ? GUEST_RESUME : GUEST_RESUME_KEEP;
}

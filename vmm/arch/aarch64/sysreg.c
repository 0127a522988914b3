/* Trapped system registers. HCR_EL2.TID3 traps the ID registers so that
 * the guest is told only of features cvisor virtualises; everything else
 * that traps (set/way cache maintenance, ACTLR, LOR) is emulated here or
 * made undefined. */
#include <arch/sysreg.h>
#include <kernel/log.h>
#include "vmm_aarch64.h"

/* ISS encoding of a trapped MSR/MRS: op0, op1, CRn, CRm, op2. */
#define SYSREG(op0, op1, crn, crm, op2) \
	((op0) << 20 | (op2) << 17 | (op1) << 14 | (crn) << 10 | (crm) << 1)
#define SYSREG_MASK SYSREG(3, 7, 15, 15, 7)

#define ID_AA64PFR0  SYSREG(3, 0, 0, 4, 0)
#define ID_AA64PFR1  SYSREG(3, 0, 0, 4, 1)
#define ID_AA64ZFR0  SYSREG(3, 0, 0, 4, 4)
#define ID_AA64SMFR0 SYSREG(3, 0, 0, 4, 5)
#define ID_AA64DFR0  SYSREG(3, 0, 0, 5, 0)

static uint64_t field_clear(uint64_t v, unsigned shift)
{
	return v & ~(0xfull << shift);
}

/* The value a guest reads from a trapped ID register. */
static bool id_reg_value(uint32_t reg, uint64_t *val)
{
	switch (reg) {
	case ID_AA64PFR0: {
		uint64_t v = read_sysreg(id_aa64pfr0_el1);
		v = field_clear(v, 32);   /* SVE: not context-switched */
		v = field_clear(v, 28);   /* RAS: no error records */
		v = field_clear(v, 40);   /* MPAM */
		v = field_clear(v, 44);   /* AMU */
		*val = v;
		return true;
	}
	case ID_AA64PFR1: {
		uint64_t v = read_sysreg(S3_0_C0_C4_1);
		v = field_clear(v, 8);    /* MTE */
		v = field_clear(v, 24);   /* SME */
		v = field_clear(v, 16);   /* MPAM_frac */
		v = field_clear(v, 28);   /* RNDR_trap */
		v = field_clear(v, 32);   /* CSV2_frac */
		v = field_clear(v, 36);   /* NMI */
		*val = v;
		return true;
	}
	case ID_AA64ZFR0:
	case ID_AA64SMFR0:
		*val = 0;
		return true;
	case ID_AA64DFR0:
		/* PMU and statistical profiling are not offered. */
		*val = field_clear(field_clear(read_sysreg(id_aa64dfr0_el1), 8), 32);
		return true;
	}
	return false;
}

/* The other ID registers of the trapped group (op0 3, op1 0, CRn 0,
 * CRm 1-7) read as the hardware says; the unallocated ones as zero. */
static uint64_t id_reg_passthrough(uint32_t reg)
{
	switch (reg) {
#define PASS(crm, op2, name) case SYSREG(3, 0, 0, crm, op2): return read_sysreg(name)
	PASS(4, 2, S3_0_C0_C4_2);
	PASS(5, 1, id_aa64dfr1_el1);
	PASS(5, 4, id_aa64afr0_el1);
	PASS(5, 5, id_aa64afr1_el1);
	PASS(6, 0, id_aa64isar0_el1);
	PASS(6, 1, id_aa64isar1_el1);
	PASS(6, 2, S3_0_C0_C6_2);
	PASS(7, 0, id_aa64mmfr0_el1);
	PASS(7, 1, id_aa64mmfr1_el1);
	PASS(7, 2, id_aa64mmfr2_el1);
	PASS(1, 0, id_pfr0_el1);
	PASS(1, 1, id_pfr1_el1);
	PASS(1, 2, id_dfr0_el1);
	PASS(1, 3, id_afr0_el1);
	PASS(1, 4, id_mmfr0_el1);
	PASS(1, 5, id_mmfr1_el1);
	PASS(1, 6, id_mmfr2_el1);
	PASS(1, 7, id_mmfr3_el1);
	PASS(2, 0, id_isar0_el1);
	PASS(2, 1, id_isar1_el1);
	PASS(2, 2, id_isar2_el1);
	PASS(2, 3, id_isar3_el1);
	PASS(2, 4, id_isar4_el1);
	PASS(2, 5, id_isar5_el1);
	PASS(3, 0, mvfr0_el1);
	PASS(3, 1, mvfr1_el1);
	PASS(3, 2, mvfr2_el1);
#undef PASS
	}
	return 0;
}

bool sysreg_handle(struct vcpu *v, uint64_t esr)
{
	uint32_t iss = (uint32_t)ESR_ISS(esr);
	uint32_t reg = iss & SYSREG_MASK;
	unsigned rt = iss >> 5 & 0x1f;
	bool read = iss & 1;
	uint64_t val = 0;

	if (read && (reg & SYSREG(3, 7, 15, 0, 0)) == SYSREG(3, 0, 0, 0, 0) &&
	    (iss >> 1 & 0xf) >= 1) {
		if (!id_reg_value(reg, &val))
			val = id_reg_passthrough(reg);
	} else if (!read && (reg == SYSREG(3, 0, 12, 11, 5) ||   /* ICC_SGI1R */
			     reg == SYSREG(3, 1, 12, 11, 6) ||   /* ICC_ASGI1R */
			     reg == SYSREG(3, 2, 12, 11, 7))) {  /* ICC_SGI0R */
		vgic_v3_sgi1r(v, rt == 31 ? 0 : v->arch.regs.x[rt]);
	} else if (reg == SYSREG(3, 0, 1, 0, 1)) {
		/* ACTLR_EL1: implementation defined; reads 0, writes ignored. */
	} else if ((reg & SYSREG(3, 7, 15, 0, 0)) == SYSREG(1, 0, 7, 0, 0)) {
		/* DC ISW/CSW/CISW: set/way maintenance. With the guest's RAM
		 * coherent (normal write-back in stage 2 and in cvisor),
		 * completing it as a no-op plus a barrier is safe. */
		dsb(sy);
		return true;
	} else {
		pr_debug("VM %llu vCPU %u: %s of unhandled system register "
			 "(op0 %u op1 %u CRn %u CRm %u op2 %u) at pc %#llx",
			 (unsigned long long)v->vm->id, v->id, read ? "read" : "write",
			 iss >> 20 & 3, iss >> 14 & 7, iss >> 10 & 0xf, iss >> 1 & 0xf,
			 iss >> 17 & 7, (unsigned long long)v->arch.regs.elr);
		return false;
	}
	if (read && rt != 31)
		v->arch.regs.x[rt] = val;
	return true;
}

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
#define ID_AA64DFR1  SYSREG(3, 0, 0, 5, 1)
#define ID_DFR0      SYSREG(3, 0, 0, 1, 2)
#define ID_AA64MMFR1 SYSREG(3, 0, 0, 7, 1)
#define ID_AA64MMFR2 SYSREG(3, 0, 0, 7, 2)

static uint64_t field_clear(uint64_t v, unsigned shift)
{
	return v & ~(0xfull << shift);
}

/* ID_AA64DFR0 as the guest sees it: the base Armv8 debug architecture
 * with the fewest breakpoints and watchpoints it allows (2 each, 1
 * context-aware), no double lock, and no PMU, statistical profiling,
 * trace, trace filter, trace buffer or branch records. Listed field by
 * field so that a debug feature of a newer CPU stays hidden. */
static uint64_t dfr0_value(void)
{
	return 6ull << 0 |   /* DebugVer: Armv8 debug */
	       1ull << 12 |  /* BRPs: 2 */
	       1ull << 20 |  /* WRPs: 2 (CTX_CMPs 0: 1) */
	       0xfull << 36; /* DoubleLock: not implemented */
}

/* The value a guest reads from a trapped ID register. */
static bool id_reg_value(uint32_t reg, uint64_t *val)
{
	switch (reg) {
	case ID_AA64PFR0: {
		uint64_t v = read_sysreg(id_aa64pfr0_el1);
		v = field_clear(v, 8);  /* EL2: the guest has none */
		v = field_clear(v, 32); /* SVE: not context-switched */
		v = field_clear(v, 28); /* RAS: no error records (DISR_EL1
					   * is the guest's all the same) */
		v = field_clear(v, 40); /* MPAM */
		v = field_clear(v, 44); /* AMU */
		/* CSV2 2 promises SCXTNUM_EL0/EL1, which HCR_EL2.EnSCXT
		 * (clear) makes undefined; 1 promises as much branch-target
		 * isolation, without them. */
		if ((v >> 56 & 0xf) > 1)
			v = field_clear(v, 56) | 1ull << 56;
		*val = v;
		return true;
	}
	case ID_AA64PFR1: {
		uint64_t v = read_sysreg(S3_0_C0_C4_1);
		v = field_clear(v, 8);  /* MTE */
		v = field_clear(v, 24); /* SME */
		v = field_clear(v, 16); /* MPAM_frac */
		v = field_clear(v, 28); /* RNDR_trap */
		v = field_clear(v, 32); /* CSV2_frac */
		v = field_clear(v, 36); /* NMI */
		*val = v;
		return true;
	}
	case ID_AA64ZFR0:
	case ID_AA64SMFR0:
	case ID_AA64DFR1: /* more breakpoints, system PMU, ... */
		*val = 0;
		return true;
	case ID_AA64DFR0:
		*val = dfr0_value();
		return true;
	case ID_DFR0:
		/* AArch32 view: the debug fields only (no trace, no PMU). */
		*val = read_sysreg(id_dfr0_el1) & 0xfff;
		return true;
	case ID_AA64MMFR1:
		/* VH: virtualization host extensions belong to EL2. LO:
		 * HCR_EL2.TLOR makes the LORegion registers undefined. */
		*val = field_clear(field_clear(read_sysreg(id_aa64mmfr1_el1),
					       8),
				   16);
		return true;
	case ID_AA64MMFR2:
		/* NV: nested virtualization, likewise. */
		*val = field_clear(read_sysreg(id_aa64mmfr2_el1), 24);
		return true;
	}
	return false;
}

/* The other ID registers of the trapped group (op0 3, op1 0, CRn 0,
 * CRm 1-7) read as the hardware says; the unallocated ones as zero. */
static uint64_t id_reg_passthrough(uint32_t reg)
{
	switch (reg) {
#define PASS(crm, op2, name)            \
	case SYSREG(3, 0, 0, crm, op2): \
		return read_sysreg(name)
		PASS(4, 2, S3_0_C0_C4_2);
		PASS(5, 4, id_aa64afr0_el1);
		PASS(5, 5, id_aa64afr1_el1);
		PASS(6, 0, id_aa64isar0_el1);
		PASS(6, 1, id_aa64isar1_el1);
		PASS(6, 2, S3_0_C0_C6_2);
		PASS(7, 0, id_aa64mmfr0_el1);
		PASS(1, 0, id_pfr0_el1);
		PASS(1, 1, id_pfr1_el1);
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

/* ---- debug registers (MDCR_EL2.TDA, TDOSA, TDRA trap them) ----
 * The guest sees a CPU whose self-hosted debug has nothing wired up:
 * its two breakpoints and two watchpoints, the debug communications
 * channel and the claim tags read as zero and ignore writes, the debug
 * ROM is absent, double lock is not implemented. MDSCR_EL1 (switched
 * with the vCPU) keeps the controls of software step and debug
 * exceptions, which stay within the guest's EL1 and EL0, and the OS lock
 * is kept per vCPU. */
#define MDCCINT_EL1       SYSREG(2, 0, 0, 2, 0)
#define MDSCR_EL1         SYSREG(2, 0, 0, 2, 2)
#define OSDTRRX_EL1       SYSREG(2, 0, 0, 0, 2)
#define OSDTRTX_EL1       SYSREG(2, 0, 0, 3, 2)
#define OSECCR_EL1        SYSREG(2, 0, 0, 6, 2)
#define MDCCSR_EL0        SYSREG(2, 3, 0, 1, 0)
#define DBGDTR_EL0        SYSREG(2, 3, 0, 4, 0)
#define DBGDTRRXTX_EL0    SYSREG(2, 3, 0, 5, 0)
#define MDRAR_EL1         SYSREG(2, 0, 1, 0, 0)
#define OSLAR_EL1         SYSREG(2, 0, 1, 0, 4)
#define OSLSR_EL1         SYSREG(2, 0, 1, 1, 4)
#define OSDLR_EL1         SYSREG(2, 0, 1, 3, 4)
#define DBGPRCR_EL1       SYSREG(2, 0, 1, 4, 4)
#define DBGCLAIMSET_EL1   SYSREG(2, 0, 7, 8, 6)
#define DBGCLAIMCLR_EL1   SYSREG(2, 0, 7, 9, 6)
#define DBGAUTHSTATUS_EL1 SYSREG(2, 0, 7, 14, 6)

/* MDSCR_EL1 bits a guest may set: SS, TDCC, KDE, MDE. */
#define MDSCR_GUEST_BITS (1ull << 0 | 1ull << 12 | 1ull << 13 | 1ull << 15)
#define OSLSR_OSLM_V8    (1ull << 3) /* OSLM = 0b10: OS lock present */
#define OSLSR_OSLK       (1ull << 1)

enum dbg_kind { DBG_NONE, DBG_RW, DBG_RO, DBG_WO };

/* Which debug register 'reg' is (op0 2), and how it may be accessed. */
static enum dbg_kind debug_reg_kind(uint32_t reg)
{
	/* DBGBVR, DBGBCR, DBGWVR, DBGWCR <n> (CRm n, op2 4-7): n < 2. */
	if ((reg & ~SYSREG(0, 0, 0, 15, 3)) == SYSREG(2, 0, 0, 0, 4))
		return (reg >> 1 & 0xf) < 2 ? DBG_RW : DBG_NONE;
	switch (reg) {
	case MDCCINT_EL1:
	case MDSCR_EL1:
	case OSDTRRX_EL1:
	case OSDTRTX_EL1:
	case OSECCR_EL1:
	case DBGDTR_EL0:
	case DBGDTRRXTX_EL0:
	case OSDLR_EL1:
	case DBGPRCR_EL1:
	case DBGCLAIMSET_EL1:
	case DBGCLAIMCLR_EL1:
		return DBG_RW;
	case MDCCSR_EL0:
	case MDRAR_EL1:
	case OSLSR_EL1:
	case DBGAUTHSTATUS_EL1:
		return DBG_RO;
	case OSLAR_EL1:
		return DBG_WO;
	}
	return DBG_NONE;
}

/* A trapped debug register access; false to make it undefined. */
static bool debug_reg_access(struct vcpu *v, uint32_t reg, bool read,
			     uint64_t *val)
{
	enum dbg_kind kind = debug_reg_kind(reg);

	if (kind == DBG_NONE || (read && kind == DBG_WO) ||
	    (!read && kind == DBG_RO))
		return false;
	switch (reg) {
	case MDSCR_EL1:
		if (read)
			*val = read_sysreg(mdscr_el1) & MDSCR_GUEST_BITS;
		else
			write_sysreg(mdscr_el1, *val & MDSCR_GUEST_BITS);
		return true;
	case OSLAR_EL1:
		v->arch.os_lock = *val & 1;
		return true;
	case OSLSR_EL1:
		*val = OSLSR_OSLM_V8 | (v->arch.os_lock ? OSLSR_OSLK : 0);
		return true;
	}
	*val = 0; /* RAZ/WI */
	return true;
}

static void log_unhandled(struct vcpu *v, uint32_t iss, bool read)
{
	pr_debug("VM %llu (%s) vCPU %u: %s of unhandled system register "
		 "(op0 %u op1 %u CRn %u CRm %u op2 %u) at pc %#llx; undefined",
		 (unsigned long long)v->vm->id, v->vm->name, v->id,
		 read ? "read" : "write", iss >> 20 & 3, iss >> 14 & 7,
		 iss >> 10 & 0xf, iss >> 1 & 0xf, iss >> 17 & 7,
		 (unsigned long long)v->arch.regs.elr);
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
	} else if (!read && (reg == SYSREG(3, 0, 12, 11, 5) ||  /* ICC_SGI1R */
			     reg == SYSREG(3, 0, 12, 11, 6) ||  /* ICC_ASGI1R */
			     reg == SYSREG(3, 0, 12, 11, 7))) { /* ICC_SGI0R */
		vgic_v3_sgi1r(v, rt == 31 ? 0 : v->arch.regs.x[rt]);
	} else if (reg == SYSREG(3, 0, 1, 0, 1)) {
		/* ACTLR_EL1: implementation defined; reads 0, writes ignored. */
	} else if ((reg & SYSREG(3, 7, 15, 0, 0)) == SYSREG(1, 0, 7, 0, 0)) {
		/* DC ISW/CSW/CISW: set/way maintenance. With the guest's RAM
		 * coherent (normal write-back in stage 2 and in cvisor),
		 * completing it as a no-op plus a barrier is safe. */
		dsb(sy);
		return true;
	} else if ((reg & SYSREG(3, 0, 0, 0, 0)) == SYSREG(2, 0, 0, 0, 0)) {
		val = rt == 31 ? 0 : v->arch.regs.x[rt];
		if (!debug_reg_access(v, reg, read, &val)) {
			log_unhandled(v, iss, read);
			return false;
		}
		pr_debug("VM %llu (%s) vCPU %u: %s of debug register (op1 %u "
			 "CRn %u CRm %u op2 %u) answered",
			 (unsigned long long)v->vm->id, v->vm->name, v->id,
			 read ? "read" : "write", iss >> 14 & 7,
			 iss >> 10 & 0xf, iss >> 1 & 0xf, iss >> 17 & 7);
	} else {
		/* PMU, profiling, trace (not offered: undefined, as on a CPU
		 * without them), and everything else that traps. */
		log_unhandled(v, iss, read);
		return false;
	}
	if (read && rt != 31)
		v->arch.regs.x[rt] = val;
	return true;
}

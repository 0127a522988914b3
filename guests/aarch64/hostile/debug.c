/* hostile: the PMU, debug, trace and profiling registers. cvisor keeps
 * them (MDCR_EL2, CPTR_EL2 trap them) and shows the guest a CPU with no
 * PMU and a self-hosted debug with nothing wired up: the PMU, trace and
 * profiling registers are undefined, as on a CPU without them, the
 * breakpoints, watchpoints and debug channel read as zero and ignore
 * writes, and the ID registers say so. */
#include "hostile.h"

/* The ESR of the exception an MRS/MSR took (0 if none); a read's value
 * in *v. */
#define TRY_MRS(reg, v)                                                   \
	({                                                                \
		trap_arm();                                               \
		__asm__ volatile("mrs %0, " #reg : "+r"(v) : : "memory"); \
		trapped();                                                \
	})
#define TRY_MSR(reg, val)                                \
	({                                               \
		trap_arm();                              \
		__asm__ volatile("msr " #reg ", %0; isb" \
				 :                       \
				 : "r"((uint64_t)(val))  \
				 : "memory");            \
		trapped();                               \
	})

static bool undefined(uint64_t esr)
{
	return esr && EC(esr) == EC_UNKNOWN;
}

static void test_id_regs(void)
{
	uint64_t v = 0;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	check("ID_AA64PFR0: no EL2", (v >> 8 & 0xf) == 0, "pfr0", v);
	__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(v));
	check("ID_AA64DFR0: no PMU, trace, profiling; Armv8 debug, 2+2 points",
	      (v >> 8 & 0xf) == 0 && (v >> 4 & 0xf) == 0 &&
		      (v >> 32 & 0xf) == 0 && (v >> 40 & 0xf) == 0 &&
		      (v & 0xf) == 6 && (v >> 12 & 0xf) == 1 &&
		      (v >> 20 & 0xf) == 1,
	      "dfr0", v);
	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(v));
	check("ID_AA64MMFR1: no VHE", (v >> 8 & 0xf) == 0, "mmfr1", v);
}

static void test_pmu(void)
{
	uint64_t v = 0, bad = 0;

	/* Each of these reaches the host's PMU unless cvisor traps it. */
	bad += !undefined(TRY_MRS(S3_3_C9_C12_0, v)); /* PMCR_EL0 */
	bad += !undefined(
		TRY_MSR(S3_3_C9_C12_0, 0x7f)); /* PMCR_EL0: reset, enable */
	bad += !undefined(TRY_MRS(S3_3_C9_C13_0, v));     /* PMCCNTR_EL0 */
	bad += !undefined(TRY_MSR(S3_3_C9_C12_1, ~0ull)); /* PMCNTENSET_EL0 */
	bad += !undefined(TRY_MSR(S3_3_C9_C14_0, 0xf));   /* PMUSERENR_EL0 */
	bad += !undefined(TRY_MSR(S3_3_C14_C12_3, 0x11)); /* PMEVTYPER3_EL0 */
	bad += !undefined(TRY_MRS(S3_3_C14_C8_5, v));     /* PMEVCNTR5_EL0 */
	bad += !undefined(TRY_MSR(S3_0_C9_C14_1, ~0ull)); /* PMINTENSET_EL1 */
	bad += !undefined(TRY_MRS(S3_3_C9_C12_5, v));     /* PMSELR_EL0 */
	check("PMU registers: undefined (no PMU)", bad == 0, "answered", bad);

	bad = 0;
	bad += !undefined(TRY_MRS(S3_0_C9_C9_7, v));  /* PMSIDR_EL1 (SPE) */
	bad += !undefined(TRY_MSR(S3_0_C9_C9_0, 1));  /* PMSCR_EL1 */
	bad += !undefined(TRY_MRS(S3_0_C9_C10_7, v)); /* PMBIDR_EL1 */
	bad += !undefined(TRY_MSR(S3_0_C1_C2_1, 3));  /* TRFCR_EL1 */
	bad += !undefined(TRY_MRS(S2_1_C0_C1_0, v));  /* TRCPRGCTLR */
	bad += !undefined(TRY_MRS(S3_3_C13_C2_0, v)); /* AMCR_EL0 */
	check("profiling, trace, activity monitors: undefined", bad == 0,
	      "answered", bad);
}

static void test_debug(void)
{
	uint64_t v = 0, esr;

	/* An enabled breakpoint and watchpoint on our own code and data:
	 * the writes are ignored, nothing fires. */
	esr = TRY_MSR(S2_0_C0_C0_4, (uint64_t)test_id_regs); /* DBGBVR0_EL1 */
	esr |= TRY_MSR(S2_0_C0_C0_5, 0x1e7);                 /* DBGBCR0_EL1 */
	esr |= TRY_MSR(S2_0_C0_C1_6, (uint64_t)&v);          /* DBGWVR1_EL1 */
	esr |= TRY_MSR(S2_0_C0_C1_7, 0x1ff7);                /* DBGWCR1_EL1 */
	esr |= TRY_MSR(mdscr_el1, 1u << 15 | 1u << 13);      /* MDE, KDE */
	esr |= TRY_MSR(S2_0_C1_C0_4, 0);                     /* OSLAR: unlock */
	trap_arm();
	__asm__ volatile("msr daifclr, #8; isb" ::: "memory"); /* D unmasked */
	*(volatile uint64_t *)&v = 1;
	test_id_regs();
	__asm__ volatile("msr daifset, #8; isb" ::: "memory");
	esr |= trapped();
	uint64_t bcr = 1, wcr = 1;
	esr |= TRY_MRS(S2_0_C0_C0_5, bcr);
	esr |= TRY_MRS(S2_0_C0_C1_7, wcr);
	/* cppcheck-suppress knownConditionTrueFalse ; bcr, wcr set by the MRSs */
	bool zero = bcr == 0 && wcr == 0;
	check("breakpoint and watchpoint registers: read as zero, ignore writes",
	      !esr && zero, "esr|bcr|wcr", esr | bcr << 32 | wcr);

	esr = TRY_MSR(S2_0_C0_C5_5, 0x1e7); /* DBGBCR5_EL1 */
	check("DBGBCR5 (only 2 breakpoints): undefined", undefined(esr), "esr",
	      esr);

	esr = TRY_MSR(mdscr_el1, ~0ull);
	esr |= TRY_MRS(mdscr_el1, v);
	check("MDSCR_EL1: SS, TDCC, KDE, MDE only", !esr && v == 0xb001,
	      "mdscr", v);
	TRY_MSR(mdscr_el1, 0);

	uint64_t locked = 0, unlocked = 0;
	esr = TRY_MSR(S2_0_C1_C0_4, 1);       /* OSLAR: lock */
	esr |= TRY_MRS(S2_0_C1_C1_4, locked); /* OSLSR */
	esr |= TRY_MSR(S2_0_C1_C0_4, 0);
	esr |= TRY_MRS(S2_0_C1_C1_4, unlocked);
	/* cppcheck-suppress incorrectLogicOperator ; set by the MRSs */
	bool shows = !esr && locked == 0xa && unlocked == 0x8;
	check("OS lock: OSLAR sets, OSLSR shows", shows, "locked, unlocked",
	      locked << 8 | unlocked);
	esr = TRY_MRS(S2_0_C1_C0_4, v);
	check("OSLAR_EL1 read: undefined", undefined(esr), "esr", esr);

	uint64_t r[4] = { 1, 1, 1, 1 }, undef = 0;
	undef |= !!TRY_MSR(S2_0_C1_C3_4, 1) << 0; /* OSDLR: double lock */
	undef |= !!TRY_MRS(S2_0_C1_C3_4, r[0]) << 1;
	/* (Not tried: the claim tags, OSDTRRX/TX, DBGDTR_EL0, which QEMU
	 * 7.2 does not implement: undefined before any trap.) */
	r[1] = 0;
	undef |= !!TRY_MSR(S2_0_C0_C2_0, 1) << 4; /* MDCCINT_EL1 */
	undef |= !!TRY_MRS(S2_0_C0_C2_0, r[2]) << 5;
	undef |= !!TRY_MRS(S2_0_C1_C0_0, r[3]) << 6; /* MDRAR_EL1 */
	check("double lock, DCC interrupt, debug ROM: read as zero",
	      !undef && !(r[0] | r[1] | r[2] | r[3]), "undefined (bit each)",
	      undef);
	esr = TRY_MSR(S2_3_C0_C1_0, 0); /* MDCCSR_EL0 */
	check("write to read-only MDCCSR_EL0: undefined", undefined(esr), "esr",
	      esr);
}

void test_debug_pmu(void)
{
	test_id_regs();
	test_pmu();
	test_debug();
}

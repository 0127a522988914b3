/* The EL0/EL1 registers regleak probes: every one QEMU 7.2's `max` CPU
 * defines that EL1 can write (its register list; the ID, counter and
 * other read-only ones left out), plus a few of newer features that must
 * stay undefined. By encoding (S<op0>_<op1>_C<n>_C<m>_<op2>), so that the
 * assembler takes each whatever the -march.
 *
 * 'mask' is the part the test writes its pattern to: the whole register
 * where any value is harmless to a guest that runs with its MMU off and
 * its interrupts masked, only the harmless fields where not (SCTLR_EL1:
 * EL0 trap controls; CPACR_EL1: not FPEN; the timers: ENABLE, with IMASK
 * kept set). Registers whose bits may hurt the CPU (IMPLEMENTATION
 * DEFINED ones, newer controls) get mask 0: read, written back as read. */
#include "regleak.h"

/* X(name, encoding, group, feature, mask, bits kept set) */
#define REGS(X)                                                               \
	X(TPIDR_EL0, S3_3_C13_C0_2, G_THREAD, F_BASE, ~0ull, 0)               \
	X(TPIDRRO_EL0, S3_3_C13_C0_3, G_THREAD, F_BASE, ~0ull, 0)             \
	X(TPIDR_EL1, S3_0_C13_C0_4, G_THREAD, F_BASE, ~0ull, 0)               \
	X(TPIDR2_EL0, S3_3_C13_C0_5, G_THREAD, F_SME, ~0ull, 0)               \
	X(SCXTNUM_EL0, S3_3_C13_C0_7, G_THREAD, F_SCXT, ~0ull, 0)             \
	X(SCXTNUM_EL1, S3_0_C13_C0_7, G_THREAD, F_SCXT, ~0ull, 0)             \
	X(SCTLR_EL1, S3_0_C1_C0_0, G_MMU, F_BASE, 0x405c000ull, 0)            \
	X(TTBR0_EL1, S3_0_C2_C0_0, G_MMU, F_BASE, ~0ull, 0)                   \
	X(TTBR1_EL1, S3_0_C2_C0_1, G_MMU, F_BASE, ~0ull, 0)                   \
	X(TCR_EL1, S3_0_C2_C0_2, G_MMU, F_BASE, 0x3f003full, 0)               \
	X(MAIR_EL1, S3_0_C10_C2_0, G_MMU, F_BASE, ~0ull, 0)                   \
	X(AMAIR_EL1, S3_0_C10_C3_0, G_MMU, F_BASE, ~0ull, 0)                  \
	X(CONTEXTIDR_EL1, S3_0_C13_C0_1, G_MMU, F_BASE, 0xffffffffull, 0)     \
	X(PAR_EL1, S3_0_C7_C4_0, G_MMU, F_BASE, ~0ull, 0)                     \
	X(ELR_EL1, S3_0_C4_C0_1, G_EXCEPTION, F_BASE, ~0ull, 0)               \
	X(SPSR_EL1, S3_0_C4_C0_0, G_EXCEPTION, F_BASE, 0xf00003c0ull, 0)      \
	X(ESR_EL1, S3_0_C5_C2_0, G_EXCEPTION, F_BASE, 0xffffffffull, 0)       \
	X(FAR_EL1, S3_0_C6_C0_0, G_EXCEPTION, F_BASE, ~0ull, 0)               \
	X(AFSR0_EL1, S3_0_C5_C1_0, G_EXCEPTION, F_BASE, 0xffffffffull, 0)     \
	X(AFSR1_EL1, S3_0_C5_C1_1, G_EXCEPTION, F_BASE, 0xffffffffull, 0)     \
	X(SP_EL0, S3_0_C4_C1_0, G_EXCEPTION, F_BASE, ~0ull, 0)                \
	X(CPACR_EL1, S3_0_C1_C0_2, G_CONTROL, F_BASE, 0x13030000ull,          \
	  0x300000ull)                                                        \
	X(ACTLR_EL1, S3_0_C1_C0_1, G_CONTROL, F_BASE, ~0ull, 0)               \
	X(CSSELR_EL1, S3_2_C0_C0_0, G_CONTROL, F_BASE, 0xfull, 0)             \
	X(CNTKCTL_EL1, S3_0_C14_C1_0, G_TIMER, F_BASE, 0x3ffull, 0)           \
	X(CNTV_CTL_EL0, S3_3_C14_C3_1, G_TIMER, F_BASE, 1, 2)                 \
	X(CNTV_CVAL_EL0, S3_3_C14_C3_2, G_TIMER, F_BASE, ~0ull, 0)            \
	X(CNTP_CTL_EL0, S3_3_C14_C2_1, G_TIMER, F_BASE, 1, 2)                 \
	X(CNTP_CVAL_EL0, S3_3_C14_C2_2, G_TIMER, F_BASE, ~0ull, 0)            \
	X(CNTFRQ_EL0, S3_3_C14_C0_0, G_TIMER, F_BASE, 0xffffffffull, 0)       \
	X(CNTPS_CTL_EL1, S3_7_C14_C2_1, G_TIMER, F_UNLISTED, 1, 2)            \
	X(CNTPS_CVAL_EL1, S3_7_C14_C2_2, G_TIMER, F_UNLISTED, ~0ull, 0)       \
	X(MDSCR_EL1, S2_0_C0_C2_2, G_DEBUG, F_BASE, 0xb000ull, 0)             \
	X(MDCCINT_EL1, S2_0_C0_C2_0, G_DEBUG, F_BASE, 0x60000000ull, 0)       \
	X(OSDTRRX_EL1, S2_0_C0_C0_2, G_DEBUG, F_QEMU_LACKS, 0xffffffffull, 0) \
	X(OSDTRTX_EL1, S2_0_C0_C3_2, G_DEBUG, F_QEMU_LACKS, 0xffffffffull, 0) \
	X(OSECCR_EL1, S2_0_C0_C6_2, G_DEBUG, F_QEMU_LACKS, 0xffffffffull, 0)  \
	X(DBGBVR0_EL1, S2_0_C0_C0_4, G_DEBUG, F_BASE, ~0ull, 0)               \
	X(DBGBCR0_EL1, S2_0_C0_C0_5, G_DEBUG, F_BASE, 0x1e6ull, 0)            \
	X(DBGWVR0_EL1, S2_0_C0_C0_6, G_DEBUG, F_BASE, ~0x7ull, 0)             \
	X(DBGWCR0_EL1, S2_0_C0_C0_7, G_DEBUG, F_BASE, 0x1ffeull, 0)           \
	X(DBGBVR1_EL1, S2_0_C0_C1_4, G_DEBUG, F_BASE, ~0ull, 0)               \
	X(OSDLR_EL1, S2_0_C1_C3_4, G_DEBUG, F_BASE, 1, 0)                     \
	X(DBGPRCR_EL1, S2_0_C1_C4_4, G_DEBUG, F_QEMU_LACKS, 1, 0)             \
	X(DBGCLAIMSET_EL1, S2_0_C7_C8_6, G_DEBUG, F_QEMU_LACKS, 0xffull, 0)   \
	X(DBGDTR_EL0, S2_3_C0_C4_0, G_DEBUG, F_QEMU_LACKS, ~0ull, 0)          \
	X(PMCR_EL0, S3_3_C9_C12_0, G_PMU, F_PMU, 0x78ull, 0)                  \
	X(PMCNTENSET_EL0, S3_3_C9_C12_1, G_PMU, F_PMU, 0x80000001ull, 0)      \
	X(PMSELR_EL0, S3_3_C9_C12_5, G_PMU, F_PMU, 0x1full, 0)                \
	X(PMCCNTR_EL0, S3_3_C9_C13_0, G_PMU, F_PMU, ~0ull, 0)                 \
	X(PMXEVTYPER_EL0, S3_3_C9_C13_1, G_PMU, F_PMU, 0xffffull, 0)          \
	X(PMXEVCNTR_EL0, S3_3_C9_C13_2, G_PMU, F_PMU, 0xffffffffull, 0)       \
	X(PMUSERENR_EL0, S3_3_C9_C14_0, G_PMU, F_PMU, 0xfull, 0)              \
	X(PMINTENSET_EL1, S3_0_C9_C14_1, G_PMU, F_PMU, 0x80000001ull, 0)      \
	X(PMOVSSET_EL0, S3_3_C9_C14_3, G_PMU, F_PMU, 0x80000001ull, 0)        \
	X(PMEVCNTR0_EL0, S3_3_C14_C8_0, G_PMU, F_PMU, 0xffffffffull, 0)       \
	X(PMEVTYPER0_EL0, S3_3_C14_C12_0, G_PMU, F_PMU, 0xffffull, 0)         \
	X(PMCCFILTR_EL0, S3_3_C14_C15_7, G_PMU, F_PMU, 0xf8000000ull, 0)      \
	X(ICC_PMR_EL1, S3_0_C4_C6_0, G_GIC, F_BASE, 0xffull, 0)               \
	X(ICC_BPR0_EL1, S3_0_C12_C8_3, G_GIC, F_BASE, 0x7ull, 0)              \
	X(ICC_BPR1_EL1, S3_0_C12_C12_3, G_GIC, F_BASE, 0x7ull, 0)             \
	X(ICC_CTLR_EL1, S3_0_C12_C12_4, G_GIC, F_BASE, 0x2ull, 0)             \
	X(ICC_SRE_EL1, S3_0_C12_C12_5, G_GIC, F_BASE, 0x7ull, 0)              \
	X(ICC_IGRPEN0_EL1, S3_0_C12_C12_6, G_GIC, F_BASE, 1, 0)               \
	X(ICC_IGRPEN1_EL1, S3_0_C12_C12_7, G_GIC, F_BASE, 1, 0)               \
	X(ICC_AP0R0_EL1, S3_0_C12_C8_4, G_GIC, F_BASE, 0xffffffffull, 0)      \
	X(ICC_AP0R1_EL1, S3_0_C12_C8_5, G_GIC, F_UNLISTED, 0xffffffffull, 0)  \
	X(ICC_AP1R0_EL1, S3_0_C12_C9_0, G_GIC, F_BASE, 0xffffffffull, 0)      \
	X(ICC_AP1R1_EL1, S3_0_C12_C9_1, G_GIC, F_UNLISTED, 0xffffffffull, 0)  \
	X(APIAKEYLO_EL1, S3_0_C2_C1_0, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APIAKEYHI_EL1, S3_0_C2_C1_1, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APIBKEYLO_EL1, S3_0_C2_C1_2, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APIBKEYHI_EL1, S3_0_C2_C1_3, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APDAKEYLO_EL1, S3_0_C2_C2_0, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APDAKEYHI_EL1, S3_0_C2_C2_1, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APDBKEYLO_EL1, S3_0_C2_C2_2, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APDBKEYHI_EL1, S3_0_C2_C2_3, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APGAKEYLO_EL1, S3_0_C2_C3_0, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(APGAKEYHI_EL1, S3_0_C2_C3_1, G_PAUTH, F_PAUTH, ~0ull, 0)            \
	X(FPCR, S3_3_C4_C4_0, G_FP, F_BASE, 0x07c80000ull, 0)                 \
	X(FPSR, S3_3_C4_C4_1, G_FP, F_BASE, 0xf800009full, 0)                 \
	X(PAN, S3_0_C4_C2_3, G_PSTATE, F_PAN, 1ull << 22, 0)                  \
	X(UAO, S3_0_C4_C2_4, G_PSTATE, F_UAO, 1ull << 23, 0)                  \
	X(DIT, S3_3_C4_C2_5, G_PSTATE, F_DIT, 1ull << 24, 0)                  \
	X(SSBS, S3_3_C4_C2_6, G_PSTATE, F_SSBS, 1ull << 12, 0)                \
	X(TCO, S3_3_C4_C2_7, G_PSTATE, F_MTE, 1ull << 25, 0)                  \
	X(ZCR_EL1, S3_0_C1_C2_0, G_SVE_SME, F_SVE, 0xfull, 0)                 \
	X(SMCR_EL1, S3_0_C1_C2_6, G_SVE_SME, F_SME, 0xfull, 0)                \
	X(SMPRI_EL1, S3_0_C1_C2_4, G_SVE_SME, F_SME, 0xfull, 0)               \
	X(SVCR, S3_3_C4_C2_2, G_SVE_SME, F_SME, 0x2ull, 0)                    \
	X(GCR_EL1, S3_0_C1_C0_6, G_MTE, F_MTE2, 0x1ffffull, 0)                \
	X(RGSR_EL1, S3_0_C1_C0_5, G_MTE, F_MTE2, 0xffff0full, 0)              \
	X(TFSR_EL1, S3_0_C5_C6_0, G_MTE, F_MTE2, 0x3ull, 0)                   \
	X(TFSRE0_EL1, S3_0_C5_C6_1, G_MTE, F_MTE2, 0x3ull, 0)                 \
	X(DISR_EL1, S3_0_C12_C1_1, G_RAS, F_RAS, 0x8000ffffull, 0)            \
	X(ERRSELR_EL1, S3_0_C5_C3_1, G_RAS, F_RAS, 0xffffull, 0)              \
	X(ERXCTLR_EL1, S3_0_C5_C4_1, G_RAS, F_RAS, 0, 0)                      \
	X(ERXADDR_EL1, S3_0_C5_C4_3, G_RAS, F_RAS, ~0ull, 0)                  \
	X(ERXMISC0_EL1, S3_0_C5_C5_0, G_RAS, F_RAS, 0, 0)                     \
	X(ERXMISC1_EL1, S3_0_C5_C5_1, G_RAS, F_RAS, 0, 0)                     \
	X(LORSA_EL1, S3_0_C10_C4_0, G_LOR, F_LOR, 0xffffffff0000ull, 0)       \
	X(LOREA_EL1, S3_0_C10_C4_1, G_LOR, F_LOR, 0xffffffff0000ull, 0)       \
	X(LORN_EL1, S3_0_C10_C4_2, G_LOR, F_LOR, 0xffull, 0)                  \
	X(LORC_EL1, S3_0_C10_C4_3, G_LOR, F_LOR, 0x3cull, 0)                  \
	X(CPUACTLR_EL1, S3_1_C15_C2_0, G_IMPDEF, F_UNLISTED, 0, 0)            \
	X(CPUECTLR_EL1, S3_1_C15_C2_1, G_IMPDEF, F_UNLISTED, 0, 0)            \
	X(L2CTLR_EL1, S3_1_C11_C0_2, G_IMPDEF, F_UNLISTED, 0, 0)              \
	X(L2ECTLR_EL1, S3_1_C11_C0_3, G_IMPDEF, F_UNLISTED, 0, 0)             \
	X(ACCDATA_EL1, S3_0_C13_C0_5, G_NEWER, F_UNLISTED, 0xffffull, 0)      \
	X(MPAM0_EL1, S3_0_C10_C5_1, G_NEWER, F_UNLISTED, 0xffffull, 0)        \
	X(MPAM1_EL1, S3_0_C10_C5_0, G_NEWER, F_UNLISTED, 0xffffull, 0)        \
	X(TRFCR_EL1, S3_0_C1_C2_1, G_NEWER, F_UNLISTED, 0, 0)                 \
	X(PMSCR_EL1, S3_0_C9_C9_0, G_NEWER, F_UNLISTED, 0, 0)                 \
	X(AMUSERENR_EL0, S3_3_C13_C2_3, G_NEWER, F_UNLISTED, 0, 0)            \
	X(POR_EL0, S3_3_C10_C2_4, G_NEWER, F_UNLISTED, ~0ull, 0)              \
	X(PIRE0_EL1, S3_0_C10_C2_2, G_NEWER, F_UNLISTED, ~0ull, 0)            \
	X(FPMR, S3_3_C4_C4_2, G_NEWER, F_UNLISTED, 0, 0)                      \
	X(GCSPR_EL0, S3_3_C2_C5_1, G_NEWER, F_UNLISTED, ~0x7ull, 0)           \
	X(SCTLR2_EL1, S3_0_C1_C0_3, G_NEWER, F_UNLISTED, 0, 0)                \
	X(TCR2_EL1, S3_0_C2_C0_3, G_NEWER, F_UNLISTED, 0, 0)

/* "+r": a read that traps and is skipped leaves 0, not garbage. */
#define ACCESSORS(id, enc, group, feat, mask, set)                        \
	static uint64_t rd_##id(void)                                     \
	{                                                                 \
		uint64_t v = 0;                                           \
		__asm__ volatile("mrs %0, " #enc : "+r"(v) : : "memory"); \
		return v;                                                 \
	}                                                                 \
	static void wr_##id(uint64_t v)                                   \
	{                                                                 \
		__asm__ volatile("msr " #enc ", %0; isb"                  \
				 :                                        \
				 : "r"(v)                                 \
				 : "memory");                             \
	}
REGS(ACCESSORS)

ACCESSORS(VBAR_EL1, S3_0_C12_C0_0, , , , )

/* The OS lock: set and cleared through OSLAR_EL1, seen in OSLSR_EL1.OSLK
 * (bit 1), here moved to bit 0 to look like one register. */
static uint64_t rd_os_lock(void)
{
	uint64_t v = 0;

	__asm__ volatile("mrs %0, S2_0_C1_C1_4" : "+r"(v) : : "memory");
	return v >> 1 & 1;
}

static void wr_os_lock(uint64_t v)
{
	__asm__ volatile("msr S2_0_C1_C0_4, %0; isb" : : "r"(v) : "memory");
}

#define ENTRY(id, enc, g, f, m, s) \
	{ .name = #id,             \
	  .group = g,              \
	  .feat = f,               \
	  .read = rd_##id,         \
	  .write = wr_##id,        \
	  .mask = m,               \
	  .set = s },
struct reg regleak_regs[] = {
	REGS(ENTRY)
	/* Its two patterns are our two vector tables (main.c). */
	{ .name = "VBAR_EL1",
	  .group = G_EXCEPTION,
	  .feat = F_BASE,
	  .read = rd_VBAR_EL1,
	  .write = wr_VBAR_EL1,
	  .mask = ~0x7ffull,
	  .vbar = true },
	{ .name = "OS lock",
	  .group = G_DEBUG,
	  .feat = F_BASE,
	  .read = rd_os_lock,
	  .write = wr_os_lock,
	  .mask = 1 },
};
const unsigned regleak_nr_regs = sizeof(regleak_regs) / sizeof(regleak_regs[0]);

const char *const regleak_group_names[G_COUNT] = {
	[G_THREAD] = "thread ids",
	[G_MMU] = "translation",
	[G_EXCEPTION] = "exception",
	[G_CONTROL] = "control",
	[G_TIMER] = "timers",
	[G_DEBUG] = "debug",
	[G_PMU] = "PMU",
	[G_GIC] = "GIC CPU interface",
	[G_PAUTH] = "pointer auth keys",
	[G_FP] = "FP/SIMD",
	[G_PSTATE] = "PSTATE fields",
	[G_SVE_SME] = "SVE/SME",
	[G_MTE] = "MTE",
	[G_RAS] = "RAS",
	[G_LOR] = "LOR",
	[G_IMPDEF] = "IMPLEMENTATION DEFINED",
	[G_NEWER] = "newer features",
};

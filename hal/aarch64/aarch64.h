/* Internal interface between the files of hal/aarch64. */
#ifndef HAL_AARCH64_H
#define HAL_AARCH64_H

#include <kernel/types.h>

/* RES1 bits, plus TZ (trap SVE), TSM (trap SME), TTA (trace registers)
 * and TAM (activity monitors). */
#define CPTR_EL2_DEFAULT (0x33ffull | 1ull << 20 | 1ull << 30)

/* MDCR_EL2: every EL1/EL0 access to the PMU (TPM, TPMCR), statistical
 * profiling (TPMS; E2PB 0 traps its buffer), debug (TDA, TDOSA, TDRA)
 * and trace filter (TTRF; E2TB 0 traps the trace buffer) registers
 * traps. HPMN (bits 0-4) is kept as reset left it. */
#define MDCR_EL2_HPMN 0x1full
#define MDCR_EL2_TRAPS                                                 \
	(1ull << 5 | 1ull << 6 | 1ull << 9 | 1ull << 10 | 1ull << 11 | \
	 1ull << 14 | 1ull << 19)

extern uint64_t arch_boot_dtb;

/* Builds the EL2 identity map for RAM [ram_base, ram_end) and devices
 * below it (boot CPU, once), then turns the MMU on (every CPU). */
void arch_mmu_build(paddr_t ram_base, paddr_t ram_end);
void arch_mmu_enable(void);

/* PSCI through the firmware (SMC: QEMU's conduit with EL2 enabled). */
uint64_t arch_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

struct fdt;
/* Finds the console PL011 (address, interrupt) in the host DTB. */
void pl011_probe(const struct fdt *f);
int gic_probe(const void *fdt_blob);

#endif

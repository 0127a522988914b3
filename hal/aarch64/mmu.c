/* The EL2 stage-1 identity map: 39-bit addresses, 1 GiB blocks. The first
 * GiB (QEMU virt's devices) is Device-nGnRnE; RAM is normal write-back. */
#include <arch/sysreg.h>
#include <kernel/log.h>
#include "aarch64.h"

#define PTE_BLOCK    1ull
#define PTE_ATTR(i)  ((uint64_t)(i) << 2)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF       (1ull << 10)
#define PTE_XN       (1ull << 54)

#define MAIR_DEVICE 0 /* attribute index 0: Device-nGnRnE */
#define MAIR_NORMAL 1 /* attribute index 1: normal WB RA WA */
#define MAIR_VALUE  (0x00ull | 0xffull << 8)

#define TCR_T0SZ 25ull /* 39-bit VA: the walk starts at level 1 */
#define TCR_RES1 (1ull << 31 | 1ull << 23)
#define TCR_VALUE(ps)                                                \
	(TCR_RES1 | (uint64_t)(ps) << 16 | 3ull << 12 | 1ull << 10 | \
	 1ull << 8 | TCR_T0SZ)

#define SCTLR_RES1 0x30c50830ull
#define SCTLR_M    (1ull << 0)
#define SCTLR_C    (1ull << 2)
#define SCTLR_SA   (1ull << 3)
#define SCTLR_I    (1ull << 12)

static uint64_t el2_l1[512] __attribute__((aligned(4096)));

void arch_mmu_build(paddr_t ram_base, paddr_t ram_end)
{
	const uint64_t gib = 1ull << 30;

	el2_l1[0] = PTE_BLOCK | PTE_ATTR(MAIR_DEVICE) | PTE_AF | PTE_XN;
	for (uint64_t gb = ALIGN_DOWN(ram_base, gib) / gib;
	     gb < 512 && gb * gib < ram_end; gb++)
		el2_l1[gb] = gb * gib | PTE_BLOCK | PTE_ATTR(MAIR_NORMAL) |
			     PTE_SH_INNER | PTE_AF;
	dsb(ishst);
}

void arch_mmu_enable(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_VALUE(parange > 5 ? 5 : parange));
	write_sysreg(ttbr0_el2, (uint64_t)el2_l1);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(ish);
	isb();
	write_sysreg(sctlr_el2,
		     SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
	isb();
}

/* Stage-2 changes that need the CPU's TLB maintenance: a page of a VM
 * made to fault, and translate again (the GICv2 GICC page, vgic_v2.c). */
#include <arch/sysreg.h>
#include "stage2_pte.h"
#include "vmm_aarch64.h"

void stage2_page_set_valid(struct stage2 *s2, gpaddr_t gpa, bool valid)
{
	bool block = false;
	uint64_t *pte = stage2_leaf(s2, gpa, &block);

	if (!pte || block)
		return;
	if (valid) {
		/* A translation fault is never cached: nothing to forget. */
		*pte |= PTE_VALID;
		dsb(ishst);
		return;
	}
	*pte &= ~PTE_VALID;
	dsb(ishst);
	/* Forgotten on every CPU, for the VMID in VTTBR_EL2 (the caller's
	 * VM): the page and what the guest's stage 1 combined with it. */
	__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(gpa >> 12) : "memory");
	dsb(ish);
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}

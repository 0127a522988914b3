/* The host page tables beyond the boot map.
 *
 * head.S identity-maps the first 4 GiB with 2 MiB pages (RAM write-back,
 * 3-4 GiB uncached for the LAPIC, IOAPIC and PCI windows). RAM above
 * 4 GiB gets page directories from a small static pool here. */
#include <hal/hal.h>
#include <kernel/log.h>
#include "x86.h"

#define GIB           (1ull << 30)
#define EXTRA_GIB_MAX 12 /* RAM mapped up to 16 GiB */

extern uint64_t boot_pdpt[512];
static uint64_t extra_pd[EXTRA_GIB_MAX][512] __attribute__((aligned(4096)));

paddr_t x86_mmu_map_ram(paddr_t end)
{
	paddr_t limit = 4 * GIB + EXTRA_GIB_MAX * GIB;
	unsigned used = 0;

	if (end > limit)
		end = limit;
	for (paddr_t g = 4 * GIB; g < end; g += GIB, used++) {
		uint64_t *pd = extra_pd[used];
		for (unsigned i = 0; i < 512; i++)
			pd[i] = (g + ((uint64_t)i << 21)) | PTE_P | PTE_W |
				PTE_PS;
		boot_pdpt[g / GIB] = ptr_to_pa(pd) | PTE_P | PTE_W;
	}
	if (used) {
		uint64_t cr3;
		__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3"
				 : "=r"(cr3)
				 :
				 : "memory");
	}
	return end;
}

/* Page 0 holds the real-mode IVT and the BIOS data area, read once by
 * acpi.c; afterwards it is unmapped so that a NULL dereference faults. */
void x86_mmu_unmap_page0(void)
{
	extern uint64_t boot_pt0[512];

	WRITE_ONCE(boot_pt0[0], 0);
	__asm__ volatile("invlpg (%0)" : : "r"(0ul) : "memory");
}

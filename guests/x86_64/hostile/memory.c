/* Wild loads and stores: every MiB of the low 4 GiB that is not its RAM
 * or its APICs, then, through a 2 MiB window of its own page tables, every
 * GiB up to the CPU's physical address width (1 TiB at most): a PC's bus
 * answers where nothing is, reads all ones and drops writes. Past the
 * width, the page-table entry is reserved: a #PF with RSVD. */
#include "hostile.h"

#define WINDOW_VA 0x100000000ul /* PDPT[4]: free in the boot tables */
#define PDE_2M    0x9bul        /* P, W, PWT, PCD, PS */
/* QEMU 7.2 leaves P (bit 0) clear in a reserved-bit fault's error code;
 * the SDM and the APM set it: only RSVD is checked. */
#define PF_RSVD 0x8ul

static uint64_t window_pd[512] __attribute__((aligned(4096)));

static bool answered_as_nothing(volatile uint64_t *p)
{
	uint64_t before = *p;

	*p = junk();
	return before == ~0ull && *p == ~0ull;
}

static void low_space(void)
{
	unsigned bad = 0;

	for (uint64_t a = RAM_END; a < 1ull << 32; a += 1ull << 20) {
		if (a == (LAPIC_BASE & ~0xfffffull) ||
		    a == (IOAPIC_BASE & ~0xfffffull))
			continue;
		bad += !answered_as_nothing((volatile uint64_t *)(a + 0x88));
	}
	verdict("every MiB of the low 4 GiB that is not ours: reads all ones, "
		"writes dropped",
		bad == 0);
}

static volatile uint64_t *window_map(uint64_t gpa)
{
	uint64_t cr3, *pdpt;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pdpt = (uint64_t *)(*(uint64_t *)(cr3 & ~0xfffull) & ~0xfffull);
	pdpt[4] = (uint64_t)window_pd | 3;
	window_pd[0] = (gpa & ~0x1fffffull) | PDE_2M;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	return (volatile uint64_t *)(WINDOW_VA + (gpa & 0x1fffff));
}

static void high_space(void)
{
	uint32_t r[4];
	unsigned bad = 0, width;

	cpuid(0x80000008u, 0, r);
	width = r[0] & 0xff;
	uint64_t top = width > 40 ? 1ull << 40 : 1ull << width;
	for (uint64_t g = 1ull << 32; g < top; g += 1ull << 30)
		bad += !answered_as_nothing(window_map(g + 0x1238));
	verdict("through our own page tables, every GiB from 4 GiB to the "
		"physical address width: reads all ones, writes dropped",
		bad == 0);
	volatile uint64_t *p = window_map(1ull << width);
	uint64_t n = guest_trap.count, v = 0;
	GUARDED("movq (%[p]), %[v]",
		: [v] "+r"(v)
		: [p] "r"(p), RESUME_OFF
		: "r11", "memory");
	verdict("a page-table entry past the physical address width: #PF "
		"with RSVD",
		trapped(n, VEC_PF) && (guest_trap.error & PF_RSVD));
	window_map(0); /* harmless again */
}

void hostile_memory(void)
{
	low_space();
	high_space();
}

/* riscv64 G-stage tables: Sv48x4 (50-bit guest-physical addresses, a
 * 16 KiB root of 2048 entries, then three levels of 512) when the harts
 * have it, else Sv39x4 (41 bits, the same root, then two levels); 2 MiB
 * megapages where both addresses and the remaining size allow, 4 KiB
 * pages elsewhere. Every leaf has U set: the G stage treats every guest access
 * as a user-mode one (privileged spec, "Two-Stage Address Translation"). */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/stage2.h>
#include "gstage.h"

#define ROOT_ENTRIES 2048
#define MEGA         (2ul << 20)

/* Levels of the tables, the root's included: 3 (Sv39x4) or 4 (Sv48x4).
 * Set before the first VM and never changed while one exists. */
static unsigned gs_levels = 3;

void gstage_set_mode(uint64_t hgatp_mode)
{
	gs_levels = hgatp_mode == HGATP_MODE_SV48X4 ? 4 : 3;
}

uint64_t gstage_mode(void)
{
	return gs_levels == 4 ? HGATP_MODE_SV48X4 : HGATP_MODE_SV39X4;
}

const char *gstage_mode_name(void)
{
	return gs_levels == 4 ? "Sv48x4" : "Sv39x4";
}

/* 9 bits a level, 2 more at the root (its 2048 entries). */
uint64_t stage2_limit(void)
{
	return 1ull << (PAGE_SHIFT + 9 * gs_levels + 2);
}

/* The index of gpa's entry in a table at 'level' (0: the root; the
 * last, gs_levels - 1, maps 4 KiB pages; the one above it 2 MiB). */
static unsigned gs_index(gpaddr_t gpa, unsigned level)
{
	unsigned shift = PAGE_SHIFT + 9 * (gs_levels - 1 - level);

	return (unsigned)(gpa >> shift) & (level ? 511 : ROOT_ENTRIES - 1);
}

int stage2_init(struct stage2 *s2)
{
	s2->root = page_alloc(GSTAGE_ROOT_PAGES, GSTAGE_ROOT_PAGES * PAGE_SIZE);
	s2->table_pages = s2->root ? GSTAGE_ROOT_PAGES : 0;
	return s2->root ? 0 : -1;
}

static uint64_t pte_addr(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static uint64_t pte_leaf(paddr_t hpa, unsigned perms)
{
	uint64_t a = PTE_V | PTE_U | PTE_A | PTE_D;

	if (perms & S2_READ)
		a |= PTE_R;
	/* W without R is reserved: a write-only region is mapped
	 * readable too. */
	if (perms & S2_WRITE)
		a |= PTE_W | PTE_R;
	if ((perms & S2_EXEC) && !(perms & S2_DEVICE))
		a |= PTE_X;
	return (hpa >> PAGE_SHIFT) << PTE_PPN_SHIFT | a;
}

static bool pte_is_table(uint64_t pte)
{
	return (pte & (PTE_V | PTE_R | PTE_W | PTE_X)) == PTE_V;
}

/* The next-level table under *pte, made if absent; NULL without memory
 * (*err -1) or when a leaf is in the way (*err -2). */
static uint64_t *gs_next(struct stage2 *s2, uint64_t *pte, int *err)
{
	if (!(*pte & PTE_V)) {
		paddr_t t = page_alloc(1, PAGE_SIZE);
		if (!t) {
			*err = -1;
			return NULL;
		}
		s2->table_pages++;
		*pte = (t >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
	}
	if (!pte_is_table(*pte)) {
		*err = -2;
		return NULL;
	}
	return pa_to_ptr(pte_addr(*pte));
}

/* The entry that maps 'gpa' (a megapage or a page), or NULL; '*mega'
 * says which. */
static uint64_t *gs_leaf(const struct stage2 *s2, gpaddr_t gpa, bool *mega)
{
	uint64_t *t = pa_to_ptr(s2->root);
	unsigned l = 0;

	for (; l < gs_levels - 2; l++) {
		uint64_t pte = t[gs_index(gpa, l)];
		if (!pte_is_table(pte))
			return NULL;
		t = pa_to_ptr(pte_addr(pte));
	}
	uint64_t *pte2 = &t[gs_index(gpa, l)];
	*mega = (*pte2 & PTE_V) && !pte_is_table(*pte2);
	if (*mega)
		return pte2;
	if (!pte_is_table(*pte2))
		return NULL;
	return (uint64_t *)pa_to_ptr(pte_addr(*pte2)) + gs_index(gpa, l + 1);
}

int stage2_unmap(struct stage2 *s2, gpaddr_t gpa, uint64_t size)
{
	if (gpa + size > stage2_limit() || gpa + size < gpa ||
	    !IS_ALIGNED(gpa | size, PAGE_SIZE))
		return -1;
	/* A megapage cut in two would need splitting: refused before any
	 * entry is cleared. */
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool mega = false;
		uint64_t *pte = gs_leaf(s2, a, &mega);
		if (pte && mega &&
		    (!IS_ALIGNED(a, MEGA) || gpa + size - a < MEGA))
			return -1;
		a += pte && mega ? MEGA : PAGE_SIZE;
	}
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool mega = false;
		uint64_t *pte = gs_leaf(s2, a, &mega);
		if (pte)
			*pte = 0;
		a += pte && mega ? MEGA : PAGE_SIZE;
	}
	__asm__ volatile("fence rw, rw" ::: "memory");
	return 0;
}

int stage2_map(struct stage2 *s2, gpaddr_t gpa, paddr_t hpa, uint64_t size,
	       unsigned perms)
{
	const gpaddr_t start = gpa;
	int err = 0;

	if (gpa + size > stage2_limit() || gpa + size < gpa)
		return -1;
	while (size && !err) {
		uint64_t *t = pa_to_ptr(s2->root);
		unsigned l = 0;
		for (; t && l < gs_levels - 2; l++)
			t = gs_next(s2, &t[gs_index(gpa, l)], &err);
		if (!t)
			break;
		uint64_t *pte2 = &t[gs_index(gpa, l)];
		if (IS_ALIGNED(gpa | hpa, MEGA) && size >= MEGA) {
			if (*pte2 & PTE_V) {
				err = -2;
				break;
			}
			*pte2 = pte_leaf(hpa, perms);
			gpa += MEGA, hpa += MEGA, size -= MEGA;
			continue;
		}
		uint64_t *l3 = gs_next(s2, pte2, &err);
		if (!l3)
			break;
		uint64_t *pte = &l3[gs_index(gpa, l + 1)];
		if (*pte & PTE_V) {
			err = -2;
			break;
		}
		*pte = pte_leaf(hpa, perms);
		gpa += PAGE_SIZE, hpa += PAGE_SIZE, size -= PAGE_SIZE;
	}
	/* All or nothing: what this call mapped goes again (tables made
	 * for it stay, empty, until stage2_destroy). The guest has not run
	 * on any of it. */
	if (err && gpa > start)
		stage2_unmap(s2, start, gpa - start);
	__asm__ volatile("fence rw, rw" ::: "memory");
	return err;
}

static void gs_free_level(uint64_t *table, unsigned entries, unsigned level)
{
	for (unsigned i = 0; level < gs_levels - 1 && i < entries; i++)
		if (pte_is_table(table[i]))
			gs_free_level(pa_to_ptr(pte_addr(table[i])), 512,
				      level + 1);
	page_free(ptr_to_pa(table), entries / 512);
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2->root)
		return;
	gs_free_level(pa_to_ptr(s2->root), ROOT_ENTRIES, 0);
	s2->root = 0;
	s2->table_pages = 0;
}

/* aarch64 stage-2 tables: 4 KiB granule, 39-bit IPA, walk from level 1
 * (VTCR_EL2.T0SZ = 25, SL0 = 1); 2 MiB blocks where both addresses and
 * the remaining size allow, pages elsewhere. */
#include <arch/sysreg.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/stage2.h>
#include "stage2_pte.h"

uint64_t stage2_limit(void)
{
	return 1ull << S2_IPA_BITS;
}

int stage2_init(struct stage2 *s2)
{
	s2->root = page_alloc(1, PAGE_SIZE);
	s2->table_pages = s2->root ? 1 : 0;
	return s2->root ? 0 : -1;
}

static uint64_t s2_attrs(unsigned perms)
{
	uint64_t a = PTE_AF | PTE_SH_INNER;

	a |= perms & S2_DEVICE ? PTE_MEMATTR_DEVICE : PTE_MEMATTR_NORMAL;
	if (perms & S2_READ)
		a |= PTE_S2AP_R;
	if (perms & S2_WRITE)
		a |= PTE_S2AP_W;
	if (!(perms & S2_EXEC) || (perms & S2_DEVICE))
		a |= PTE_XN;
	return a;
}

/* The next-level table under *pte, made if absent; NULL without memory
 * (*err -1) or when a block mapping is in the way (*err -2). */
static uint64_t *s2_next(struct stage2 *s2, uint64_t *pte, int *err)
{
	if (!(*pte & PTE_VALID)) {
		paddr_t t = page_alloc(1, PAGE_SIZE);
		if (!t) {
			*err = -1;
			return NULL;
		}
		s2->table_pages++;
		*pte = t | PTE_TABLE;
	}
	if ((*pte & 3) != PTE_TABLE) {
		*err = -2;
		return NULL;
	}
	return pa_to_ptr(*pte & PTE_ADDR_MASK);
}

uint64_t *stage2_leaf(const struct stage2 *s2, gpaddr_t gpa, bool *block)
{
	uint64_t *l1 = pa_to_ptr(s2->root);
	uint64_t pte1 = l1[gpa >> 30 & 511];

	if ((pte1 & 3) != PTE_TABLE)
		return NULL;
	uint64_t *pte2 =
		(uint64_t *)pa_to_ptr(pte1 & PTE_ADDR_MASK) + (gpa >> 21 & 511);
	*block = (*pte2 & 3) == PTE_BLOCK;
	if (*block)
		return pte2;
	if ((*pte2 & 3) != PTE_TABLE)
		return NULL;
	return (uint64_t *)pa_to_ptr(*pte2 & PTE_ADDR_MASK) + (gpa >> 12 & 511);
}

int stage2_unmap(struct stage2 *s2, gpaddr_t gpa, uint64_t size)
{
	if (gpa + size > stage2_limit() || gpa + size < gpa ||
	    !IS_ALIGNED(gpa | size, PAGE_SIZE))
		return -1;
	/* A block cut in two would need splitting: refused before any
	 * entry is cleared. */
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool block = false;
		uint64_t *pte = stage2_leaf(s2, a, &block);
		uint64_t step = block ? 2ul << 20 : PAGE_SIZE;
		if (pte && block &&
		    (!IS_ALIGNED(a, 2ul << 20) || gpa + size - a < step))
			return -1;
		a = pte && block ? a + step : a + PAGE_SIZE;
	}
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool block = false;
		uint64_t *pte = stage2_leaf(s2, a, &block);
		if (pte)
			*pte = 0;
		a += pte && block ? 2ul << 20 : PAGE_SIZE;
	}
	dsb(ishst);
	return 0;
}

int stage2_map(struct stage2 *s2, gpaddr_t gpa, paddr_t hpa, uint64_t size,
	       unsigned perms)
{
	const uint64_t attrs = s2_attrs(perms);
	const gpaddr_t start = gpa;
	int err = 0;

	if (gpa + size > stage2_limit() || gpa + size < gpa)
		return -1;
	while (size && !err) {
		uint64_t *l1 = pa_to_ptr(s2->root);
		uint64_t *l2 = s2_next(s2, &l1[gpa >> 30 & 511], &err);
		if (!l2)
			break;
		uint64_t *pte2 = &l2[gpa >> 21 & 511];
		if (IS_ALIGNED(gpa | hpa, 2ul << 20) && size >= (2ul << 20)) {
			if (*pte2 & PTE_VALID) {
				err = -2;
				break;
			}
			*pte2 = hpa | attrs | PTE_BLOCK;
			gpa += 2ul << 20, hpa += 2ul << 20, size -= 2ul << 20;
			continue;
		}
		uint64_t *l3 = s2_next(s2, pte2, &err);
		if (!l3)
			break;
		if (l3[gpa >> 12 & 511] & PTE_VALID) {
			err = -2;
			break;
		}
		l3[gpa >> 12 & 511] = hpa | attrs | PTE_TABLE;
		gpa += PAGE_SIZE, hpa += PAGE_SIZE, size -= PAGE_SIZE;
	}
	/* All or nothing: what this call mapped goes again (tables made
	 * for it stay, empty, until stage2_destroy). Nothing mapped it can
	 * have been used: the guest has not run on it. */
	if (err && gpa > start)
		stage2_unmap(s2, start, gpa - start);
	dsb(ishst);
	return err;
}

static void s2_free_level(uint64_t *table, int level)
{
	for (int i = 0; level < 3 && i < 512; i++)
		if ((table[i] & 3) == PTE_TABLE)
			s2_free_level(pa_to_ptr(table[i] & PTE_ADDR_MASK),
				      level + 1);
	page_free(ptr_to_pa(table), 1);
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2->root)
		return;
	s2_free_level(pa_to_ptr(s2->root), 1);
	s2->root = 0;
	s2->table_pages = 0;
}

/* x86_64 nested page tables: the host's 4-level long-mode format walked
 * with guest-physical addresses (APM 15.25), 2 MiB pages where both
 * addresses and the remaining size allow, 4 KiB pages elsewhere. Every
 * entry has U set: nested paging treats every guest access as a user
 * one. Device regions are uncached (PCD, PWT); a region without X is NX. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/stage2.h>

#define NPT_P     (1ull << 0)
#define NPT_RW    (1ull << 1)
#define NPT_US    (1ull << 2)
#define NPT_PWT   (1ull << 3)
#define NPT_PCD   (1ull << 4)
#define NPT_A     (1ull << 5)
#define NPT_D     (1ull << 6)
#define NPT_PS    (1ull << 7)
#define NPT_NX    (1ull << 63)
#define NPT_ADDR  0x000ffffffffff000ull
#define NPT_TABLE (NPT_P | NPT_RW | NPT_US | NPT_A)
#define MEGA      (2ull << 20)
#define GPA_BITS  48

uint64_t stage2_limit(void)
{
	return 1ull << GPA_BITS;
}

int stage2_init(struct stage2 *s2)
{
	s2->root = page_alloc(1, PAGE_SIZE);
	s2->table_pages = s2->root ? 1 : 0;
	return s2->root ? 0 : -1;
}

static uint64_t npt_leaf(paddr_t hpa, unsigned perms, bool big)
{
	uint64_t e = hpa | NPT_P | NPT_US | NPT_A;

	/* Nested paging has no write-only or execute-only pages: any
	 * access allowed makes the page present (readable). */
	if (perms & S2_WRITE)
		e |= NPT_RW | NPT_D;
	if (!(perms & S2_EXEC) || (perms & S2_DEVICE))
		e |= NPT_NX;
	if (perms & S2_DEVICE)
		e |= NPT_PCD | NPT_PWT;
	if (big)
		e |= NPT_PS;
	return e;
}

static bool is_table(uint64_t e)
{
	return (e & NPT_P) && !(e & NPT_PS);
}

static uint64_t *npt_table(uint64_t e)
{
	return pa_to_ptr(e & NPT_ADDR);
}

/* The table under *e, made if absent; NULL without memory (*err -1) or
 * when a large page is in the way (*err -2). */
static uint64_t *npt_next(struct stage2 *s2, uint64_t *e, int *err)
{
	if (!(*e & NPT_P)) {
		paddr_t t = page_alloc(1, PAGE_SIZE);
		if (!t) {
			*err = -1;
			return NULL;
		}
		s2->table_pages++;
		*e = t | NPT_TABLE;
	}
	if (!is_table(*e)) {
		*err = -2;
		return NULL;
	}
	return npt_table(*e);
}

static unsigned idx(gpaddr_t gpa, unsigned level)
{
	return (unsigned)(gpa >> (12 + 9 * level)) & 511;
}

/* The leaf that maps 'gpa' (a 2 MiB or 4 KiB entry), or NULL. */
static uint64_t *npt_leaf_of(const struct stage2 *s2, gpaddr_t gpa, bool *big)
{
	uint64_t *t = pa_to_ptr(s2->root);

	for (unsigned level = 3; level >= 2; level--) {
		uint64_t e = t[idx(gpa, level)];
		if (!is_table(e))
			return NULL;
		t = npt_table(e);
	}
	uint64_t *pd = &t[idx(gpa, 1)];
	*big = (*pd & NPT_P) && (*pd & NPT_PS);
	if (*big)
		return pd;
	if (!is_table(*pd))
		return NULL;
	return &npt_table(*pd)[idx(gpa, 0)];
}

int stage2_unmap(struct stage2 *s2, gpaddr_t gpa, uint64_t size)
{
	if (gpa + size > stage2_limit() || gpa + size < gpa ||
	    !IS_ALIGNED(gpa | size, PAGE_SIZE))
		return -1;
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool big = false;
		uint64_t *e = npt_leaf_of(s2, a, &big);
		if (e && big && (!IS_ALIGNED(a, MEGA) || gpa + size - a < MEGA))
			return -1;
		a += e && big ? MEGA : PAGE_SIZE;
	}
	for (gpaddr_t a = gpa; a < gpa + size;) {
		bool big = false;
		uint64_t *e = npt_leaf_of(s2, a, &big);
		if (e)
			*e = 0;
		a += e && big ? MEGA : PAGE_SIZE;
	}
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
		for (unsigned level = 3; level >= 2 && t; level--)
			t = npt_next(s2, &t[idx(gpa, level)], &err);
		if (!t)
			break;
		uint64_t *pd = &t[idx(gpa, 1)];
		if (IS_ALIGNED(gpa | hpa, MEGA) && size >= MEGA) {
			if (*pd & NPT_P) {
				err = -2;
				break;
			}
			*pd = npt_leaf(hpa, perms, true);
			gpa += MEGA, hpa += MEGA, size -= MEGA;
			continue;
		}
		uint64_t *pt = npt_next(s2, pd, &err);
		if (!pt)
			break;
		if (pt[idx(gpa, 0)] & NPT_P) {
			err = -2;
			break;
		}
		pt[idx(gpa, 0)] = npt_leaf(hpa, perms, false);
		gpa += PAGE_SIZE, hpa += PAGE_SIZE, size -= PAGE_SIZE;
	}
	/* All or nothing: what this call mapped goes again (tables made for
	 * it stay, empty, until stage2_destroy). */
	if (err && gpa > start)
		stage2_unmap(s2, start, gpa - start);
	return err;
}

static void npt_free_level(uint64_t *t, unsigned level)
{
	for (unsigned i = 0; level > 0 && i < 512; i++)
		if (is_table(t[i]))
			npt_free_level(npt_table(t[i]), level - 1);
	page_free(ptr_to_pa(t), 1);
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2->root)
		return;
	npt_free_level(pa_to_ptr(s2->root), 3);
	s2->root = 0;
	s2->table_pages = 0;
}

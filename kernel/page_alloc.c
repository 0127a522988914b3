/* Bitmap page allocator: one bit per 4 KiB page of one RAM range. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/poison.h>
#include <kernel/spinlock.h>
#include <string.h>

#define MAX_PAGES (4ul << 30 >> PAGE_SHIFT) /* up to 4 GiB of RAM */

static uint64_t bitmap[MAX_PAGES / 64]; /* 1 = used */
static paddr_t ram_base;
static size_t ram_pages;
static size_t free_pages;
static size_t search_hint;
static spinlock_t page_lock = SPINLOCK_INIT;

static bool page_used(size_t i)
{
	return bitmap[i / 64] >> (i % 64) & 1;
}

static void page_mark(size_t i, bool used)
{
	if (used)
		bitmap[i / 64] |= 1ull << (i % 64);
	else
		bitmap[i / 64] &= ~(1ull << (i % 64));
}

void page_alloc_init(paddr_t base, uint64_t size)
{
	ram_base = base;
	ram_pages = MIN(size >> PAGE_SHIFT, MAX_PAGES);
	memset(bitmap, 0xff, sizeof(bitmap));
	free_pages = 0;
}

void page_alloc_add_free(paddr_t pa, uint64_t size)
{
	paddr_t start = ALIGN_UP(pa, PAGE_SIZE);
	paddr_t end = ALIGN_DOWN(pa + size, PAGE_SIZE);

	for (paddr_t p = start; p < end; p += PAGE_SIZE) {
		size_t i = (p - ram_base) >> PAGE_SHIFT;
		if (p < ram_base || i >= ram_pages || !page_used(i))
			continue;
		mem_poison(pa_to_ptr(p), PAGE_SIZE);
		page_mark(i, false);
		free_pages++;
	}
}

static bool range_to_pages(paddr_t pa, uint64_t size, size_t *first,
			   size_t *count)
{
	if (pa < ram_base || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE))
		return false;
	*first = (pa - ram_base) >> PAGE_SHIFT;
	*count = size >> PAGE_SHIFT;
	return *first < ram_pages && *count <= ram_pages - *first;
}

bool page_alloc_in_ram(paddr_t pa, uint64_t size)
{
	size_t first, count;

	return range_to_pages(pa, size, &first, &count);
}

paddr_t page_alloc_ram_end(void)
{
	return ram_base + ((paddr_t)ram_pages << PAGE_SHIFT);
}

bool page_alloc_claim(paddr_t pa, uint64_t size)
{
	size_t first, count;
	bool ok = true;

	if (!range_to_pages(pa, size, &first, &count))
		return false;
	spin_lock(&page_lock);
	for (size_t i = first; i < first + count && ok; i++)
		ok = !page_used(i);
	if (ok) {
		for (size_t i = first; i < first + count; i++)
			page_mark(i, true);
		free_pages -= count;
		mem_unpoison(pa_to_ptr(pa), size);
	}
	spin_unlock(&page_lock);
	return ok;
}

/* First fit from the hint, aligned; wraps around once. */
static size_t find_run(size_t count, size_t align_pages)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t i = pass ? 0 : search_hint;
		size_t base_idx = (size_t)(ram_base >> PAGE_SHIFT);
		i = ALIGN_UP(i + base_idx, align_pages) - base_idx;
		while (i + count <= ram_pages) {
			size_t n = 0;
			while (n < count && !page_used(i + n))
				n++;
			if (n == count)
				return i;
			i = ALIGN_UP(i + n + 1 + base_idx, align_pages) -
			    base_idx;
		}
	}
	return SIZE_MAX;
}

paddr_t page_alloc_unzeroed(size_t count, size_t align)
{
	size_t align_pages = MAX(align, PAGE_SIZE) >> PAGE_SHIFT;

	if (!count || count > ram_pages)
		return 0;
	spin_lock(&page_lock);
	size_t i = count > free_pages ? SIZE_MAX : find_run(count, align_pages);
	if (i != SIZE_MAX) {
		for (size_t n = 0; n < count; n++)
			page_mark(i + n, true);
		free_pages -= count;
		search_hint = i + count;
	}
	spin_unlock(&page_lock);
	if (i == SIZE_MAX)
		return 0;
	paddr_t pa = ram_base + ((paddr_t)i << PAGE_SHIFT);
	mem_unpoison(pa_to_ptr(pa), count << PAGE_SHIFT);
	return pa;
}

paddr_t page_alloc(size_t count, size_t align)
{
	paddr_t pa = page_alloc_unzeroed(count, align);

	if (pa)
		memset(pa_to_ptr(pa), 0, count << PAGE_SHIFT);
	return pa;
}

void page_free(paddr_t pa, size_t count)
{
	size_t first, n;

	BUG_ON(!range_to_pages(pa, (uint64_t)count << PAGE_SHIFT, &first, &n));
	spin_lock(&page_lock);
	mem_poison(pa_to_ptr(pa), n << PAGE_SHIFT);
	for (size_t i = first; i < first + n; i++) {
		BUG_ON(!page_used(i));
		page_mark(i, false);
	}
	free_pages += n;
	if (first < search_hint)
		search_hint = first;
	spin_unlock(&page_lock);
}

size_t page_alloc_free_count(void)
{
	return free_pages;
}

size_t page_alloc_total_count(void)
{
	return ram_pages;
}

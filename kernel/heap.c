/* A small-object heap: power-of-two size classes carved from pages, each
 * object preceded by a header that names its class. Large objects take
 * whole pages. Enough for VM and device structures; guest RAM and page
 * tables use page_alloc() directly. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/poison.h>
#include <kernel/spinlock.h>
#include <string.h>

#define HEAP_MIN_SHIFT 5  /* 32 bytes */
#define HEAP_MAX_SHIFT 11 /* 2 KiB */
#define HEAP_CLASSES   (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_LARGE     0xffffu

struct heap_hdr {
	uint32_t cls;   /* size class, or HEAP_LARGE */
	uint32_t pages; /* for large objects */
	uint64_t pad;   /* keeps objects 16-byte aligned */
};

struct heap_free {
	struct heap_free *next;
};

static struct heap_free *free_lists[HEAP_CLASSES];
static size_t heap_cached; /* bytes on the free lists */
static spinlock_t heap_lock = SPINLOCK_INIT;

static bool heap_refill(unsigned cls)
{
	size_t obj = 1ul << (cls + HEAP_MIN_SHIFT);
	paddr_t pa = page_alloc(1, PAGE_SIZE);

	if (!pa)
		return false;
	char *page = pa_to_ptr(pa);
	for (size_t off = 0; off + obj <= PAGE_SIZE; off += obj) {
		struct heap_free *f = (struct heap_free *)(page + off);
		f->next = free_lists[cls];
		free_lists[cls] = f;
		mem_poison(f + 1, obj - sizeof(*f));
	}
	heap_cached += PAGE_SIZE;
	return true;
}

static void *heap_alloc_large(size_t total)
{
	size_t pages = ALIGN_UP(total, PAGE_SIZE) >> PAGE_SHIFT;
	paddr_t pa = page_alloc(pages, PAGE_SIZE);

	if (!pa)
		return NULL;
	struct heap_hdr *h = pa_to_ptr(pa);
	h->cls = HEAP_LARGE;
	h->pages = (uint32_t)pages;
	return h + 1;
}

void *kzalloc(size_t size)
{
	size_t total = size + sizeof(struct heap_hdr);
	unsigned cls = 0;

	if (size > (1ul << 30))
		return NULL;
	if (total > (1ul << HEAP_MAX_SHIFT))
		return heap_alloc_large(total);
	while ((1ul << (cls + HEAP_MIN_SHIFT)) < total)
		cls++;
	spin_lock(&heap_lock);
	if (!free_lists[cls] && !heap_refill(cls)) {
		spin_unlock(&heap_lock);
		return NULL;
	}
	struct heap_hdr *h = (struct heap_hdr *)free_lists[cls];
	free_lists[cls] = free_lists[cls]->next;
	heap_cached -= 1ul << (cls + HEAP_MIN_SHIFT);
	spin_unlock(&heap_lock);
	mem_unpoison(h, 1ul << (cls + HEAP_MIN_SHIFT));
	memset(h, 0, 1ul << (cls + HEAP_MIN_SHIFT));
	h->cls = cls;
	return h + 1;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct heap_hdr *h = (struct heap_hdr *)p - 1;
	if (h->cls == HEAP_LARGE) {
		page_free(ptr_to_pa(h), h->pages);
		return;
	}
	/* Read before the free-list link overwrites the header: the two
	 * share the object's first bytes. */
	unsigned cls = h->cls;
	BUG_ON(cls >= HEAP_CLASSES);
	struct heap_free *f = (struct heap_free *)h;
	spin_lock(&heap_lock);
	f->next = free_lists[cls];
	free_lists[cls] = f;
	heap_cached += 1ul << (cls + HEAP_MIN_SHIFT);
	mem_poison(f + 1, (1ul << (cls + HEAP_MIN_SHIFT)) - sizeof(*f));
	spin_unlock(&heap_lock);
}

size_t heap_footprint(size_t size)
{
	size_t total = size + sizeof(struct heap_hdr);

	if (total > (1ul << HEAP_MAX_SHIFT))
		return ALIGN_UP(total, PAGE_SIZE);
	size_t obj = 1ul << HEAP_MIN_SHIFT;
	while (obj < total)
		obj <<= 1;
	return obj;
}

size_t mm_used_bytes(void)
{
	spin_lock(&heap_lock);
	size_t used = (page_alloc_total_count() - page_alloc_free_count()) *
			      PAGE_SIZE -
		      heap_cached;
	spin_unlock(&heap_lock);
	return used;
}

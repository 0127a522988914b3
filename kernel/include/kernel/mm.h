/* Physical pages and the heap.
 *
 * Pages come from a bitmap over the host's RAM: simple, and it serves
 * contiguous runs with any alignment (guest RAM, page tables, stacks) and
 * lets exact ranges be reserved (MAP_IDENTICAL guest memory). */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/types.h>

void page_alloc_init(paddr_t base, uint64_t size);
/* Marks [pa, pa+size) free (RAM) or used (cvisor's image, firmware). */
void page_alloc_add_free(paddr_t pa, uint64_t size);
/* Claims exactly [pa, pa+size); false if any page of it is not free. */
bool page_alloc_claim(paddr_t pa, uint64_t size);
/* Whether [pa, pa+size) (page-aligned) lies in the RAM the allocator
 * manages, used or not; and where that RAM ends. */
bool page_alloc_in_ram(paddr_t pa, uint64_t size);
paddr_t page_alloc_ram_end(void);
/* 'count' contiguous zeroed pages aligned to 'align' bytes, or 0. */
paddr_t page_alloc(size_t count, size_t align);
/* The same, not zeroed: for memory whose user zeroes it as it goes
 * (guest RAM, vmm/addrspace.c), which must not read it first. */
paddr_t page_alloc_unzeroed(size_t count, size_t align);
void page_free(paddr_t pa, size_t count);
size_t page_alloc_free_count(void);
size_t page_alloc_total_count(void);

/* Small objects; zeroed. NULL when out of memory. */
void *kzalloc(size_t size);
void kfree(void *p);
/* The bytes an object of 'size' holds in the heap, header included. */
size_t heap_footprint(size_t size);

/* Memory in use: pages taken, less what the heap holds unused. Equal
 * before a VM is created and after it is gone, when nothing leaks. */
size_t mm_used_bytes(void);

#endif

/* Basic types and helpers used everywhere in cvisor. */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS 8

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)

typedef uint64_t paddr_t;  /* host-physical address */
typedef uint64_t gpaddr_t; /* guest-physical address */
typedef uintptr_t vaddr_t; /* host-virtual address */

#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((a)-1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define container_of(p, type, member) \
	((type *)((char *)(p)-offsetof(type, member)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* The hypervisor runs identity-mapped: host-virtual equals host-physical. */
static inline void *pa_to_ptr(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}
static inline paddr_t ptr_to_pa(const void *p)
{
	return (paddr_t)(uintptr_t)p;
}

#endif

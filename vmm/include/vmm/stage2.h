/* The arch's second-stage translation (aarch64 stage 2, riscv64 G-stage,
 * x86_64 NPT) behind one interface. Implemented in vmm/arch/<ARCH>/. */
#ifndef VMM_STAGE2_H
#define VMM_STAGE2_H

#include <kernel/types.h>

#define S2_READ   0x1
#define S2_WRITE  0x2
#define S2_EXEC   0x4
#define S2_DEVICE 0x8

struct stage2 {
	paddr_t root;
	size_t table_pages; /* pages used by the tables */
};

/* Allocates an empty root; -1 without memory. */
int stage2_init(struct stage2 *s2);
/* Maps [gpa, gpa+size) to [hpa, ...) with S2_* permissions, using the
 * largest blocks alignment allows. All or nothing: -1 without memory or
 * when the range is beyond the guest address size, -2 when part of it is
 * mapped already; either way nothing of it is left mapped (what was
 * mapped before the call stays). Both ends must be page-aligned. */
int stage2_map(struct stage2 *s2, gpaddr_t gpa, paddr_t hpa, uint64_t size,
	       unsigned perms);
/* Removes every mapping in [gpa, gpa+size) (holes are fine). -1, with
 * nothing changed, when the range is not page-aligned or cuts a block
 * mapping. The caller then invalidates the VM's TLB entries
 * (vm_arch_flush_stage2) before reusing the memory. */
int stage2_unmap(struct stage2 *s2, gpaddr_t gpa, uint64_t size);
/* Frees every table. */
void stage2_destroy(struct stage2 *s2);
/* Largest guest-physical address + 1 the tables can map. */
uint64_t stage2_limit(void);

#endif

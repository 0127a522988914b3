/* aarch64's stage-2 entries, shared by stage2.c (the tables, pure C, also
 * run on the host arch) and stage2_trap.c (what needs the CPU's TLB). */
#ifndef VMM_AARCH64_STAGE2_PTE_H
#define VMM_AARCH64_STAGE2_PTE_H

#include <vmm/stage2.h>

#define S2_IPA_BITS        39
#define PTE_VALID          1ull
#define PTE_TABLE          3ull /* level 1-2 table, level 3 page */
#define PTE_BLOCK          1ull
#define PTE_ADDR_MASK      0x0000fffffffff000ull
#define PTE_MEMATTR_NORMAL (0xfull << 2) /* outer+inner write-back */
#define PTE_MEMATTR_DEVICE (0x1ull << 2) /* Device-nGnRE */
#define PTE_S2AP_R         (1ull << 6)
#define PTE_S2AP_W         (1ull << 7)
#define PTE_SH_INNER       (3ull << 8)
#define PTE_AF             (1ull << 10)
#define PTE_XN             (2ull << 53) /* XN[1:0] = 0b10: no execution */

/* The entry that maps 'gpa' (a level-2 block or a level-3 page), or
 * NULL; '*block' says which. */
uint64_t *stage2_leaf(const struct stage2 *s2, gpaddr_t gpa, bool *block);

#endif

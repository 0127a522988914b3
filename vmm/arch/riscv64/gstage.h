/* riscv64's G-stage entries (stage2.c) and hgatp (vm_arch.c). */
#ifndef VMM_RISCV64_GSTAGE_H
#define VMM_RISCV64_GSTAGE_H

#include <stdint.h>

#define GSTAGE_ROOT_PAGES 4 /* 16 KiB, 16 KiB aligned, in every mode */
#define HGATP_MODE_SHIFT  60
#define HGATP_MODE_SV39X4 8ull
#define HGATP_MODE_SV48X4 9ull
#define HGATP_VMID_SHIFT  44

#define PTE_V         (1ull << 0)
#define PTE_R         (1ull << 1)
#define PTE_W         (1ull << 2)
#define PTE_X         (1ull << 3)
#define PTE_U         (1ull << 4)
#define PTE_A         (1ull << 6)
#define PTE_D         (1ull << 7)
#define PTE_PPN_SHIFT 10

/* The G-stage format every VM gets, chosen once before the first VM
 * (vmm_arch_init): HGATP_MODE_SV48X4 (4 levels, 50-bit guest-physical
 * addresses) or HGATP_MODE_SV39X4 (3 levels, 41 bits). */
void gstage_set_mode(uint64_t hgatp_mode);
uint64_t gstage_mode(void);
const char *gstage_mode_name(void);

#endif

/* riscv64's G-stage entries (stage2.c) and hgatp (vm_arch.c). */
#ifndef VMM_RISCV64_GSTAGE_H
#define VMM_RISCV64_GSTAGE_H

#define GSTAGE_GPA_BITS   41 /* Sv39x4 */
#define GSTAGE_ROOT_PAGES 4  /* 16 KiB, 16 KiB aligned */
#define HGATP_MODE_SV39X4 (8ull << 60)
#define HGATP_VMID_SHIFT  44

#define PTE_V         (1ull << 0)
#define PTE_R         (1ull << 1)
#define PTE_W         (1ull << 2)
#define PTE_X         (1ull << 3)
#define PTE_U         (1ull << 4)
#define PTE_A         (1ull << 6)
#define PTE_D         (1ull << 7)
#define PTE_PPN_SHIFT 10

#endif

/* The HS-mode Sv39 identity map, 1 GiB pages. The first GiB holds QEMU
 * virt's devices (read/write, not executable); RAM is read/write/execute.
 * Without Svpbmt the memory types come from the platform's PMAs, so
 * devices need no attribute bits here. */
#include <kernel/log.h>
#include "riscv64.h"

#define PTE_V         (1ull << 0)
#define PTE_R         (1ull << 1)
#define PTE_W         (1ull << 2)
#define PTE_X         (1ull << 3)
#define PTE_G         (1ull << 5)
#define PTE_A         (1ull << 6)
#define PTE_D         (1ull << 7)
#define PTE_PPN_SHIFT 10

#define SATP_MODE_SV39 (8ull << 60)
#define GIB            (1ull << 30)

/* Sv39's root table: each entry maps 1 GiB of the 512 GiB space. */
static uint64_t sv39_root[512] __attribute__((aligned(4096)));

static uint64_t mmu_gib_pte(uint64_t gb, uint64_t perms)
{
	return (gb * GIB >> PAGE_SHIFT) << PTE_PPN_SHIFT | perms | PTE_V |
	       PTE_A | PTE_D | PTE_G;
}

void arch_mmu_build(paddr_t ram_base, paddr_t ram_end)
{
	sv39_root[0] = mmu_gib_pte(0, PTE_R | PTE_W);
	for (uint64_t gb = ALIGN_DOWN(ram_base, GIB) / GIB;
	     gb < 512 && gb * GIB < ram_end; gb++)
		sv39_root[gb] = mmu_gib_pte(gb, PTE_R | PTE_W | PTE_X);
	__asm__ volatile("fence rw, rw" ::: "memory");
}

void arch_mmu_enable(void)
{
	uint64_t satp = SATP_MODE_SV39 | ptr_to_pa(sv39_root) >> PAGE_SHIFT;

	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
	csr_write(satp, satp);
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
	if (csr_read(satp) != satp)
		panic("this hart does not implement Sv39");
}

/* CSR access on riscv64, for hal/riscv64 and vmm/arch/riscv64. */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

#include <stdint.h>

#define csr_read(csr)                                                     \
	({                                                                \
		uint64_t __v;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory"); \
		__v;                                                      \
	})
#define csr_write(csr, v) \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_swap(csr, v)                                  \
	({                                                \
		uint64_t __v;                             \
		__asm__ volatile("csrrw %0, " #csr ", %1" \
				 : "=r"(__v)              \
				 : "rK"((uint64_t)(v))    \
				 : "memory");             \
		__v;                                      \
	})

#endif

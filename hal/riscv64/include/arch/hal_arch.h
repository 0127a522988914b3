/* riscv64 parts of the hal interface that must be inline or sized. */
#ifndef ARCH_HAL_ARCH_H
#define ARCH_HAL_ARCH_H

#include <stdint.h>

/* Callee-saved state of a task (LP64 psABI): ra, sp and s0-s11. */
struct hal_context {
	uint64_t ra;
	uint64_t sp;
	uint64_t s[12];
};

struct percpu_arch {
	uint64_t hartid;
};

/* Host interrupt ids. The local interrupts keep their scause code
 * (1 supervisor software = the kick IPI, 5 supervisor timer); PLIC source
 * n will be id 16 + n once the PLIC driver exists (n < 1007). */
#define HAL_IRQ_NONE      1023u
#define HAL_IPI_IRQ       1u
#define HAL_TIMER_IRQ     5u
#define HAL_PLIC_IRQ_BASE 16u

/* The yield tick being handled (hal_irqchip_ack() to _eoi()) keeps this
 * hart's turn: for an interrupt that is already waiting here, such as a
 * guest's whose deadline has passed. Under QEMU 7.2's -icount round robin
 * giving the turn away then lets the other hart run on to the next
 * deadline of any hart's, with this one's interrupt waiting. */
void arch_irq_yield_cancel(void);

/* Whether S-mode may use stimecmp (Sstc, with M-mode's menvcfg.STCE and
 * mcounteren.TM), probed at boot: the host timer's deadlines are written
 * there, and on a hart with H, HS-mode may use vstimecmp too. */
bool arch_timer_sstc(void);

/* The per-CPU pointer lives in tp while cvisor runs in HS-mode: the psABI
 * reserves tp for thread-local storage, which cvisor never uses, so the
 * compiler leaves it alone and reading it costs one move. (When guests
 * run, their tp is swapped with sscratch on entry and exit.) */
static inline void *hal_get_percpu(void)
{
	void *p;

	__asm__ volatile("mv %0, tp" : "=r"(p));
	return p;
}

/* Device registers and DMA ordering (see hal.h). */
static inline uint32_t hal_mmio_read32(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

static inline void hal_mmio_write32(volatile void *addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

static inline uint16_t hal_mmio_read16(const volatile void *addr)
{
	return *(const volatile uint16_t *)addr;
}

static inline void hal_mmio_write16(volatile void *addr, uint16_t value)
{
	*(volatile uint16_t *)addr = value;
}

static inline uint8_t hal_mmio_read8(const volatile void *addr)
{
	return *(const volatile uint8_t *)addr;
}

static inline void hal_mmio_write8(volatile void *addr, uint8_t value)
{
	*(volatile uint8_t *)addr = value;
}

static inline void hal_dma_mb(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

#endif

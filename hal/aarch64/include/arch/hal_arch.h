/* aarch64 parts of the hal interface that must be inline or sized. */
#ifndef ARCH_HAL_ARCH_H
#define ARCH_HAL_ARCH_H

#include <stdint.h>

/* Callee-saved state of a task (AAPCS64): x19-x30 and sp. */
struct hal_context {
	uint64_t x19_x30[12];
	uint64_t sp;
};

struct percpu_arch {
	uint64_t mpidr;
};

#define HAL_IRQ_NONE  1023u /* GIC spurious id */
#define HAL_IPI_IRQ   1u    /* SGI 1 kicks a CPU */
#define HAL_TIMER_IRQ 26u   /* EL2 physical timer (CNTHP) PPI */

/* The host GIC's architecture version: 2 or 3. */
unsigned hal_gic_version(void);

static inline void *hal_get_percpu(void)
{
	void *p;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
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
	__asm__ volatile("dsb sy" ::: "memory");
}

#endif

/* The host arch's machine (hal/sim/sim.c), for the unit tests of the core: cvisor's kernel
 * and generic VMM run as an ordinary program, several simulated CPUs
 * taking turns on one thread, their tasks as ucontext fibers. */
#ifndef ARCH_HAL_ARCH_H
#define ARCH_HAL_ARCH_H

#include <stdint.h>
#include <ucontext.h>

struct hal_context {
	ucontext_t uc;
	void (*entry)(void *); /* a new task's */
	void *arg;
};

struct percpu_arch {
	int unused;
};

#define HAL_IRQ_NONE  1023u
#define HAL_IPI_IRQ   1u
#define HAL_TIMER_IRQ 26u

/* The simulated CPU running now. */
extern void *sim_percpu;

static inline void *hal_get_percpu(void)
{
	return sim_percpu;
}

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
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif

/* x86_64 parts of the hal interface that must be inline or sized. */
#ifndef ARCH_HAL_ARCH_H
#define ARCH_HAL_ARCH_H

#include <stdint.h>

/* Callee-saved state of a task (System V AMD64 ABI): rbx, rbp, r12-r15,
 * the stack pointer and where to resume. */
struct hal_context {
	uint64_t rbx, rbp, r12, r13, r14, r15;
	uint64_t rsp;
	uint64_t rip;
};

/* GS base points at this block inside the CPU's struct percpu; its first
 * word points back at the struct percpu, so hal_get_percpu() is one
 * gs-relative load (see hal_set_percpu in cpu.c). */
struct percpu_arch {
	void *self;
	uint32_t apic_id;
};

/* Interrupt ids are IDT vectors. The LAPIC prioritises by vector / 16. */
#define HAL_IRQ_NONE  0xffffu
#define HAL_TIMER_IRQ 0xecu /* LAPIC timer (one-shot or TSC-deadline) */
#define HAL_IPI_IRQ   0xf0u /* fixed IPI that kicks a CPU */
/* A host IOAPIC pin (GSI) forwarded to a VM: pin n is interrupt id
 * HAL_GSI_IRQ_BASE + n, delivered at that vector, and masked and
 * unmasked by hal_irqchip_disable() and hal_irqchip_enable(). */
#define HAL_GSI_IRQ_BASE 0x40u
#define HAL_GSI_COUNT    24u

/* Whether host GSI 'gsi' can be given to a VM: 0 yes, -1 no such pin,
 * -2 cvisor's own (COM1's). */
int hal_x86_gsi_check(unsigned gsi);
/* Sets a forwarded GSI's trigger mode and polarity, which only its
 * device (and the guest driving it) knows; its mask and target stay. */
void hal_x86_gsi_mode(unsigned gsi, _Bool level, _Bool active_low);
_Bool hal_x86_gsi_level(unsigned gsi);

static inline void *hal_get_percpu(void)
{
	void *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
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
	__asm__ volatile("mfence" ::: "memory");
}

#endif

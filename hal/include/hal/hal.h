/* The architecture interface: what kernel/ and vmm/ ask of hal/<ARCH>/.
 *
 * Every ARCH implements each function here the same way; nothing above the
 * hal has #ifdef ARCH. Unless a comment says otherwise, a function acts on
 * the calling CPU and may be called with interrupts masked. */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include <kernel/types.h>
#include <arch/hal_arch.h>

/* ---- boot and platform ---- */

#define HAL_MAX_RAM_RANGES 8

struct hal_boot_info {
	struct {
		paddr_t base;
		uint64_t size;
	} ram[HAL_MAX_RAM_RANGES];
	unsigned ram_count;
	paddr_t image_start, image_end; /* cvisor's own image */
	unsigned cpu_count;             /* CPUs the platform describes */
	uint64_t cpu_hwid[MAX_CPUS];    /* MPIDR / hart id / APIC id */
	const char *platform;           /* a name for the banner */
};

/* Called once on the boot CPU, before anything else: fills *info from the
 * firmware's hand-off (DTB, Multiboot info). Console works afterwards. */
void hal_early_init(struct hal_boot_info *info);

/* The host's device tree (for drivers that find devices in it), or NULL
 * on platforms described otherwise (x86_64: ACPI). */
const void *hal_host_dtb(void);

/* Starts CPU 'cpu' (index into cpu_hwid) at kernel_secondary_entry().
 * Returns 0 or a negative error from the firmware. */
int hal_cpu_start(unsigned cpu, uint64_t hwid);

/* Per-CPU set-up run on each CPU (boot CPU included) once its per-CPU
 * pointer is installed: exception vectors, MMU, timer, local interrupts. */
void hal_cpu_init(unsigned cpu);

/* Powers the machine off (status 0) or resets it. Never returns. */
void hal_system_off(void) __attribute__((noreturn));
void hal_system_reset(void) __attribute__((noreturn));

/* ---- CPU ---- */

/* Installs the per-CPU data pointer for this CPU (hal_get_percpu() reads
 * it back, inline in <arch/hal_arch.h>). */
void hal_set_percpu(void *p);

void hal_irq_enable(void);
void hal_irq_disable(void);
/* Waits for an interrupt with interrupts masked; it is taken (as a pending
 * host interrupt) once the caller unmasks. */
void hal_wait_for_interrupt(void);
void hal_cpu_relax(void);

/* ---- device access ----
 * hal_mmio_read32/write32, read16/write16, read8/write8 (inline, in
 * <arch/hal_arch.h>): one access of that width to a device register. hal_dma_mb() (inline too): every memory
 * access before it (RAM or device) is visible to devices before any
 * after it; drivers put it between filling a DMA ring and notifying the
 * device, and between seeing the device's answer and reading its data. */

/* The host's PCI configuration space: the 32-bit register at 'off' (a
 * multiple of 4) of bus 'bus', device 'dev', function 'fn'. Where the
 * HAL knows no PCI host (aarch64, riscv64 so far) reads give all ones,
 * as an absent device's do, and writes go nowhere. Boot CPU, at set-up. */
uint32_t hal_pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off);
void hal_pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off,
		     uint32_t value);

/* ---- console (the host's UART) ---- */

void hal_console_putc(char c);
/* A character from the console, or -1 when none is waiting. */
int hal_console_getc(void);
/* Turns on the console's receive interrupt at the UART and returns its
 * host interrupt id (the caller registers a handler and enables it at the
 * interrupt controller), or HAL_IRQ_NONE when this platform's console has
 * none. Boot CPU, once, after hal_irqchip_init(). The handler drains
 * hal_console_getc(); the interrupt drops once the UART is empty. */
unsigned hal_console_rx_irq(void);

/* ---- host interrupt controller ---- */

void hal_irqchip_init(void);     /* boot CPU, global part */
void hal_irqchip_cpu_init(void); /* each CPU, its local part */
void hal_irqchip_enable(unsigned irq, unsigned cpu);
void hal_irqchip_disable(unsigned irq);
/* Acknowledges the highest-priority pending interrupt: its id, or
 * HAL_IRQ_NONE. hal_irqchip_eoi() ends its handling. */
unsigned hal_irqchip_ack(void);
void hal_irqchip_eoi(unsigned irq);
/* Sends the kick IPI (HAL_IPI_IRQ) to 'cpu'. */
void hal_irqchip_send_ipi(unsigned cpu);

/* ---- timer ---- */

uint64_t hal_timer_now(void);  /* monotonic ticks */
uint64_t hal_timer_freq(void); /* ticks per second */
/* Fires HAL_TIMER_IRQ on this CPU at 'deadline' (in ticks). */
void hal_timer_set_deadline(uint64_t deadline);
void hal_timer_stop(void);

/* ---- task context switch ---- */

/* Saves the callee-saved state of the current task into *from and resumes
 * *to. A new context starts at entry(arg) on 'stack_top'. */
void hal_context_switch(struct hal_context *from, struct hal_context *to);
void hal_context_init(struct hal_context *ctx, void *stack_top,
		      void (*entry)(void *), void *arg);

#endif

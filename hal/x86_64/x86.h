/* Internal interface between the files of hal/x86_64. */
#ifndef HAL_X86_H
#define HAL_X86_H

#include <hal/hal.h>
#include <kernel/types.h>
#include "x86_defs.h"

/* ---- instructions ---- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint32_t mmio_read32(paddr_t pa)
{
	return *(volatile uint32_t *)pa_to_ptr(pa);
}

static inline void mmio_write32(paddr_t pa, uint32_t v)
{
	*(volatile uint32_t *)pa_to_ptr(pa) = v;
}

/* ---- what the firmware's tables told us (acpi.c) ---- */

struct x86_platform {
	paddr_t lapic_base;
	paddr_t ioapic_base; /* 0: none found */
	uint16_t pm1a_cnt;   /* ACPI PM1a control port */
	uint32_t pm_timer;   /* ACPI PM timer port, 0: none */
	uint32_t com1_gsi; /* COM1's ISA IRQ 4 at the IOAPIC (MADT overrides) */
	uint16_t com1_flags; /* its MPS INTI flags: polarity, trigger */
};

/* COM1's receive interrupt, routed through the IOAPIC (the console). */
#define X86_COM1_VECTOR 0x34u

extern struct x86_platform x86_platform;

/* Reads the MADT (CPUs, LAPIC, IOAPIC) and FADT (power ports); the boot
 * CPU ('bsp_apic_id') becomes cpu_hwid[0]. False without usable tables. */
bool x86_acpi_scan(struct hal_boot_info *info, uint32_t bsp_apic_id);

/* ---- the rest ---- */

void x86_uart_init(void);
void x86_idt_init(void);
void x86_idt_load(void);
/* Maps RAM up to 'end' above the boot map's 4 GiB; returns the end that
 * is mapped (it may be lower when the page-table pool runs out). */
paddr_t x86_mmu_map_ram(paddr_t end);
/* Unmaps page 0 (boot CPU, once the BIOS data area has been read). */
void x86_mmu_unmap_page0(void);

uint32_t x86_lapic_id(void);
void x86_lapic_cpu_setup(void);
/* Sends an IPI: ICR low word 'icr' (vector and delivery mode) to 'apic_id'. */
void x86_lapic_send(uint32_t apic_id, uint32_t icr);
/* Whether an interrupt waits in this CPU's IRR (accepted, not yet taken). */
bool x86_lapic_irr_pending(void);
void x86_lapic_timer_write_init(uint32_t count);
uint32_t x86_lapic_timer_read_current(void);
void x86_lapic_timer_lvt(uint32_t lvt);

void x86_timer_calibrate(void);
void x86_timer_cpu_setup(void);
void x86_udelay(uint64_t us);

extern volatile uint32_t x86_ap_cpu;
extern volatile uint32_t x86_ap_started;
/* The Multiboot information address; *magic gets what eax held. */
uint32_t x86_boot_mbi(uint32_t *magic);

#endif

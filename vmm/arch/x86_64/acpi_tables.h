/* The ACPI tables of an x86_64 VM (acpi_tables.c): pure, built for the
 * hypervisor and for the host's unit tests. */
#ifndef VMM_X86_64_ACPI_TABLES_H
#define VMM_X86_64_ACPI_TABLES_H

#include <stdint.h>

/* What the tables describe. */
struct acpi_machine {
	unsigned cpus;          /* LAPICs with APIC ids 0 .. cpus - 1 */
	uint64_t lapic, ioapic; /* MMIO bases */
	uint16_t pm_base;       /* PM1a event block; control +4, timer +8 */
	uint16_t reset_port;    /* written 6 to reset */
	uint8_t pit_gsi;        /* the IOAPIC pin of ISA IRQ 0 */
};

#define ACPI_TABLES_SIZE     0x1000u
#define ACPI_TABLES_MAX_CPUS 255u

/* Writes the RSDP (first), XSDT, FADT, FACS, DSDT and MADT of 'm' into
 * 'area' (ACPI_TABLES_SIZE bytes), which the guest sees at
 * guest-physical 'base' (16-byte aligned). */
void acpi_tables_write(uint8_t *area, uint64_t base,
		       const struct acpi_machine *m);

#endif

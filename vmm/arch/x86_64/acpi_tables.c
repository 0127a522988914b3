/* The ACPI tables a PC guest finds its CPUs, interrupt controllers and
 * power-off in, written from the VM's config (ACPI 6.x): an RSDP (v2)
 * pointing at an XSDT, which lists a FADT and a MADT; the FADT names the
 * FACS, a DSDT and cvisor's ACPI PM block (vpm.c, q35's ports) with the
 * reset register at 0xcf9 and the fixed-feature power button on the SCI
 * (IRQ 9). The DSDT holds only \_S5, which Linux needs to
 * power off through PM1a control (SLP_TYP 0, as QEMU's q35).
 *
 * ACPI rather than an MP table: Linux finds the PM block, the reset
 * register and power-off only through ACPI, and an MP table would be a
 * second description of the same CPUs to keep in step. */
#include <string.h>
#include "acpi_tables.h"

#define HDR_LEN      36
#define RSDP_LEN     36
#define FADT_LEN     276
#define FACS_LEN     64
#define OFF_XSDT     0x040
#define OFF_FADT     0x100
#define OFF_FACS     0x240 /* 64-byte aligned */
#define OFF_DSDT     0x300
#define OFF_MADT     0x400
#define SCI_IRQ      9
#define PIT_IRQ      0
#define MADT_PCAT    1u /* 8259s present too */
#define FADT_WBINVD  (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_SLP_BTN (1u << 5) /* no fixed sleep button */
#define FADT_RESET   (1u << 10)
#define BOOT_LEGACY  (1u << 0) /* ISA devices: COM1, PIT, CMOS */
#define BOOT_NO_VGA  (1u << 2)
#define BOOT_NO_MSI  (1u << 3)
#define GAS_IO       1
#define RESET_VALUE  0x06 /* full reset, as PIIX/ICH take it at 0xcf9 */

_Static_assert(OFF_MADT + HDR_LEN + 8 + ACPI_TABLES_MAX_CPUS * 8 + 12 + 2 * 10 +
			       6 <=
		       ACPI_TABLES_SIZE,
	       "ACPI area");

/* Name (_S5, Package (4) { 0, 0, 0, 0 }): SLP_TYP 0 for PM1a and PM1b. */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t checksum(const uint8_t *p, unsigned n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* A table's header; its checksum once the body is written (seal). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "CVISOR", 6);
	memcpy(t + 16, "CVISORVM", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "CVSR", 4);
	put32(t + 32, 1);
}

static void seal(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for 'width' bits at I/O port 'port'. */
static void gas_io(uint8_t *g, uint16_t port, uint8_t width)
{
	g[0] = GAS_IO;
	g[1] = width;
	g[2] = 0;
	g[3] = width == 8 ? 1 : width == 16 ? 2 : 3; /* access size */
	put64(g + 4, port);
}

static void write_fadt(uint8_t *t, uint64_t base, const struct acpi_machine *m)
{
	uint16_t pm = m->pm_base;

	header(t, "FACP", FADT_LEN, 6);
	put32(t + 36, (uint32_t)(base + OFF_FACS));
	put32(t + 40, (uint32_t)(base + OFF_DSDT));
	put16(t + 46, SCI_IRQ);
	/* SMI_CMD 0: always in ACPI mode, nothing to switch. */
	put32(t + 56, pm);     /* PM1a event */
	put32(t + 64, pm + 4); /* PM1a control */
	put32(t + 76, pm + 8); /* PM timer */
	t[88] = 4;
	t[89] = 2;
	t[91] = 4;
	put16(t + 96, 101);  /* no C2 */
	put16(t + 98, 1001); /* no C3 */
	put16(t + 109, BOOT_LEGACY | BOOT_NO_VGA | BOOT_NO_MSI);
	/* PWR_BUTTON clear: the fixed-feature power button (PM1 PWRBTN_STS
	 * and the SCI, vpm.c), which vm stop presses. */
	put32(t + 112, FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BTN | FADT_RESET);
	gas_io(t + 116, m->reset_port, 8);
	t[128] = RESET_VALUE;
	put64(t + 132, base + OFF_FACS);
	put64(t + 140, base + OFF_DSDT);
	gas_io(t + 148, pm, 32);
	gas_io(t + 172, (uint16_t)(pm + 4), 16);
	gas_io(t + 208, (uint16_t)(pm + 8), 32);
	seal(t);
}

static void write_facs(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	put32(t + 4, FACS_LEN);
	t[32] = 2; /* version */
}

static void write_dsdt(uint8_t *t)
{
	header(t, "DSDT", HDR_LEN + sizeof(dsdt_aml), 2);
	memcpy(t + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
	seal(t);
}

/* One LAPIC per vCPU (APIC ids 0..n-1), the IOAPIC with GSIs from 0,
 * ISA IRQ 0 on GSI 2 and the SCI level-triggered, as on a PC, and the
 * NMI on every LAPIC's LINT1. */
/* A MADT entry of 'type' and 'len' bytes at 'p', its two bytes after
 * the header 'b2' and 'b3'; returns the next entry's place. */
static uint8_t *madt_entry(uint8_t *p, uint8_t type, uint8_t len, uint8_t b2,
			   uint8_t b3)
{
	p[0] = type;
	p[1] = len;
	p[2] = b2;
	p[3] = b3;
	return p + len;
}

static void write_madt(uint8_t *t, const struct acpi_machine *m)
{
	uint8_t *p = t + HDR_LEN + 8, *e;
	unsigned cpus = m->cpus;

	if (cpus > ACPI_TABLES_MAX_CPUS)
		cpus = ACPI_TABLES_MAX_CPUS;
	put32(t + HDR_LEN, (uint32_t)m->lapic);
	put32(t + HDR_LEN + 4, MADT_PCAT);
	for (unsigned i = 0; i < cpus; i++) {
		e = p;
		p = madt_entry(e, 0, 8, (uint8_t)i, (uint8_t)i); /* APIC id i */
		put32(e + 4, 1);                                 /* enabled */
	}
	e = p;
	p = madt_entry(e, 1, 12, 0, 0); /* IOAPIC id 0 */
	put32(e + 4, (uint32_t)m->ioapic);
	put32(e + 8, 0); /* GSI base */
	e = p;
	p = madt_entry(e, 2, 10, 0, PIT_IRQ);
	put32(e + 4, m->pit_gsi);
	put16(e + 8, 0); /* as the bus says: ISA, edge, high */
	e = p;
	p = madt_entry(e, 2, 10, 0, SCI_IRQ);
	put32(e + 4, SCI_IRQ);
	put16(e + 8, 0xd); /* active high, level */
	e = p;
	p = madt_entry(e, 4, 6, 0xff, 0); /* every processor's */
	put16(e + 3, 0x5);                /* active high, edge */
	e[5] = 1;                         /* LINT1 */
	header(t, "APIC", (uint32_t)(p - t), 5);
	seal(t);
}

static void write_xsdt(uint8_t *t, uint64_t base)
{
	header(t, "XSDT", HDR_LEN + 2 * 8, 1);
	put64(t + HDR_LEN, base + OFF_FADT);
	put64(t + HDR_LEN + 8, base + OFF_MADT);
	seal(t);
}

static void write_rsdp(uint8_t *t, uint64_t base)
{
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, "CVISOR", 6);
	t[15] = 2; /* ACPI 2.0+: the XSDT */
	put32(t + 20, RSDP_LEN);
	put64(t + 24, base + OFF_XSDT);
	t[8] = checksum(t, 20);
	t[32] = checksum(t, RSDP_LEN);
}

void acpi_tables_write(uint8_t *area, uint64_t base,
		       const struct acpi_machine *m)
{
	memset(area, 0, ACPI_TABLES_SIZE);
	write_dsdt(area + OFF_DSDT);
	write_facs(area + OFF_FACS);
	write_fadt(area + OFF_FADT, base, m);
	write_madt(area + OFF_MADT, m);
	write_xsdt(area + OFF_XSDT, base);
	write_rsdp(area, base);
}

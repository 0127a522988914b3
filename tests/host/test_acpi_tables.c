/* Unit tests of the ACPI tables x86_64 VMs get
 * (vmm/arch/x86_64/acpi_tables.c): every table reachable from the RSDP
 * with its checksum, and what Linux reads in each: the PM block and reset
 * register in the FADT, \_S5 in the DSDT, the LAPICs, IOAPIC and
 * interrupt source overrides in the MADT. */
#include <stdint.h>
#include <string.h>

#include <vmm/arch/x86_64/acpi_tables.h>
#include "unit.h"

#define BASE 0xe0000u

static uint8_t area[ACPI_TABLES_SIZE];

static uint64_t get(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static uint8_t sum(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The table at guest-physical 'gpa' with signature 'sig', its length
 * inside the area and its checksum right; NULL otherwise. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	if (gpa < BASE || gpa - BASE + 36 > sizeof(area))
		return NULL;
	const uint8_t *t = area + (gpa - BASE);
	uint64_t len = get(t + 4, 4);
	if (memcmp(t, sig, 4) || len < 36 || gpa - BASE + len > sizeof(area) ||
	    sum(t, len))
		return NULL;
	return t;
}

static void write_pc(unsigned cpus)
{
	const struct acpi_machine m = {
		.cpus = cpus,
		.lapic = 0xfee00000u,
		.ioapic = 0xfec00000u,
		.pm_base = 0x600,
		.reset_port = 0xcf9,
		.pit_gsi = 2,
	};

	memset(area, 0xaa, sizeof(area));
	acpi_tables_write(area, BASE, &m);
}

static const uint8_t *xsdt_entry(unsigned i)
{
	const uint8_t *x = table(get(area + 24, 8), "XSDT");

	if (!x || get(x + 4, 4) < 36 + 8 * (i + 1))
		return NULL;
	return area + (get(x + 36 + 8 * i, 8) - BASE);
}

UNIT_TEST(acpi_rsdp_v2_to_xsdt)
{
	write_pc(1);
	CHECK(!memcmp(area, "RSD PTR ", 8));
	CHECK_EQ_INT(sum(area, 20), 0);
	CHECK_EQ_INT(sum(area, 36), 0);
	CHECK_EQ_INT(area[15], 2);
	CHECK_EQ_INT(get(area + 20, 4), 36);
	CHECK(table(get(area + 24, 8), "XSDT") != NULL);
	CHECK(xsdt_entry(0) && !memcmp(xsdt_entry(0), "FACP", 4));
	CHECK(xsdt_entry(1) && !memcmp(xsdt_entry(1), "APIC", 4));
}

UNIT_TEST(acpi_fadt_pm_block_reset_and_dsdt_s5)
{
	write_pc(1);
	const uint8_t *f = table(BASE + (xsdt_entry(0) - area), "FACP");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ_INT(get(f + 46, 2), 9);       /* SCI */
	CHECK_EQ_INT(get(f + 48, 4), 0);       /* no SMI command port */
	CHECK_EQ_INT(get(f + 56, 4), 0x600);   /* PM1a event */
	CHECK_EQ_INT(get(f + 64, 4), 0x604);   /* PM1a control */
	CHECK_EQ_INT(get(f + 76, 4), 0x608);   /* PM timer */
	CHECK_EQ_INT(f[89], 2);                /* PM1 control length */
	CHECK(get(f + 112, 4) & (1u << 10));   /* RESET_REG_SUP */
	CHECK(!(get(f + 112, 4) & (1u << 4))); /* a fixed power button */
	CHECK_EQ_INT(f[116], 1);               /* reset register: I/O */
	CHECK_EQ_INT(get(f + 120, 8), 0xcf9);
	CHECK_EQ_INT(f[128], 6);
	CHECK_EQ_INT(get(f + 172 + 4, 8), 0x604); /* X_PM1a control */
	CHECK_EQ_INT(get(f + 40, 4), get(f + 140, 8));
	const uint8_t *facs = area + (get(f + 132, 8) - BASE);
	CHECK(!memcmp(facs, "FACS", 4) && get(f + 132, 8) % 64 == 0);
	const uint8_t *d = table(get(f + 140, 8), "DSDT");
	static const uint8_t s5[] = { 0x08, '_',  'S', '5', '_', 0x12,
				      0x06, 0x04, 0,   0,   0,   0 };
	CHECK(d && get(d + 4, 4) == 36 + sizeof(s5) &&
	      !memcmp(d + 36, s5, sizeof(s5)));
}

UNIT_TEST(acpi_madt_cpus_ioapic_overrides)
{
	write_pc(3);
	const uint8_t *t = table(BASE + (xsdt_entry(1) - area), "APIC");
	unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_EQ_INT(get(t + 36, 4), 0xfee00000u);
	CHECK_EQ_INT(get(t + 40, 4), 1); /* PC/AT compatible */
	for (uint64_t off = 44; off < get(t + 4, 4); off += t[off + 1]) {
		const uint8_t *e = t + off;
		CHECK(e[1] >= 2);
		if (e[1] < 2)
			return;
		if (e[0] == 0) {
			CHECK_EQ_INT(e[2], lapics);
			CHECK_EQ_INT(e[3], lapics); /* APIC id */
			CHECK_EQ_INT(get(e + 4, 4), 1);
			lapics++;
		} else if (e[0] == 1) {
			CHECK_EQ_INT(get(e + 4, 4), 0xfec00000u);
			CHECK_EQ_INT(get(e + 8, 4), 0);
			ioapics++;
		} else if (e[0] == 2) {
			if (e[3] == 0)
				CHECK_EQ_INT(get(e + 4, 4), 2);
			if (e[3] == 9)
				CHECK_EQ_INT(get(e + 8, 2), 0xd);
			isos++;
		} else if (e[0] == 4) {
			CHECK_EQ_INT(e[5], 1); /* LINT1 */
			nmis++;
		}
	}
	CHECK_EQ_INT(lapics, 3);
	CHECK_EQ_INT(ioapics, 1);
	CHECK_EQ_INT(isos, 2);
	CHECK_EQ_INT(nmis, 1);
}

/* More vCPUs than a MADT of this size holds are cut at the most it
 * holds, never written past the area. */
UNIT_TEST(acpi_madt_cpu_count_capped)
{
	write_pc(1000);
	const uint8_t *t = table(BASE + (xsdt_entry(1) - area), "APIC");
	CHECK(t != NULL);
	if (t)
		CHECK_EQ_INT(get(t + 4, 4),
			     44 + 8 * ACPI_TABLES_MAX_CPUS + 12 + 2 * 10 + 6);
}

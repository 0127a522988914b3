/* Just enough ACPI to find the CPUs and the power-off port: the RSDP in
 * the BIOS areas, the RSDT/XSDT, the MADT ("APIC") and the FADT ("FACP").
 * The tables come from the firmware: every length and offset is checked
 * before use, and a bad table is skipped, never trusted. */
#include <hal/hal.h>
#include <kernel/log.h>
#include <string.h>
#include "x86.h"

#define MAPPED_END     (4ull << 30) /* the boot map covers the tables */
#define SDT_HEADER_LEN 36
#define SDT_MAX_LEN    (1u << 20)
#define MADT_ENTRIES   44
#define FADT_PM1A_CNT  64
#define FADT_PM_TMR    76

#define MADT_LAPIC      0
#define MADT_IOAPIC     1
#define MADT_OVERRIDE   2
#define COM1_ISA_IRQ    4
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC     9
#define LAPIC_ENABLED   0x1

struct x86_platform x86_platform = {
	.lapic_base = 0xfee00000,
	.pm1a_cnt = 0x604, /* QEMU q35: ICH9 PMBASE 0x600 + 4 */
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

static const uint8_t *rsdp_scan(paddr_t start, paddr_t end)
{
	for (paddr_t pa = start; pa + 20 <= end; pa += 16) {
		const uint8_t *p = pa_to_ptr(pa);
		if (!memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20))
			return p;
	}
	return NULL;
}

static const uint8_t *rsdp_find(void)
{
	/* The first KiB of the EBDA (segment at 0x40e), then the BIOS ROM. */
	volatile uint16_t *bda_ebda = pa_to_ptr(0x40e);
	/* Hide the constant address from the compiler's bounds checks. */
	__asm__("" : "+r"(bda_ebda));
	paddr_t ebda = (paddr_t)*bda_ebda << 4;
	const uint8_t *p = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		p = rsdp_scan(ebda, ebda + 1024);
	return p ? p : rsdp_scan(0xe0000, 0x100000);
}

/* The table at 'pa' if its header, length and checksum are sound. */
static const uint8_t *sdt_map(uint64_t pa, uint32_t *len)
{
	if (!pa || pa >= MAPPED_END - SDT_HEADER_LEN)
		return NULL;
	const uint8_t *p = pa_to_ptr(pa);
	uint32_t n = get32(p + 4);
	if (n < SDT_HEADER_LEN || n > SDT_MAX_LEN || pa + n > MAPPED_END ||
	    !checksum_ok(p, n))
		return NULL;
	*len = n;
	return p;
}

static void madt_add_cpu(struct hal_boot_info *info, uint32_t apic_id,
			 uint32_t flags)
{
	if (!(flags & LAPIC_ENABLED)) /* absent, or hot-pluggable later */
		return;
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (info->cpu_hwid[i] == apic_id)
			return;
	if (info->cpu_count < MAX_CPUS)
		info->cpu_hwid[info->cpu_count++] = apic_id;
	else
		pr_warn("MADT: CPU with APIC id %u beyond MAX_CPUS, ignored",
			apic_id);
}

/* An interrupt source override for COM1's ISA IRQ: its GSI and flags
 * (bus, source, GSI, MPS INTI flags). */
static void madt_com1_override(const uint8_t *e)
{
	x86_platform.com1_gsi = get32(e + 4);
	x86_platform.com1_flags = (uint16_t)(e[8] | e[9] << 8);
}

static void madt_parse(const uint8_t *t, uint32_t len,
		       struct hal_boot_info *info)
{
	x86_platform.com1_gsi =
		COM1_ISA_IRQ; /* ISA IRQs are GSIs unless overridden */
	if (len < MADT_ENTRIES)
		return;
	x86_platform.lapic_base = get32(t + SDT_HEADER_LEN);
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0], n = e[1];
		if (n < 2 || off + n > len)
			break;
		if (type == MADT_LAPIC && n >= 8)
			madt_add_cpu(info, e[3], get32(e + 4));
		else if (type == MADT_X2APIC && n >= 16)
			madt_add_cpu(info, get32(e + 4), get32(e + 8));
		else if (type == MADT_IOAPIC && n >= 12 &&
			 !x86_platform.ioapic_base)
			x86_platform.ioapic_base = get32(e + 4);
		else if (type == MADT_LAPIC_ADDR && n >= 12)
			x86_platform.lapic_base = get64(e + 4);
		else if (type == MADT_OVERRIDE && n >= 10 &&
			 e[3] == COM1_ISA_IRQ)
			madt_com1_override(e);
		off += n;
	}
}

static void fadt_parse(const uint8_t *t, uint32_t len)
{
	if (len >= FADT_PM1A_CNT + 4 && get32(t + FADT_PM1A_CNT) &&
	    get32(t + FADT_PM1A_CNT) <= 0xffff)
		x86_platform.pm1a_cnt = (uint16_t)get32(t + FADT_PM1A_CNT);
	if (len >= FADT_PM_TMR + 4 && get32(t + FADT_PM_TMR) <= 0xffff)
		x86_platform.pm_timer = get32(t + FADT_PM_TMR);
}

static void sdt_visit(uint64_t pa, struct hal_boot_info *info, bool *madt)
{
	uint32_t len;
	const uint8_t *t = sdt_map(pa, &len);

	if (!t)
		return;
	if (!memcmp(t, "APIC", 4) && !*madt) {
		madt_parse(t, len, info);
		*madt = true;
	} else if (!memcmp(t, "FACP", 4)) {
		fadt_parse(t, len);
	}
}

bool x86_acpi_scan(struct hal_boot_info *info, uint32_t bsp_apic_id)
{
	const uint8_t *rsdp = rsdp_find();
	uint32_t len;
	bool madt = false;

	info->cpu_count = 0;
	info->cpu_hwid[info->cpu_count++] = bsp_apic_id;
	if (!rsdp)
		return false;
	/* ACPI 2+: the XSDT (64-bit entries) if its checksum holds. */
	const uint8_t *root = NULL;
	unsigned width = 4;
	if (rsdp[15] >= 2 && get32(rsdp + 20) >= 36 && get32(rsdp + 20) <= 64 &&
	    checksum_ok(rsdp, get32(rsdp + 20))) {
		root = sdt_map(get64(rsdp + 24), &len);
		width = 8;
	}
	if (!root) {
		root = sdt_map(get32(rsdp + 16), &len);
		width = 4;
	}
	if (!root)
		return false;
	for (uint32_t off = SDT_HEADER_LEN; off + width <= len; off += width)
		sdt_visit(width == 8 ? get64(root + off) : get32(root + off),
			  info, &madt);
	return madt;
}

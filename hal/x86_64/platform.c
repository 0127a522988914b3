/* Platform discovery on a PC (QEMU q35 and alike): RAM from the Multiboot
 * memory map, CPUs and interrupt controllers from ACPI, and power control
 * through the ACPI PM1a control port and the reset control register. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include "x86.h"

#define MB_BOOT_MAGIC   0x2badb002
#define MB_INFO_MEM     (1u << 0)
#define MB_INFO_MMAP    (1u << 6)
#define MB_MMAP_RAM     1
#define MB_MMAP_MAX_LEN (64u << 10)
#define ONE_MIB         0x100000ull

#define PM1_SLP_EN      (1u << 13)
#define PM1_SLP_TYP_S5  0u    /* \_S5 in QEMU's DSDT: 0 */
#define PORT_RESET_CTRL 0xcf9 /* ICH9 reset control register */

extern char __image_start[], __image_end[];

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

static void ram_add(struct hal_boot_info *info, uint64_t base, uint64_t len)
{
	uint64_t end = base + len;

	if (end < base)
		end = UINT64_MAX;
	if (base < ONE_MIB)
		base = ONE_MIB; /* low memory: BIOS, trampoline */
	base = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (end <= base || info->ram_count >= HAL_MAX_RAM_RANGES)
		return;
	info->ram[info->ram_count].base = base;
	info->ram[info->ram_count++].size = end - base;
}

static void multiboot_memory(struct hal_boot_info *info)
{
	uint32_t magic, pa = x86_boot_mbi(&magic);

	if (magic != MB_BOOT_MAGIC)
		panic("not started by a Multiboot loader (eax %#x)", magic);
	const struct mb_info *mb = pa_to_ptr(pa);
	if (mb->flags & MB_INFO_MMAP) {
		uint32_t len = MIN(mb->mmap_length, MB_MMAP_MAX_LEN);
		for (uint32_t off = 0;
		     off + sizeof(struct mb_mmap_entry) <= len;) {
			const struct mb_mmap_entry *e =
				pa_to_ptr(mb->mmap_addr + off);
			if (e->size < sizeof(*e) - 4)
				break;
			if (e->type == MB_MMAP_RAM)
				ram_add(info, e->base, e->len);
			off += e->size + 4;
		}
	} else if (mb->flags & MB_INFO_MEM) {
		ram_add(info, ONE_MIB, (uint64_t)mb->mem_upper << 10);
	}
}

/* ram[0] is the range the page allocator manages: the one that holds
 * cvisor's image (the whole of low RAM with QEMU's default sizes; with
 * more than ~2.75 GiB q35 puts the rest above 4 GiB, and the allocator
 * still needs the image inside its range), else the largest. */
static void ram_choose_first(struct hal_boot_info *info)
{
	unsigned best = 0;

	for (unsigned i = 1; i < info->ram_count; i++)
		if (info->ram[i].size > info->ram[best].size)
			best = i;
	for (unsigned i = 0; i < info->ram_count; i++)
		if (info->image_start >= info->ram[i].base &&
		    info->image_end <= info->ram[i].base + info->ram[i].size)
			best = i;
	__typeof__(info->ram[0]) t = info->ram[0];
	info->ram[0] = info->ram[best];
	info->ram[best] = t;
}

/* Maps every RAM range (cvisor runs identity-mapped); what lies beyond
 * the page-table pool's reach is dropped from the list. */
static void ram_map_all(struct hal_boot_info *info)
{
	paddr_t end = 0;

	for (unsigned i = 0; i < info->ram_count; i++)
		end = MAX(end, info->ram[i].base + info->ram[i].size);
	paddr_t mapped = x86_mmu_map_ram(end);
	for (unsigned i = 0; i < info->ram_count; i++) {
		paddr_t base = info->ram[i].base;
		if (base >= mapped)
			info->ram[i].size = 0;
		else if (base + info->ram[i].size > mapped)
			info->ram[i].size = mapped - base;
	}
}

/* The I/O ports cvisor drives itself: no VM is given them
 * (devices.passthrough_ports). */
static void claim_own_ports(void)
{
	static const struct {
		uint16_t base, count;
		const char *what;
	} own[] = {
		{ 0x20, 2, "the master PIC" },
		{ 0xa0, 2, "the slave PIC" },
		{ 0x40, 4, "the PIT" },
		{ 0x61, 1, "port B (the PIT's gate)" },
		{ 0x3f8, 8, "cvisor's console UART (COM1)" },
		{ 0xcf8, 8, "the PCI configuration ports and reset control" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(own); i++)
		hostres_claim_ports(own[i].base, own[i].count, HOSTRES_CVISOR,
				    own[i].what, NULL);
	if (x86_platform.pm1a_cnt)
		hostres_claim_ports(x86_platform.pm1a_cnt, 2, HOSTRES_CVISOR,
				    "the ACPI PM1a control port", NULL);
}

const void *hal_host_dtb(void)
{
	return NULL; /* ACPI describes this platform */
}

void hal_early_init(struct hal_boot_info *info)
{
	x86_uart_init();
	info->platform = "x86_64 (Multiboot, long mode)";
	info->image_start = ptr_to_pa(__image_start);
	info->image_end = ptr_to_pa(__image_end);
	multiboot_memory(info);
	if (!info->ram_count)
		panic("the Multiboot memory map has no RAM above 1 MiB");
	ram_choose_first(info);
	ram_map_all(info);
	if (!x86_acpi_scan(info, x86_lapic_id()))
		pr_warn("no ACPI MADT: running on the boot CPU only");
	claim_own_ports();
	pr_debug("ACPI: %u CPUs, LAPIC %#llx, IOAPIC %#llx, PM1a_CNT %#x, PM timer %#x",
		 info->cpu_count, (unsigned long long)x86_platform.lapic_base,
		 (unsigned long long)x86_platform.ioapic_base,
		 x86_platform.pm1a_cnt, x86_platform.pm_timer);
	x86_mmu_unmap_page0();
}

void hal_system_off(void)
{
	hal_irq_disable();
	/* cppcheck-suppress badBitmaskCheck ; SLP_TYP is 0 on QEMU, kept to name the field */
	outw(x86_platform.pm1a_cnt, PM1_SLP_TYP_S5 << 10 | PM1_SLP_EN);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void hal_system_reset(void)
{
	hal_irq_disable();
	outb(PORT_RESET_CTRL, 0x02); /* system reset, then do it: hard */
	outb(PORT_RESET_CTRL, 0x06);
	for (;;)
		__asm__ volatile("cli; hlt");
}

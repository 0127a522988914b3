/* Platform discovery from the DTB OpenSBI passes in a1: RAM, harts, the
 * timebase, the console UART, and what must not be handed out as free
 * memory (the firmware's reserved regions and the DTB itself). */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <lib/fdt.h>
#include <string.h>
#include "riscv64.h"

#define DTB_MAX_SIZE (1u << 20)

extern char __image_start[], __image_end[];

static bool platform_add_ram(void *ctx, uint64_t base, uint64_t size)
{
	struct hal_boot_info *info = ctx;

	info->ram[info->ram_count].base = base;
	info->ram[info->ram_count++].size = size;
	return info->ram_count < HAL_MAX_RAM_RANGES;
}

static bool platform_node_okay(const struct fdt *f, int node)
{
	struct fdt_prop p;

	return fdt_get_prop(f, node, "status", &p) != FDT_OK ||
	       fdt_prop_has_string(&p, "okay") || fdt_prop_has_string(&p, "ok");
}

static void platform_add_cpu(struct hal_boot_info *info, uint64_t hartid)
{
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (info->cpu_hwid[i] == hartid)
			return;
	if (info->cpu_count < MAX_CPUS)
		info->cpu_hwid[info->cpu_count++] = hartid;
}

/* The boot hart (OpenSBI's lottery winner, any id) is logical CPU 0; the
 * other usable harts follow in DTB order. */
static void platform_cpus(const struct fdt *f, struct hal_boot_info *info)
{
	int cpus = fdt_path_offset(f, "/cpus"), depth = 1;
	struct fdt_prop p;
	uint64_t v;

	platform_add_cpu(info, arch_boot_hartid);
	if (cpus < 0)
		return;
	if (fdt_get_prop(f, cpus, "timebase-frequency", &p) == FDT_OK &&
	    fdt_prop_cells(&p, 0, p.len >= 8 ? 2 : 1, &v))
		arch_timer_set_freq(v);
	for (int node = fdt_next_node(f, cpus, &depth); node >= 0 && depth >= 2;
	     node = fdt_next_node(f, node, &depth)) {
		const char *name = fdt_node_name(f, node);
		if (depth == 2 && name && !strncmp(name, "cpu@", 4) &&
		    platform_node_okay(f, node) &&
		    fdt_get_prop(f, node, "reg", &p) == FDT_OK &&
		    fdt_prop_cells(&p, 0, p.len >= 8 ? 2 : 1, &v))
			platform_add_cpu(info, v);
	}
}

/* The PLIC (the host's external interrupts), if the DTB has one. */
static void platform_plic(const struct fdt *f)
{
	struct fdt_prop p;
	uint64_t base, size;
	int plic = fdt_find_compatible(f, -1, "riscv,plic0");

	if (plic < 0)
		plic = fdt_find_compatible(f, -1, "sifive,plic-1.0.0");
	if (plic < 0 || fdt_get_prop(f, plic, "reg", &p) != FDT_OK ||
	    !fdt_prop_cells(&p, 0, 2, &base))
		return;
	plic_set_base(base);
	/* cvisor's: no VM is given it (a VM's vPLIC sits in its place). */
	if (fdt_prop_cells(&p, 2, 2, &size))
		hostres_claim(base, size, HOSTRES_CVISOR, "the PLIC", NULL);
}

static void platform_console(const struct fdt *f)
{
	struct fdt_prop p;
	uint64_t base, shift = 0, irq = 0;
	int uart = fdt_find_compatible(f, -1, "ns16550a");

	if (uart < 0)
		uart = fdt_find_compatible(f, -1, "ns16550");
	if (uart < 0 || fdt_get_prop(f, uart, "reg", &p) != FDT_OK ||
	    !fdt_prop_cells(&p, 0, 2, &base))
		return; /* keep QEMU virt's default, 0x1000_0000 */
	if (fdt_get_prop(f, uart, "reg-shift", &p) == FDT_OK)
		fdt_prop_cells(&p, 0, 1, &shift);
	if (fdt_get_prop(f, uart, "interrupts", &p) == FDT_OK)
		fdt_prop_cells(&p, 0, 1, &irq);
	uart16550_init(base, (unsigned)shift, (unsigned)irq);
	hostres_claim(base, 0x1000, HOSTRES_CVISOR, "cvisor's console UART",
		      NULL);
}

/* Keeps [base, base + size) out of the free memory: a range below the
 * image widens the claimed image downwards (OpenSBI sits just below
 * cvisor); one above it ends the first RAM range (the DTB sits at the top
 * of RAM). The kernel frees only ram[0] minus the image. */
static void platform_reserve(struct hal_boot_info *info, paddr_t base,
			     uint64_t size)
{
	paddr_t ram_end = info->ram[0].base + info->ram[0].size;

	if (!size || base >= ram_end || base + size <= info->ram[0].base)
		return;
	if (base < info->image_start)
		info->image_start =
			MAX(ALIGN_DOWN(base, PAGE_SIZE), info->ram[0].base);
	else if (base >= info->image_end)
		info->ram[0].size =
			ALIGN_DOWN(base, PAGE_SIZE) - info->ram[0].base;
}

static void platform_reserved_memory(const struct fdt *f,
				     struct hal_boot_info *info)
{
	int rsv = fdt_path_offset(f, "/reserved-memory"), depth = 1;
	struct fdt_prop p;
	uint64_t base, size;

	if (rsv < 0)
		return;
	for (int node = fdt_next_node(f, rsv, &depth); node >= 0 && depth >= 2;
	     node = fdt_next_node(f, node, &depth)) {
		if (depth != 2 || fdt_get_prop(f, node, "reg", &p) != FDT_OK)
			continue;
		for (unsigned i = 0; fdt_prop_cells(&p, i, 2, &base) &&
				     fdt_prop_cells(&p, i + 2, 2, &size);
		     i += 4)
			platform_reserve(info, base, size);
	}
}

const void *hal_host_dtb(void)
{
	return arch_boot_dtb ? pa_to_ptr(arch_boot_dtb) : NULL;
}

void hal_early_init(struct hal_boot_info *info)
{
	const void *blob = pa_to_ptr(arch_boot_dtb);
	struct fdt f;

	info->platform = "riscv64 (HS-mode)";
	info->image_start = ptr_to_pa(__image_start);
	info->image_end = ptr_to_pa(__image_end);
	if (!arch_boot_dtb || fdt_open(&f, blob, DTB_MAX_SIZE) != FDT_OK)
		panic("no usable device tree at %p", blob);
	platform_console(&f);
	platform_plic(&f);
	fdt_for_each_memory(&f, platform_add_ram, info);
	platform_cpus(&f, info);
	if (!info->ram_count)
		panic("device tree describes no memory");
	arch_mmu_build(info->ram[0].base,
		       info->ram[0].base + info->ram[0].size);
	platform_reserved_memory(&f, info);
	platform_reserve(info, ptr_to_pa(blob), f.size);
	arch_timer_probe();
	pr_info("boot hart %llu, timebase %llu Hz (deadlines %s), DTB at %p",
		(unsigned long long)arch_boot_hartid,
		(unsigned long long)hal_timer_freq(),
		arch_timer_sstc() ? "in stimecmp" : "through SBI", blob);
}

/* No PCI host is used on this platform yet: reads as from an absent
 * device (hal.h). */
uint32_t hal_pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	(void)bus, (void)dev, (void)fn, (void)off;
	return ~0u;
}

void hal_pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off,
		     uint32_t value)
{
	(void)bus, (void)dev, (void)fn, (void)off, (void)value;
}

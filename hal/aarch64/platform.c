/* Platform discovery from the host DTB (QEMU virt and boards alike):
 * RAM, CPUs, the console UART and the GIC. */
#include <arch/sysreg.h>
#include <hal/hal.h>
#include <kernel/log.h>
#include <lib/fdt.h>
#include <string.h>
#include "aarch64.h"

/* QEMU's virt machine puts the DTB at the base of RAM when it loads an
 * ELF image; a loader that passes it in x0 wins. */
#define VIRT_DTB_FALLBACK 0x40000000ul

uint64_t arch_boot_dtb;
extern char __image_start[], __image_end[];
static const void *host_dtb;

const void *hal_host_dtb(void)
{
	return host_dtb;
}

static const void *platform_find_dtb(void)
{
	struct fdt f;

	if (arch_boot_dtb &&
	    fdt_open(&f, pa_to_ptr(arch_boot_dtb), 1 << 20) == FDT_OK)
		return pa_to_ptr(arch_boot_dtb);
	return pa_to_ptr(VIRT_DTB_FALLBACK);
}

static bool platform_add_ram(void *ctx, uint64_t base, uint64_t size)
{
	struct hal_boot_info *info = ctx;

	info->ram[info->ram_count].base = base;
	info->ram[info->ram_count++].size = size;
	return info->ram_count < HAL_MAX_RAM_RANGES;
}

static void platform_cpus(const struct fdt *f, struct hal_boot_info *info)
{
	int cpus = fdt_path_offset(f, "/cpus"), depth = 1;
	struct fdt_prop p;
	uint64_t mpidr;

	if (cpus < 0)
		return;
	for (int node = fdt_next_node(f, cpus, &depth);
	     node >= 0 && depth >= 2 && info->cpu_count < MAX_CPUS;
	     node = fdt_next_node(f, node, &depth)) {
		const char *name = fdt_node_name(f, node);
		if (depth == 2 && name && !strncmp(name, "cpu@", 4) &&
		    fdt_get_prop(f, node, "reg", &p) == FDT_OK &&
		    fdt_prop_cells(&p, 0, p.len >= 8 ? 2 : 1, &mpidr))
			info->cpu_hwid[info->cpu_count++] = mpidr;
	}
}

void hal_early_init(struct hal_boot_info *info)
{
	const void *blob = platform_find_dtb();
	struct fdt f;

	info->platform = "aarch64 (EL2)";
	info->image_start = ptr_to_pa(__image_start);
	info->image_end = ptr_to_pa(__image_end);
	if (fdt_open(&f, blob, 1 << 20) != FDT_OK)
		panic("no usable device tree at %p", blob);
	host_dtb = blob;
	pl011_probe(&f);
	fdt_for_each_memory(&f, platform_add_ram, info);
	platform_cpus(&f, info);
	if (!info->ram_count)
		panic("device tree describes no memory");
	if (!info->cpu_count)
		info->cpu_hwid[info->cpu_count++] = read_sysreg(mpidr_el1) &
						    0xff00ffffffull;
	if (gic_probe(blob))
		panic("device tree describes no GICv2/v3");
	/* The DTB stays where it is: reserve it with the image. */
	if (ptr_to_pa(blob) < info->image_start)
		info->image_start = ptr_to_pa(blob);
	arch_mmu_build(info->ram[0].base,
		       info->ram[0].base + info->ram[0].size);
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

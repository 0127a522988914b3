/* The guest's device tree; see vmm/guest_dtb.h.
 *
 * Written: / (cells, compatible, interrupt-parent, unless the arch gives one per node), /chosen, one /memory
 * node per RAM region, /cpus, the arch's devices, then the passthrough
 * devices the host DTB describes.
 * Rewritten (dtb_path): the user's tree is copied node by node, except its
 * /memory nodes, /cpus and /chosen, which are written from the config
 * (the user's /chosen keeps its other properties, its cpu nodes their
 * phandles). */
#include <lib/fdt.h>
#include <string.h>
#include <vmm/guest_dtb.h>

#define GUEST_DTB_ERR_CELLS (-41)

const char *guest_dtb_strerror(int err)
{
	if (err == GUEST_DTB_ERR_NO_ROOT)
		return "the device tree has no root node";
	if (err == GUEST_DTB_ERR_CELLS)
		return "the device tree's root must have #address-cells and "
		       "#size-cells of 2";
	if (err <= FDTW_ERR_NOSPACE && err >= FDTW_ERR_NAME)
		return fdtw_strerror(err);
	return fdt_strerror(err);
}

/* Whether chosen property 'name' is one the config decides. */
static bool chosen_prop_from_config(const struct guest_dtb_input *in,
				    const char *name)
{
	if (!strcmp(name, "bootargs"))
		return in->cfg->cmdline[0] != '\0';
	return !strcmp(name, "linux,initrd-start") ||
	       !strcmp(name, "linux,initrd-end");
}

/* /chosen: the base's properties (if any) that the config does not
 * replace, then bootargs, the initrd and (written trees) the console. */
static void write_chosen(struct fdtw *w, const struct guest_dtb_input *in,
			 const struct fdt *base)
{
	int node = base ? fdt_path_offset(base, "/chosen") : -1, cur = 0;
	struct fdt_prop p;

	fdtw_begin_node(w, "chosen");
	while (node >= 0 && fdt_next_prop(base, node, &cur, &p) == FDT_OK) {
		if (chosen_prop_from_config(in, p.name))
			continue;
		fdtw_prop(w, p.name, p.data, p.len);
	}
	if (in->cfg->cmdline[0])
		fdtw_prop_string(w, "bootargs", in->cfg->cmdline);
	if (in->initrd_end) {
		fdtw_prop_u64(w, "linux,initrd-start", in->initrd_start);
		fdtw_prop_u64(w, "linux,initrd-end", in->initrd_end);
	}
	/* A user's tree names its own console, if any. */
	if (!base && in->plat->stdout_path)
		fdtw_prop_string(w, "stdout-path", in->plat->stdout_path);
	fdtw_end_node(w);
}

static bool in_flash(const struct guest_dtb_platform *plat,
		     const struct vmcfg_region *r)
{
	return plat->flash_size && r->gpa >= plat->flash_base &&
	       r->gpa - plat->flash_base < plat->flash_size &&
	       r->size <= plat->flash_size - (r->gpa - plat->flash_base);
}

static void write_memory(struct fdtw *w, const struct guest_dtb_input *in)
{
	const struct vm_config *c = in->cfg;

	for (uint32_t i = 0; i < c->region_count; i++) {
		const struct vmcfg_region *r = &c->regions[i];
		uint64_t reg[2] = { r->gpa, r->size };
		if ((r->flags & VMCFG_MEM_DEVICE) || in_flash(in->plat, r))
			continue;
		fdtw_begin_node_at(w, "memory", r->gpa);
		fdtw_prop_string(w, "device_type", "memory");
		fdtw_prop_reg64(w, "reg", reg, 1);
		fdtw_end_node(w);
	}
}

/* The phandle of the base's index-th cpu node, 0 if none. */
static uint32_t base_cpu_phandle(const struct fdt *base, unsigned index)
{
	int cpus = base ? fdt_path_offset(base, "/cpus") : -1, depth = 1;
	unsigned seen = 0;
	struct fdt_prop p;

	if (cpus < 0)
		return 0;
	for (int node = fdt_next_node(base, cpus, &depth);
	     node >= 0 && depth > 1; node = fdt_next_node(base, node, &depth)) {
		const char *name = fdt_node_name(base, node);
		if (depth != 2 || !name || strncmp(name, "cpu@", 4))
			continue;
		if (seen++ != index)
			continue;
		if (fdt_get_prop(base, node, "phandle", &p) == FDT_OK &&
		    p.len == 4)
			return fdt_be32(p.data);
		return 0;
	}
	return 0;
}

static void write_cpus(struct fdtw *w, const struct guest_dtb_input *in,
		       const struct fdt *base)
{
	uint32_t cells = 1;

	for (uint32_t i = 0; i < in->cfg->cpu_num; i++)
		if (in->cpu_hwid[i] >> 32)
			cells = 2;
	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", cells);
	fdtw_prop_u32(w, "#size-cells", 0);
	if (in->plat->cpus_props)
		in->plat->cpus_props(w, in);
	for (uint32_t i = 0; i < in->cfg->cpu_num; i++) {
		uint64_t id = in->cpu_hwid[i];
		uint32_t phandle = base_cpu_phandle(base, i);
		fdtw_begin_node_at(w, "cpu", id);
		fdtw_prop_string(w, "device_type", "cpu");
		if (cells == 2)
			fdtw_prop_u64(w, "reg", id);
		else
			fdtw_prop_u32(w, "reg", (uint32_t)id);
		in->plat->cpu_props(w, in, i);
		if (phandle)
			fdtw_prop_u32(w, "phandle", phandle);
		if (in->plat->cpu_nodes)
			in->plat->cpu_nodes(w, in, i);
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

/* The nodes a rewrite replaces: /memory*, /cpus, /chosen. */
static bool replaced_by_config(const struct fdt *f, int node)
{
	const char *name = fdt_node_name(f, node);
	struct fdt_prop p;

	if (!name)
		return false;
	/* Linux takes "chosen@0" for /chosen too. */
	if (!strcmp(name, "cpus") || !strcmp(name, "chosen") ||
	    !strncmp(name, "chosen@", 7) || !strcmp(name, "memory") ||
	    !strncmp(name, "memory@", 7))
		return true;
	return fdt_get_prop(f, node, "device_type", &p) == FDT_OK &&
	       p.len == 7 && !memcmp(p.data, "memory", 7);
}

static int copy_props(struct fdtw *w, const struct fdt *f, int node)
{
	struct fdt_prop p;
	int cur = 0, err;

	while ((err = fdt_next_prop(f, node, &cur, &p)) == FDT_OK)
		fdtw_prop(w, p.name, p.data, p.len);
	return err == FDT_ERR_NOTFOUND ? 0 : err;
}

/* Copies the base tree, leaving the root open for what the config adds. */
static int copy_base(struct fdtw *w, const struct fdt *f)
{
	int node = 0, depth = 0, open = 0, skip_below = -1, err;

	do {
		if (skip_below >= 0 && depth > skip_below)
			continue;
		skip_below = -1;
		while (open > depth) {
			fdtw_end_node(w);
			open--;
		}
		if (depth == 1 && replaced_by_config(f, node)) {
			skip_below = depth;
			continue;
		}
		const char *name = depth ? fdt_node_name(f, node) : "";
		if (!name)
			return FDT_ERR_BADSTRUCTURE;
		fdtw_begin_node(w, name);
		open++;
		if ((err = copy_props(w, f, node)))
			return err;
	} while ((node = fdt_next_node(f, node, &depth)) >= 0 && depth > 0);
	if (node < 0 && node != FDT_ERR_NOTFOUND)
		return node;
	while (open > 1) {
		fdtw_end_node(w);
		open--;
	}
	return 0;
}

/* The base's root must use two cells for addresses and sizes, as the
 * /memory nodes written from the config do. */
static int check_base_cells(const struct fdt *f)
{
	struct fdt_prop p;
	uint64_t v;

	if (fdt_get_prop(f, 0, "#address-cells", &p) != FDT_OK ||
	    !fdt_prop_cells(&p, 0, 1, &v) || v != 2)
		return GUEST_DTB_ERR_CELLS;
	if (fdt_get_prop(f, 0, "#size-cells", &p) != FDT_OK ||
	    !fdt_prop_cells(&p, 0, 1, &v) || v != 2)
		return GUEST_DTB_ERR_CELLS;
	return 0;
}

static int rewrite_base(struct fdtw *w, const struct guest_dtb_input *in)
{
	struct fdt f;
	int err = fdt_open(&f, in->base, in->base_size);

	if (err)
		return err;
	const char *root = fdt_node_name(&f, 0);
	if (!root)
		return GUEST_DTB_ERR_NO_ROOT;
	if ((err = check_base_cells(&f)) || (err = copy_base(w, &f)))
		return err;
	write_chosen(w, in, &f);
	write_memory(w, in);
	write_cpus(w, in, &f);
	fdtw_end_node(w);
	return 0;
}

#define KEY_POWER 116u /* Linux's input event code */

void guest_dtb_power_key(struct fdtw *w, uint32_t gpio_phandle, unsigned line)
{
	uint32_t gpios[3] = { gpio_phandle, line, 0 };

	fdtw_begin_node(w, "gpio-keys");
	fdtw_prop_string(w, "compatible", "gpio-keys");
	fdtw_begin_node(w, "poweroff");
	fdtw_prop_string(w, "label", "GPIO Key Poweroff");
	fdtw_prop_u32(w, "linux,code", KEY_POWER);
	fdtw_prop_cells(w, "gpios", gpios, 3);
	fdtw_end_node(w);
	fdtw_end_node(w);
}

/* A disk_path's virtio-blk where the machine has its virtio-mmio. */
static void write_virtio_disk(struct fdtw *w, const struct guest_dtb_input *in)
{
	const struct guest_dtb_platform *plat = in->plat;
	uint64_t reg[2] = { plat->virtio_base, 0x200 };
	uint32_t irq[4];

	if (!in->cfg->disk_path[0] || !plat->virtio_base ||
	    plat->irq_format->cells > 4)
		return;
	plat->irq_format->encode(plat->virtio_irq, 0, irq);
	fdtw_begin_node_at(w, "virtio_mmio", plat->virtio_base);
	fdtw_prop_string(w, "compatible", "virtio,mmio");
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_cells(w, "interrupts", irq, plat->irq_format->cells);
	if (plat->irq_parent_per_node)
		fdtw_prop_u32(w, "interrupt-parent", GUEST_DTB_PHANDLE_IRQCHIP);
	fdtw_prop_empty(w, "dma-coherent");
	fdtw_end_node(w);
}

static void write_tree(struct fdtw *w, const struct guest_dtb_input *in)
{
	fdtw_begin_node(w, "");
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_string(w, "compatible", in->plat->compatible);
	fdtw_prop_string(w, "model", "cvisor virtual machine");
	if (!in->plat->irq_parent_per_node)
		fdtw_prop_u32(w, "interrupt-parent", GUEST_DTB_PHANDLE_IRQCHIP);
	write_chosen(w, in, NULL);
	write_memory(w, in);
	write_cpus(w, in, NULL);
	in->plat->devices(w, in);
	write_virtio_disk(w, in);
	guest_dtb_write_passthrough(w, in);
	fdtw_end_node(w);
}

int guest_dtb_build(const struct guest_dtb_input *in, void *buf, size_t cap)
{
	struct fdtw w;
	int err = 0;

	fdtw_init(&w, buf, cap);
	if (in->base)
		err = rewrite_base(&w, in);
	else
		write_tree(&w, in);
	return err ? err : fdtw_finish(&w);
}

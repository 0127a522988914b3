/* The passthrough devices' nodes in a written guest DTB: each device's
 * host node, copied with what the guest must see instead: "reg" at the
 * guest addresses, "interrupts" only when they are forwarded, and fixed
 * clocks copied alongside under new phandles. Properties that point at
 * other host nodes the guest does not have (pins, DMA, resets, power
 * domains, regulators, GPIOs) are left out. Children are not copied. */
#include <lib/fdt.h>
#include <string.h>
#include <vmm/guest_dtb.h>

#define PT_CLOCKS_MAX 8

/* Host fixed clocks already copied, by host phandle. */
struct pt_clocks {
	unsigned count;
	uint32_t host[PT_CLOCKS_MAX];
};

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* Properties that name host nodes the guest tree does not have, or that
 * are written from the config instead. */
static bool prop_left_out(const char *name)
{
	static const char *const names[] = {
		"phandle",
		"linux,phandle",
		"interrupt-parent",
		"reg",
		"interrupts",
		"clocks",
		"clock-names",
		"dmas",
		"dma-names",
		"resets",
		"reset-names",
		"power-domains",
		"iommus",
		"msi-parent",
		"gpios",
		"interrupts-extended",
		NULL,
	};

	for (int i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return !strncmp(name, "pinctrl-", 8) || ends_with(name, "-gpios") ||
	       ends_with(name, "-supply");
}

static int node_by_phandle(const struct fdt *f, uint32_t phandle)
{
	struct fdt_prop p;
	int depth = 0;

	for (int node = fdt_next_node(f, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(f, node, &depth))
		if (fdt_get_prop(f, node, "phandle", &p) == FDT_OK &&
		    p.len == 4 && fdt_be32(p.data) == phandle)
			return node;
	return -1;
}

/* The guest phandle of host clock 'phandle', copying the clock when it is
 * a fixed clock not copied yet; 0 when it cannot be copied. */
static uint32_t copy_clock(struct fdtw *w, const struct fdt *host,
			   struct pt_clocks *clk, uint32_t phandle)
{
	struct fdt_prop p;
	int node;

	for (unsigned i = 0; i < clk->count; i++)
		if (clk->host[i] == phandle)
			return GUEST_DTB_PHANDLE_PT + i;
	node = node_by_phandle(host, phandle);
	if (node < 0 || clk->count == PT_CLOCKS_MAX ||
	    fdt_get_prop(host, node, "compatible", &p) != FDT_OK ||
	    !fdt_prop_has_string(&p, "fixed-clock") ||
	    fdt_get_prop(host, node, "#clock-cells", &p) != FDT_OK ||
	    p.len != 4 || fdt_be32(p.data) != 0 ||
	    fdt_get_prop(host, node, "clock-frequency", &p) != FDT_OK ||
	    p.len != 4)
		return 0;
	uint32_t guest = GUEST_DTB_PHANDLE_PT + clk->count;
	char name[] = "pt-clock-0";
	name[sizeof(name) - 2] = (char)('0' + clk->count);
	clk->host[clk->count++] = phandle;
	fdtw_begin_node(w, name);
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", fdt_be32(p.data));
	fdtw_prop_u32(w, "phandle", guest);
	fdtw_end_node(w);
	return guest;
}

/* The device's "clocks", each a fixed clock copied to the guest; n = 0
 * when it has none or one cannot be copied (the guest then gets neither
 * "clocks" nor "clock-names"). */
static unsigned device_clocks(struct fdtw *w, const struct fdt *host, int node,
			      struct pt_clocks *clk, uint32_t *out)
{
	struct fdt_prop p;
	unsigned n;

	if (fdt_get_prop(host, node, "clocks", &p) != FDT_OK || !p.len ||
	    p.len % 4 || p.len / 4 > PT_CLOCKS_MAX)
		return 0;
	n = p.len / 4;
	for (unsigned i = 0; i < n; i++) {
		out[i] = copy_clock(w, host, clk,
				    fdt_be32((const uint8_t *)p.data + 4 * i));
		if (!out[i])
			return 0;
	}
	return n;
}

static void write_device(struct fdtw *w, const struct guest_dtb_input *in,
			 const struct fdt *host, const struct ptdev *d,
			 struct pt_clocks *clk)
{
	const struct ptdev_irq_format *fmt = in->plat->irq_format;
	const char *host_name = fdt_node_name(host, d->host_node);
	uint32_t clocks[PT_CLOCKS_MAX], irqs[PTDEV_MAX_IRQS * 4];
	uint64_t reg[PTDEV_MAX_REGS * 2];
	char name[64];
	struct fdt_prop p;
	unsigned nclocks;
	int cur = 0;

	if (!host_name)
		return;
	/* The clocks are nodes of their own: written before this one. */
	nclocks = device_clocks(w, host, d->host_node, clk, clocks);
	const char *at = strchr(host_name, '@');
	size_t len = at ? (size_t)(at - host_name) : strlen(host_name);
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, host_name, len);
	name[len] = '\0';
	fdtw_begin_node_at(w, name, d->reg[0].gpa);
	while (fdt_next_prop(host, d->host_node, &cur, &p) == FDT_OK)
		if (!prop_left_out(p.name))
			fdtw_prop(w, p.name, p.data, p.len);
	for (unsigned i = 0; i < d->reg_count; i++) {
		reg[2 * i] = d->reg[i].gpa;
		reg[2 * i + 1] = d->reg[i].size;
	}
	fdtw_prop_reg64(w, "reg", reg, d->reg_count);
	if (d->irq_count && fmt && fmt->cells <= 4 &&
	    in->cfg->interrupt_mode == VMCFG_IRQ_PASSTHROUGH) {
		for (unsigned i = 0; i < d->irq_count; i++)
			fmt->encode(d->irq[i], d->irq_flags[i],
				    &irqs[i * fmt->cells]);
		fdtw_prop_cells(w, "interrupts", irqs,
				d->irq_count * fmt->cells);
		if (in->plat->irq_parent_per_node)
			fdtw_prop_u32(w, "interrupt-parent",
				      GUEST_DTB_PHANDLE_IRQCHIP);
	}
	if (nclocks) {
		fdtw_prop_cells(w, "clocks", clocks, nclocks);
		if (fdt_get_prop(host, d->host_node, "clock-names", &p) ==
		    FDT_OK)
			fdtw_prop(w, "clock-names", p.data, p.len);
	}
	fdtw_end_node(w);
}

void guest_dtb_write_passthrough(struct fdtw *w,
				 const struct guest_dtb_input *in)
{
	struct pt_clocks clk = { 0 };
	struct fdt host;

	if (!in->host || fdt_open(&host, in->host, in->host_size) != FDT_OK)
		return;
	for (uint32_t i = 0; i < in->cfg->pt_device_count; i++) {
		struct ptdev d;
		const char *why;
		if (in->cfg->pt_devices[i].left_out)
			continue;
		if (ptdev_resolve(&host, in->plat->irq_format,
				  &in->cfg->pt_devices[i], &d, &why) == 0 &&
		    d.host_node >= 0)
			write_device(w, in, &host, &d, &clk);
	}
}

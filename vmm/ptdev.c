/* Passthrough devices resolved against the host DTB; see vmm/ptdev.h. */
#include <string.h>
#include <vmm/ptdev.h>

static uint32_t prop_u32(const struct fdt *f, int node, const char *name,
			 uint32_t dflt)
{
	struct fdt_prop p;

	if (fdt_get_prop(f, node, name, &p) != FDT_OK || p.len != 4)
		return dflt;
	return fdt_be32(p.data);
}

/* The node at 'path' and the address/size cells of its parent. Every
 * node on the way must map its children's addresses one to one (an empty
 * "ranges"), so the addresses in "reg" are host-physical. */
static int dt_node(const struct fdt *f, const char *path, uint32_t *ac,
		   uint32_t *sc, const char **why)
{
	size_t len = strlen(path);
	int node = -1;

	if (path[0] != '/' || len < 2 || path[len - 1] == '/') {
		*why = "is not the absolute path of a device-tree node";
		return -1;
	}
	for (size_t i = 1; i < len; i++) {
		if (path[i] == '/' && path[i - 1] == '/') {
			*why = "is not the absolute path of a device-tree node";
			return -1;
		}
	}
	*ac = prop_u32(f, 0, "#address-cells", 2);
	*sc = prop_u32(f, 0, "#size-cells", 1);
	for (size_t i = 1; i <= len; i++) {
		char prefix[VMCFG_MAX_DEV_NAME];
		struct fdt_prop p;

		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (i >= sizeof(prefix)) {
			*why = "is too long a path";
			return -1;
		}
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		node = fdt_path_offset(f, prefix);
		if (node < 0) {
			*why = "names no node of the host device tree";
			return -1;
		}
		if (i == len)
			break;
		if (fdt_get_prop(f, node, "ranges", &p) != FDT_OK || p.len) {
			*why = "lies under a node that translates addresses "
			       "(\"ranges\"), which cvisor does not follow";
			return -1;
		}
		*ac = prop_u32(f, node, "#address-cells", 2);
		*sc = prop_u32(f, node, "#size-cells", 1);
	}
	return node;
}

static int dt_regs(const struct fdt *f, int node, uint32_t ac, uint32_t sc,
		   struct ptdev *out, const char **why)
{
	struct fdt_prop p;
	unsigned stride = ac + sc;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		*why = "has address or size cells cvisor cannot read";
		return -1;
	}
	if (fdt_get_prop(f, node, "reg", &p) != FDT_OK || !p.len ||
	    p.len % (stride * 4)) {
		*why = "has no well-formed \"reg\"";
		return -1;
	}
	if (p.len / (stride * 4) > PTDEV_MAX_REGS) {
		*why = "has more register ranges than cvisor passes through";
		return -1;
	}
	for (unsigned i = 0; i < p.len / (stride * 4); i++) {
		struct ptdev_region *r = &out->reg[out->reg_count++];
		fdt_prop_cells(&p, i * stride, ac, &r->hpa);
		fdt_prop_cells(&p, i * stride + ac, sc, &r->size);
		r->gpa = r->hpa;
		if (!r->size || r->hpa + r->size < r->hpa) {
			*why = "has an empty or wrapping register range";
			return -1;
		}
	}
	return 0;
}

static int dt_irqs(const struct fdt *f, int node,
		   const struct ptdev_irq_format *fmt, struct ptdev *out,
		   const char **why)
{
	struct fdt_prop p;
	uint32_t spec[4];

	if (fdt_get_prop(f, node, "interrupts-extended", &p) == FDT_OK) {
		*why = "uses \"interrupts-extended\", which cvisor does not read";
		return -1;
	}
	if (fdt_get_prop(f, node, "interrupts", &p) != FDT_OK)
		return 0;
	if (!fmt || fmt->cells > 4 || p.len % (fmt->cells * 4)) {
		*why = "has an \"interrupts\" of the wrong size";
		return -1;
	}
	if (p.len / (fmt->cells * 4) > PTDEV_MAX_IRQS) {
		*why = "has more interrupts than cvisor passes through";
		return -1;
	}
	for (unsigned i = 0; i < p.len / (fmt->cells * 4); i++) {
		for (unsigned c = 0; c < fmt->cells; c++)
			spec[c] = fdt_be32((const uint8_t *)p.data +
					   (i * fmt->cells + c) * 4);
		if (!fmt->decode(spec, &out->irq[out->irq_count],
				 &out->irq_flags[out->irq_count])) {
			*why = "has an interrupt a VM cannot be given";
			return -1;
		}
		out->irq_count++;
	}
	return 0;
}

/* The node directly under the root whose first register range starts at
 * 'hpa': the device a [name, gpa, hpa, ...] entry passes through. */
static int node_at(const struct fdt *f, uint64_t hpa)
{
	uint32_t ac = prop_u32(f, 0, "#address-cells", 2);
	uint32_t sc = prop_u32(f, 0, "#size-cells", 1);
	struct fdt_prop p;
	uint64_t base;
	int depth = 0;

	if (ac < 1 || ac > 2 || sc > 2)
		return -1;
	for (int node = fdt_next_node(f, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(f, node, &depth)) {
		if (depth == 1 && fdt_get_prop(f, node, "reg", &p) == FDT_OK &&
		    p.len >= (ac + sc) * 4 &&
		    fdt_prop_cells(&p, 0, ac, &base) && base == hpa)
			return node;
	}
	return -1;
}

int ptdev_resolve_regs(const struct fdt *host, const char *path,
		       struct ptdev *out, const char **why)
{
	uint32_t ac, sc;

	memset(out, 0, sizeof(*out));
	out->name = path;
	out->host_node = dt_node(host, path, &ac, &sc, why);
	if (out->host_node < 0 ||
	    dt_regs(host, out->host_node, ac, sc, out, why))
		return -1;
	return 0;
}

int ptdev_resolve(const struct fdt *host, const struct ptdev_irq_format *fmt,
		  const struct vmcfg_pt_device *d, struct ptdev *out,
		  const char **why)
{
	uint32_t ac, sc;

	memset(out, 0, sizeof(*out));
	out->name = d->name;
	out->host_node = -1;
	if (!d->is_dt_path) {
		out->reg[0] = (struct ptdev_region){ d->base_gpa, d->base_hpa,
						     d->length };
		out->reg_count = 1;
		if (d->irq)
			out->irq[out->irq_count++] = d->irq;
		if (host)
			out->host_node = node_at(host, d->base_hpa);
		return 0;
	}
	if (!host) {
		*why = "names a device-tree node, but there is no host device tree";
		return -1;
	}
	out->host_node = dt_node(host, d->name, &ac, &sc, why);
	if (out->host_node < 0 ||
	    dt_regs(host, out->host_node, ac, sc, out, why) ||
	    dt_irqs(host, out->host_node, fmt, out, why))
		return -1;
	return 0;
}

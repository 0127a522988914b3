/* Which host devices can do DMA, read from the host DTB; see vmm/ptdev.h.
 *
 * cvisor has no IOMMU (SMMU) support, so a device that writes memory by
 * itself writes wherever the guest driving it says: another VM's memory,
 * cvisor's own. The host DTB says which devices those are, by what they
 * are (compatible) or by the properties only bus masters carry. A PCI
 * host bridge counts with its windows as well: behind them sit the BARs
 * of devices that can all do DMA. */
#include <string.h>
#include <vmm/ptdev.h>

#define DMA_MAX_DEPTH 16

/* Devices QEMU's virt machines (and others) give no DMA property to,
 * or give one that these name more plainly. The GIC ITS reads and writes
 * the tables and command queue its driver points it at. */
static const char *const dma_compatibles[] = {
	"virtio,mmio",           "qemu,fw-cfg-mmio",     "arm,gic-v3-its",
	"pci-host-ecam-generic", "pci-host-cam-generic", NULL,
};

/* Properties of bus masters: how their accesses reach memory (coherence,
 * an IOMMU, address translation, MSI writes) or that they are a DMA
 * engine other devices use. */
static const char *const dma_props[] = {
	"dma-coherent", "dma-noncoherent", "iommus",
	"iommu-map",    "dma-ranges",      "msi-parent",
	"msi-map",      "#dma-cells",      NULL,
};

/* One node on the path from the root to where the walk is. */
struct dma_level {
	int node;
	uint32_t ac, sc; /* its #address-cells and #size-cells */
};

struct dma_walk {
	const struct fdt *f;
	uint64_t hpa, size; /* the range asked about */
	int depth;          /* of the node looked at */
	struct dma_level up[DMA_MAX_DEPTH];
	struct ptdev_dma *out;
};

static uint32_t dma_prop_u32(const struct fdt *f, int node, const char *name,
			     uint32_t dflt)
{
	struct fdt_prop p;

	if (fdt_get_prop(f, node, name, &p) != FDT_OK || p.len != 4)
		return dflt;
	return fdt_be32(p.data);
}

/* 'addr' through one non-empty "ranges" (child address 'cac' cells,
 * parent 'pac', size 'sc'); false when no entry covers it. */
static bool dma_range_map(const struct fdt_prop *p, uint32_t cac, uint32_t pac,
			  uint32_t sc, uint64_t *addr)
{
	unsigned stride = cac + pac + sc;
	uint64_t child, parent, len;

	if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || sc < 1 || sc > 2)
		return false;
	for (unsigned i = 0; (i + 1) * stride * 4 <= p->len; i++) {
		fdt_prop_cells(p, i * stride, cac, &child);
		fdt_prop_cells(p, i * stride + cac, pac, &parent);
		fdt_prop_cells(p, i * stride + cac + pac, sc, &len);
		if (*addr >= child && *addr - child < len) {
			*addr = parent + (*addr - child);
			return true;
		}
	}
	return false;
}

/* 'addr', in the address space of the children of the node at depth
 * 'd', as a host-physical address: through every "ranges" above it.
 * False when a bus on the way has none (its children are not memory-
 * mapped) or does not cover it. */
static bool dma_translate(const struct dma_walk *w, int d, uint64_t *addr)
{
	for (; d > 0; d--) {
		const struct dma_level *bus = &w->up[d];
		struct fdt_prop p;

		if (fdt_get_prop(w->f, bus->node, "ranges", &p) != FDT_OK)
			return false;
		if (p.len &&
		    !dma_range_map(&p, bus->ac, w->up[d - 1].ac, bus->sc, addr))
			return false;
	}
	return true;
}

static bool dma_is_pci_host(const struct fdt *f, int node)
{
	struct fdt_prop p;

	return fdt_get_prop(f, node, "device_type", &p) == FDT_OK &&
	       fdt_prop_has_string(&p, "pci");
}

/* What makes the node a bus master, or NULL. */
static const char *dma_reason(const struct fdt *f, int node)
{
	struct fdt_prop p;

	if (fdt_get_prop(f, node, "compatible", &p) == FDT_OK)
		for (const char *const *c = dma_compatibles; *c; c++)
			if (fdt_prop_has_string(&p, *c))
				return *c;
	for (const char *const *n = dma_props; *n; n++)
		if (fdt_get_prop(f, node, *n, &p) == FDT_OK)
			return *n;
	if (dma_is_pci_host(f, node))
		return "device_type pci";
	return NULL;
}

/* "/a@1/b@2": the names on the walk's path, cut short if too long. */
static void dma_path(const struct dma_walk *w, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int d = 1; d <= w->depth; d++) {
		const char *name = fdt_node_name(w->f, w->up[d].node);
		size_t n = name ? strlen(name) : 1;
		if (len + 1 + n >= size)
			return;
		buf[len++] = '/';
		memcpy(buf + len, name ? name : "?", n);
		len += n;
		buf[len] = '\0';
	}
}

/* Whether [a, a+al) and [b, b+bl) overlap, without computing an end
 * that could wrap (the DTB's numbers are outside input). */
static bool dma_overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a >= b ? a - b < bl : b - a < al;
}

/* Records the node at the walk's depth if [base, base+len), an address
 * of its parent's children, overlaps the range asked about. */
static bool dma_hit(struct dma_walk *w, uint64_t base, uint64_t len,
		    const char *why, bool window)
{
	if (!len || !dma_translate(w, w->depth - 1, &base) ||
	    !dma_overlap(base, len, w->hpa, w->size))
		return false;
	dma_path(w, w->out->path, sizeof(w->out->path));
	w->out->why = why;
	w->out->base = base;
	w->out->size = len;
	w->out->window = window;
	return true;
}

/* Whether the node's "reg" overlaps the range. */
static bool dma_regs_hit(struct dma_walk *w, int node, const char *why)
{
	const struct dma_level *parent = &w->up[w->depth - 1];
	unsigned stride = parent->ac + parent->sc;
	uint64_t base, len;
	struct fdt_prop p;

	if (parent->ac < 1 || parent->ac > 2 || parent->sc < 1 ||
	    parent->sc > 2 || fdt_get_prop(w->f, node, "reg", &p) != FDT_OK)
		return false;
	for (unsigned i = 0; (i + 1) * stride * 4 <= p.len; i++) {
		fdt_prop_cells(&p, i * stride, parent->ac, &base);
		fdt_prop_cells(&p, i * stride + parent->ac, parent->sc, &len);
		if (dma_hit(w, base, len, why, false))
			return true;
	}
	return false;
}

/* Whether a window of the PCI host bridge 'node' overlaps the range:
 * "ranges" entries, three cells of PCI address first. */
static bool dma_windows_hit(struct dma_walk *w, int node, const char *why)
{
	const struct dma_level *self = &w->up[w->depth];
	uint32_t pac = w->up[w->depth - 1].ac;
	unsigned stride = self->ac + pac + self->sc;
	uint64_t base, len;
	struct fdt_prop p;

	if (pac < 1 || pac > 2 || self->sc < 1 || self->sc > 2 ||
	    fdt_get_prop(w->f, node, "ranges", &p) != FDT_OK)
		return false;
	for (unsigned i = 0; (i + 1) * stride * 4 <= p.len; i++) {
		fdt_prop_cells(&p, i * stride + self->ac, pac, &base);
		fdt_prop_cells(&p, i * stride + self->ac + pac, self->sc, &len);
		if (dma_hit(w, base, len, why, true))
			return true;
	}
	return false;
}

/* Looks at the node at the walk's depth. */
static bool dma_node(struct dma_walk *w, int node)
{
	const char *why = dma_reason(w->f, node);

	if (!why)
		return false;
	return dma_regs_hit(w, node, why) ||
	       (dma_is_pci_host(w->f, node) && dma_windows_hit(w, node, why));
}

bool ptdev_dma_find(const struct fdt *host, uint64_t hpa, uint64_t size,
		    struct ptdev_dma *out)
{
	struct dma_walk w = { .f = host, .hpa = hpa, .size = size, .out = out };
	int depth = 0;

	if (!host || !size)
		return false;
	w.up[0] =
		(struct dma_level){ 0,
				    dma_prop_u32(host, 0, "#address-cells", 2),
				    dma_prop_u32(host, 0, "#size-cells", 1) };
	for (int node = fdt_next_node(host, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(host, node, &depth)) {
		if (depth >= DMA_MAX_DEPTH)
			continue;
		w.depth = depth;
		w.up[depth] = (struct dma_level){
			node,
			dma_prop_u32(host, node, "#address-cells", 2),
			dma_prop_u32(host, node, "#size-cells", 1),
		};
		if (dma_node(&w, node))
			return true;
	}
	return false;
}

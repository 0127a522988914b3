/* The whole platform: passthrough_devices = [["/"]] (docs/config.md,
 * "The whole platform"). The host's devices are looked at once, when the
 * VM is created and before its DTB is written: each one the VM may have
 * becomes a ["/path"] entry of the VM's own copy of its config, so the
 * DTB writer and passthrough_init() see a plain list. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/guest_dtb.h>
#include <vmm/passthrough.h>
#include <vmm/ptdev.h>
#include <vmm/vm.h>

/* Nodes looked at: those under the root and one level below (the
 * devices of a simple-bus, the frames of a GIC). */
#define WHOLE_MAX_DEPTH 2

struct whole_walk {
	const struct fdt *host;
	const struct ptdev_irq_format *fmt;
	int node, depth;
	int skip; /* nodes below this depth are skipped (0: none) */
	char path[VMCFG_MAX_DEV_NAME];
	size_t len[WHOLE_MAX_DEPTH + 1]; /* of path at each depth */
};

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* The next node at depth 1..WHOLE_MAX_DEPTH, its path in w->path; false
 * at the end of the tree (or where it is malformed). A node whose path
 * does not fit is skipped with what is under it. */
static bool whole_next(struct whole_walk *w)
{
	for (;;) {
		w->node = fdt_next_node(w->host, w->node, &w->depth);
		if (w->node < 0 || w->depth < 1)
			return false;
		if (w->depth > WHOLE_MAX_DEPTH ||
		    (w->skip && w->depth > w->skip))
			continue;
		w->skip = 0;
		const char *name = fdt_node_name(w->host, w->node);
		size_t at = w->len[w->depth - 1], n = name ? strlen(name) : 0;
		if (!n)
			return false;
		if (at + 1 + n >= sizeof(w->path)) {
			w->skip = w->depth;
			continue;
		}
		w->path[at] = '/';
		memcpy(w->path + at + 1, name, n + 1);
		w->len[w->depth] = at + 1 + n;
		return true;
	}
}

static void whole_walk_init(struct whole_walk *w, const struct fdt *host,
			    const struct ptdev_irq_format *fmt)
{
	memset(w, 0, sizeof(*w));
	w->host = host;
	w->fmt = fmt;
}

/* A device to consider: registers, not memory, not disabled. */
static bool whole_is_device(const struct fdt *f, int node)
{
	struct fdt_prop p;

	if (fdt_get_prop(f, node, "reg", &p) != FDT_OK || !p.len)
		return false;
	if (fdt_get_prop(f, node, "device_type", &p) == FDT_OK &&
	    fdt_prop_has_string(&p, "memory"))
		return false;
	return fdt_get_prop(f, node, "status", &p) != FDT_OK ||
	       fdt_prop_has_string(&p, "okay") || fdt_prop_has_string(&p, "ok");
}

static bool whole_resolve(const struct whole_walk *w, struct ptdev *d,
			  struct vmcfg_pt_device *e, const char **why)
{
	memset(e, 0, sizeof(*e));
	e->is_dt_path = true;
	memcpy(e->name, w->path, strlen(w->path) + 1);
	return ptdev_resolve(w->host, w->fmt, e, d, why) == 0;
}

/* The VM's own device at guest [gpa, gpa+size), or NULL. */
static const char *vm_device_at(const struct vm *vm, uint64_t gpa,
				uint64_t size)
{
	for (unsigned i = 0; i < vm->mmio.count; i++)
		if (overlaps(gpa, size, vm->mmio.dev[i].base,
			     vm->mmio.dev[i].size))
			return vm->mmio.dev[i].name;
	return NULL;
}

static bool vm_ram_at(const struct vm *vm, uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < vm->as.count; i++)
		if (overlaps(gpa, size, vm->as.regions[i].gpa,
			     vm->as.regions[i].size))
			return true;
	return false;
}

static bool whole_excluded(const struct vm_config *c, const char *path)
{
	for (uint32_t i = 0; i < c->excluded_count; i++) {
		const char *e = c->excluded_devices[i];
		size_t n = strlen(e);
		if (n && !strncmp(path, e, n) &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

static bool whole_listed(const struct vm_config *c, const char *path)
{
	for (uint32_t i = 0; i < c->pt_device_count; i++)
		if (c->pt_devices[i].is_dt_path &&
		    !strcmp(c->pt_devices[i].name, path))
			return true;
	return false;
}

/* Whether range 'r' of device 'path' is someone else's, or can do DMA:
 * one warning line saying what the VM has instead, and true. */
static bool whole_range_left_out(const struct vm *vm, const struct fdt *host,
				 const char *path, const struct ptdev_region *r)
{
	const char *emu = vm_device_at(vm, r->gpa, r->size);
	struct hostres other;
	struct ptdev_dma dma;

	if (hostres_find(r->hpa, r->size, &other) &&
	    other.owner == HOSTRES_CVISOR) {
		if (emu)
			pr_warn("VM %s: whole platform: %s is %s, which cvisor "
				"keeps; the VM's emulated %s is in its place",
				vm->name, path, other.what, emu);
		else
			pr_warn("VM %s: whole platform: %s is %s, which cvisor "
				"keeps; left out",
				vm->name, path, other.what);
		return true;
	}
	if (emu) {
		pr_warn("VM %s: whole platform: %s: the VM's emulated %s is in "
			"its place",
			vm->name, path, emu);
		return true;
	}
	if (vm_ram_at(vm, r->gpa, r->size)) {
		pr_warn("VM %s: whole platform: %s lies in the VM's memory; "
			"left out",
			vm->name, path);
		return true;
	}
	if (hostres_find(r->hpa, r->size, &other)) {
		pr_warn("VM %s: whole platform: %s is given to VM %s; left out",
			vm->name, path, other.what ? other.what : "?");
		return true;
	}
	if (ptdev_dma_find(host, r->hpa, r->size, &dma)) {
		pr_warn("VM %s: whole platform: %s (%s) can do DMA and cvisor "
			"has no IOMMU; left out",
			vm->name, path, dma.why);
		return true;
	}
	return false;
}

/* Whether compatible list 'p' has a string containing 'part'. */
static bool compat_has_part(const struct fdt_prop *p, const char *part)
{
	const char *s = p->data;
	size_t n = strlen(part);

	for (uint32_t i = 0; i + n <= p->len; i++)
		if (!memcmp(s + i, part, n))
			return true;
	return false;
}

/* Why the device at 'node' can reset or power off the machine, or NULL:
 * it is the register block a syscon-reboot or syscon-poweroff node
 * writes (its "regmap"), or a watchdog, which resets the machine when
 * the VM that has it stops feeding it. */
static const char *whole_machine_control(const struct fdt *f, int node)
{
	static const char *const users[] = { "syscon-reboot",
					     "syscon-poweroff" };
	struct fdt_prop p;
	int depth = 0;

	if (fdt_get_prop(f, node, "compatible", &p) == FDT_OK &&
	    (compat_has_part(&p, "watchdog") || compat_has_part(&p, "wdt")))
		return "a watchdog";
	if (fdt_get_prop(f, node, "phandle", &p) != FDT_OK || p.len != 4)
		return NULL;
	uint32_t phandle = fdt_be32(p.data);
	for (int n = fdt_next_node(f, 0, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(f, n, &depth)) {
		if (fdt_get_prop(f, n, "regmap", &p) != FDT_OK || p.len != 4 ||
		    fdt_be32(p.data) != phandle ||
		    fdt_get_prop(f, n, "compatible", &p) != FDT_OK)
			continue;
		for (unsigned i = 0; i < sizeof(users) / sizeof(users[0]); i++)
			if (fdt_prop_has_string(&p, users[i]))
				return users[i];
	}
	return NULL;
}

/* Adds the device at w->path to 'c' unless it is left out (logged). */
static void whole_consider(const struct vm *vm, struct vm_config *c,
			   const struct whole_walk *w)
{
	struct vmcfg_pt_device e;
	struct ptdev d;
	const char *why = "";

	if (whole_excluded(c, w->path)) {
		pr_info("VM %s: whole platform: %s left out (excluded_devices)",
			vm->name, w->path);
		return;
	}
	if (whole_listed(c, w->path))
		return; /* its own entry gives it */
	/* Whose it is goes first: cvisor's GIC has interrupts no VM gets. */
	if (!ptdev_resolve_regs(w->host, w->path, &d, &why))
		for (unsigned r = 0; r < d.reg_count; r++)
			if (whole_range_left_out(vm, w->host, w->path,
						 &d.reg[r]))
				return;
	if ((why = whole_machine_control(w->host, w->node))) {
		pr_warn("VM %s: whole platform: %s (%s) can reset or power off "
			"the machine; left out",
			vm->name, w->path, why);
		return;
	}
	if (!whole_resolve(w, &d, &e, &why)) {
		pr_warn("VM %s: whole platform: %s %s; left out", vm->name,
			w->path, why);
		return;
	}
	if (c->pt_device_count == VMCFG_MAX_DEVICES) {
		pr_warn("VM %s: whole platform: %s: a VM has at most %u "
			"passthrough devices; left out",
			vm->name, w->path, VMCFG_MAX_DEVICES);
		return;
	}
	c->pt_devices[c->pt_device_count++] = e;
	pr_info("VM %s: whole platform: %s passed through", vm->name, w->path);
}

/* Whether the walk looks at the children of the node it is on: those
 * of a simple-bus (whose "ranges" must be empty for them to be given). */
static bool whole_is_bus(const struct fdt *f, int node)
{
	struct fdt_prop p;

	return fdt_get_prop(f, node, "compatible", &p) == FDT_OK &&
	       fdt_prop_has_string(&p, "simple-bus");
}

static bool whole_open_host(const struct vm *vm, struct fdt *host)
{
	const void *blob = hal_host_dtb();

	if (blob && fdt_open(host, blob, 1 << 20) == FDT_OK)
		return true;
	pr_error("VM %s: passthrough device /: there is no host device tree "
		 "to give; VM refused",
		 vm->name);
	return false;
}

int passthrough_whole_expand(struct vm *vm)
{
	unsigned irqchip;
	const struct guest_dtb_platform *plat = vm_arch_dtb_platform(&irqchip);
	struct whole_walk w;
	struct vm_config *c;
	struct fdt host;
	bool bus = false;

	if (!vmcfg_whole_platform(vm->cfg))
		return 0;
	if (!whole_open_host(vm, &host))
		return -1;
	c = kzalloc(sizeof(*c));
	if (!c) {
		pr_error("VM %s: out of memory", vm->name);
		return -1;
	}
	memcpy(c, vm->cfg, sizeof(*c));
	whole_walk_init(&w, &host, plat ? plat->irq_format : NULL);
	/* The root's devices, and those of its simple-buses. A device is
	 * given (or not) with what is under it: the GIC with its ITS. */
	while (whole_next(&w)) {
		if (w.depth == 1)
			bus = whole_is_bus(&host, w.node);
		if ((w.depth == 1 || bus) && whole_is_device(&host, w.node))
			whole_consider(vm, c, &w);
	}
	vm->cfg = c;
	vm->cfg_own = c;
	return 0;
}

/* The host device (with its children) that 'path' names, as one range:
 * from its lowest register to the end of its highest. */
static bool whole_extent(const struct whole_walk *w, uint64_t *base,
			 uint64_t *end)
{
	struct ptdev d;
	const char *why;

	if (ptdev_resolve_regs(w->host, w->path, &d, &why))
		return false;
	for (unsigned r = 0; r < d.reg_count; r++) {
		*base = MIN(*base, d.reg[r].hpa);
		*end = MAX(*end, d.reg[r].hpa + d.reg[r].size);
	}
	return true;
}

/* Whether host device w->path (at depth 1) is cvisor's: one of its
 * registers is in a range cvisor claimed. */
static bool whole_cvisors(const struct whole_walk *w, struct hostres *claim)
{
	struct ptdev d;
	const char *why;

	if (!whole_is_device(w->host, w->node) ||
	    ptdev_resolve_regs(w->host, w->path, &d, &why))
		return false;
	for (unsigned r = 0; r < d.reg_count; r++)
		if (hostres_find(d.reg[r].hpa, d.reg[r].size, claim) &&
		    claim->owner == HOSTRES_CVISOR)
			return true;
	return false;
}

/* Keeps [base, top) in *out if it meets [from, end) and lies lower than
 * what *out holds ('found'). */
static bool whole_kept_take(struct passthrough_kept *out, bool found,
			    uint64_t base, uint64_t top, uint64_t from,
			    uint64_t end)
{
	base = ALIGN_DOWN(base, PAGE_SIZE);
	top = ALIGN_UP(top, PAGE_SIZE);
	if (base >= top || !overlaps(from, end - from, base, top - base) ||
	    (found && base >= out->base))
		return false;
	out->base = base;
	out->size = top - base;
	return true;
}

/* The lowest of cvisor's host devices (each with its children: the GIC
 * with its ITS or v2m frames) that meets [from, end). */
static bool whole_kept_host(const struct fdt *host, uint64_t from, uint64_t end,
			    struct passthrough_kept *out)
{
	unsigned irqchip;
	const struct guest_dtb_platform *plat = vm_arch_dtb_platform(&irqchip);
	struct whole_walk w;
	struct hostres claim;
	char path[VMCFG_MAX_DEV_NAME];
	bool found = false, more;

	whole_walk_init(&w, host, plat ? plat->irq_format : NULL);
	more = whole_next(&w);
	while (more) {
		if (w.depth != 1 || !whole_cvisors(&w, &claim)) {
			more = whole_next(&w);
			continue;
		}
		uint64_t base = UINT64_MAX, top = 0;
		whole_extent(&w, &base, &top);
		memcpy(path, w.path, sizeof(path));
		while ((more = whole_next(&w)) && w.depth == 2)
			whole_extent(&w, &base, &top);
		if (whole_kept_take(out, found, base, top, from, end)) {
			found = true;
			memcpy(out->path, path, sizeof(out->path));
			out->what = claim.what;
		}
	}
	return found;
}

bool passthrough_whole_kept(const struct vm *vm, const struct fdt *host,
			    uint64_t from, uint64_t end,
			    struct passthrough_kept *out)
{
	bool found = host && whole_kept_host(host, from, end, out);

	for (unsigned i = 0; i < vm->mmio.count; i++) {
		const struct io_device *dev = &vm->mmio.dev[i];
		if (whole_kept_take(out, found, dev->base,
				    dev->base + dev->size, from, end)) {
			found = true;
			out->path[0] = '\0';
			out->what = dev->name;
		}
	}
	return found;
}

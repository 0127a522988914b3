/* Passthrough devices; see vmm/passthrough.h. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/guest_dtb.h>
#include <vmm/passthrough.h>
#include <vmm/ptdev.h>
#include <vmm/vm.h>

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static const char guest_ram[] = "its memory";

/* What else of the VM sits at [gpa, gpa+size): its RAM (guest_ram) or an
 * emulated device; NULL when nothing. */
static const char *guest_range_user(struct vm *vm, gpaddr_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < vm->as.count; i++)
		if (overlaps(gpa, size, vm->as.regions[i].gpa,
			     vm->as.regions[i].size))
			return guest_ram;
	for (unsigned i = 0; i < vm->mmio.count; i++)
		if (overlaps(gpa, size, vm->mmio.dev[i].base,
			     vm->mmio.dev[i].size))
			return vm->mmio.dev[i].name;
	return NULL;
}

static int pt_map(struct vm *vm, const char *dev, const struct ptdev_region *r)
{
	struct hostres other;
	const char *user;

	if (!IS_ALIGNED(r->gpa | r->hpa | r->size, PAGE_SIZE)) {
		pr_error("VM %s: passthrough %s at %#llx+%#llx is not page-aligned: "
			 "the guest would reach the registers next to it",
			 vm->name, dev, (unsigned long long)r->hpa,
			 (unsigned long long)r->size);
		return -1;
	}
	if ((user = guest_range_user(vm, r->gpa, r->size))) {
		pr_error("VM %s: passthrough %s at guest %#llx+%#llx overlaps %s",
			 vm->name, dev, (unsigned long long)r->gpa,
			 (unsigned long long)r->size, user);
		return -1;
	}
	if (hostres_claim(r->hpa, r->size, vm, vm->name, &other)) {
		pr_error("VM %s: passthrough %s at %#llx+%#llx: %s%s", vm->name,
			 dev, (unsigned long long)r->hpa,
			 (unsigned long long)r->size,
			 !other.what ? "too many host ranges are given away" :
			 other.owner == HOSTRES_CVISOR ?
				       "the host range is " :
				       "the host range is given to VM ",
			 other.what ? other.what : "");
		return -1;
	}
	int err = stage2_map(&vm->as.s2, r->gpa, r->hpa, r->size,
			     S2_READ | S2_WRITE | S2_DEVICE);
	if (err) {
		pr_error("VM %s: cannot map passthrough %s at guest %#llx: %s",
			 vm->name, dev, (unsigned long long)r->gpa,
			 err == -2 ?
				 "the guest already has something there" :
				 "out of memory or beyond the guest address space");
		return -1;
	}
	return 0;
}

/* Says why passthrough 'dev' is left out: the DMA device 'd' in its
 * range; then, on a line of its own (log lines are short), how to give
 * it: 'optin' is the name to list, NULL for passthrough_addresses. */
static void pt_dma_leave_out(struct vm *vm, const char *dev,
			     const struct ptdev_region *r,
			     const struct ptdev_dma *d, const char *optin,
			     bool *hinted)
{
	pr_warn("VM %s: passthrough %s at %#llx+%#llx: %s (%s) %s %#llx+%#llx%s "
		"can do DMA and cvisor has no IOMMU; left out",
		vm->name, dev, (unsigned long long)r->hpa,
		(unsigned long long)r->size, d->path, d->why,
		d->window ? "has a window at" : "at",
		(unsigned long long)d->base, (unsigned long long)d->size,
		d->window ? " onto devices that" : "");
	if (*hinted)
		return; /* once a VM is enough */
	*hinted = true;
	if (optin)
		pr_warn("VM %s: to give it all the same (the VM could then "
			"write any memory), list \"%s\" in "
			"devices.dma_passthrough",
			vm->name, optin);
	else
		pr_warn("VM %s: to give it all the same, make it a "
			"passthrough_devices entry and list that in "
			"devices.dma_passthrough",
			vm->name);
}

/* A host device that can do DMA in the range of passthrough 'dev' is
 * left out (1, after the warning) unless the config lists it in
 * devices.dma_passthrough ('allowed'): with no IOMMU, the guest driving
 * it could write any memory. The VM runs without it, as a whole-platform
 * VM does. Without a host DTB nothing is known, and nothing left out. */
static int pt_dma(struct vm *vm, const struct fdt *host, const char *dev,
		  const struct ptdev_region *r, const char *optin, bool allowed,
		  bool *hinted)
{
	struct ptdev_dma d;

	if (!ptdev_dma_find(host, r->hpa, r->size, &d))
		return 0;
	if (!allowed) {
		pt_dma_leave_out(vm, dev, r, &d, optin, hinted);
		return 1;
	}
	pr_warn("VM %s: passthrough %s: %s (%s) can do DMA; given as "
		"devices.dma_passthrough asks: the VM can write any memory, "
		"cvisor's included",
		vm->name, dev, d.path, d.why);
	return 0;
}

/* 0 (the interrupt forwarded), 1 (given without it, with a warning), or
 * -1 after logging why the VM is refused. */
static int pt_irq(struct vm *vm, const char *dev, unsigned irq)
{
	int err;

	if (vm->cfg->interrupt_mode != VMCFG_IRQ_PASSTHROUGH) {
		pr_warn("VM %s: passthrough %s: interrupt %u is not forwarded "
			"(interrupt_mode is not \"passthrough\")",
			vm->name, dev, irq);
		return 1;
	}
	/* The guest sees the host's number: the guest DTB copies the host
	 * node's interrupts, and configs name one number. */
	err = vm_arch_passthrough_irq(vm, irq, irq);
	if (err == -3) {
		pr_warn("VM %s: passthrough %s: interrupt %u is not forwarded "
			"(this arch forwards no host interrupts yet)",
			vm->name, dev, irq);
		return 1;
	}
	if (err)
		pr_error("VM %s: passthrough %s: host interrupt %u %s",
			 vm->name, dev, irq,
			 err == -2 ? "is already used by cvisor or another VM" :
				     "is not one a VM can be given");
	return err ? -1 : 0;
}

/* Host range [base, base+size) at the same guest address: each device
 * in it that can do DMA left out (one warning each), the rest mapped. */
static int pt_address(struct vm *vm, const struct fdt *host, uint64_t base,
		      uint64_t size, bool *hinted)
{
	struct ptdev_region r = { base, base, size };
	struct ptdev_dma d;

	if (!size)
		return 0;
	if (!ptdev_dma_find(host, base, size, &d))
		return pt_map(vm, "address", &r);
	uint64_t from = MAX(base, ALIGN_DOWN(d.base, PAGE_SIZE));
	uint64_t to = MIN(base + size, ALIGN_UP(d.base + d.size, PAGE_SIZE));
	if (pt_address(vm, host, base, from - base, hinted))
		return -1;
	r = (struct ptdev_region){ from, from, to - from };
	pt_dma_leave_out(vm, "address", &r, &d, NULL, hinted);
	return pt_address(vm, host, to, base + size - to, hinted);
}

/* passthrough_addresses[i]: what cvisor keeps in it (its interrupt
 * controller, its console UART, the VM's own emulated devices) is left
 * out, one warning line each, and the rest passed through. */
static int pt_address_range(struct vm *vm, const struct fdt *host, unsigned i,
			    bool *hinted)
{
	const struct vmcfg_pt_address *a = &vm->cfg->pt_addresses[i];
	uint64_t at = a->gpa, end = a->gpa + a->length;
	struct passthrough_kept k;

	while (at < end) {
		if (!passthrough_whole_kept(vm, host, at, end, &k))
			return pt_address(vm, host, at, end - at, hinted);
		if (k.base > at &&
		    pt_address(vm, host, at, k.base - at, hinted))
			return -1;
		uint64_t from = MAX(at, k.base), to = MIN(end, k.base + k.size);
		if (k.path[0])
			pr_warn("VM %s: passthrough_addresses[%u]: %#llx+%#llx is "
				"%s (%s), which cvisor keeps; not passed "
				"through, the VM has its emulated devices there",
				vm->name, i, (unsigned long long)from,
				(unsigned long long)(to - from), k.path,
				k.what);
		else
			pr_warn("VM %s: passthrough_addresses[%u]: %#llx+%#llx is "
				"the VM's emulated %s; not passed through",
				vm->name, i, (unsigned long long)from,
				(unsigned long long)(to - from), k.what);
		at = to;
	}
	return 0;
}

/* Whether passthrough device 'd' is one of cvisor's own (its interrupt
 * controller, its console UART: a range it claimed) with the VM's
 * emulated device of that kind at the same guest address: then the VM
 * has that one in its place, as on the whole platform, and the entry is
 * left out with a warning (AxVisor's files name QEMU's PLIC, UART, IOAPIC
 * and local APIC this way). Elsewhere in the guest, the claim refuses the
 * VM (pt_map). */
static bool pt_kept_in_place(struct vm *vm, const struct ptdev *d)
{
	struct hostres other;

	for (unsigned i = 0; i < d->reg_count; i++) {
		const struct ptdev_region *r = &d->reg[i];
		const char *emu = guest_range_user(vm, r->gpa, r->size);
		if (!emu || emu == guest_ram ||
		    !hostres_find(r->hpa, r->size, &other) ||
		    other.owner != HOSTRES_CVISOR)
			continue;
		pr_warn("VM %s: passthrough %s at %#llx+%#llx is %s, which "
			"cvisor keeps; the VM's emulated %s is in its place",
			vm->name, d->name, (unsigned long long)r->hpa,
			(unsigned long long)r->size, other.what, emu);
		return true;
	}
	return false;
}

/* Whether entry 'e' is left out: one of cvisor's devices with the VM's
 * own in its place, or one that can do DMA and that the config does not
 * allow to; true after the warnings. An entry that does not resolve is
 * kept, for passthrough_init() to refuse the VM naming it. */
static bool pt_left_out(struct vm *vm, const struct fdt *host,
			const struct ptdev_irq_format *fmt,
			const struct vmcfg_pt_device *e, bool *hinted)
{
	struct ptdev d;
	const char *why = "";

	if (vmcfg_pt_is_whole(e) || ptdev_resolve(host, fmt, e, &d, &why))
		return false;
	if (pt_kept_in_place(vm, &d))
		return true;
	for (unsigned r = 0; r < d.reg_count && !e->allow_dma; r++)
		if (pt_dma(vm, host, d.name, &d.reg[r], d.name, false, hinted))
			return true;
	return false;
}

int passthrough_prune(struct vm *vm)
{
	const void *blob = hal_host_dtb();
	unsigned irqchip;
	const struct guest_dtb_platform *plat = vm_arch_dtb_platform(&irqchip);
	const struct ptdev_irq_format *fmt = plat ? plat->irq_format : NULL;
	struct fdt host;
	bool have_host = blob && fdt_open(&host, blob, 1 << 20) == FDT_OK;
	bool drop[VMCFG_MAX_DEVICES], hinted = false;
	unsigned dropped = 0;

	for (unsigned i = 0; i < vm->cfg->pt_device_count; i++) {
		drop[i] = !vm->cfg->pt_devices[i].left_out &&
			  pt_left_out(vm, have_host ? &host : NULL, fmt,
				      &vm->cfg->pt_devices[i], &hinted);
		dropped += drop[i];
	}
	if (!dropped)
		return 0;
	struct vm_config *c = vm->cfg_own;
	if (!c) {
		c = kzalloc(sizeof(*c));
		if (!c) {
			pr_error("VM %s: out of memory", vm->name);
			return -1;
		}
		memcpy(c, vm->cfg, sizeof(*c));
		vm->cfg = vm->cfg_own = c;
	}
	/* Marked, not removed: the count still says the VM has
	 * passthrough entries, as its devices were made knowing. */
	for (unsigned i = 0; i < c->pt_device_count; i++)
		c->pt_devices[i].left_out |= drop[i];
	return 0;
}

int passthrough_init(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const void *blob = hal_host_dtb();
	unsigned irqchip;
	const struct guest_dtb_platform *plat = vm_arch_dtb_platform(&irqchip);
	struct fdt host;
	bool have_host = blob && fdt_open(&host, blob, 1 << 20) == FDT_OK;
	bool hinted = false;

	for (unsigned i = 0; i < cfg->pt_device_count; i++) {
		struct ptdev d;
		const char *why = "";
		if (vmcfg_pt_is_whole(&cfg->pt_devices[i]) ||
		    cfg->pt_devices[i].left_out)
			continue; /* expanded, or left out: passthrough_prune() */
		if (ptdev_resolve(have_host ? &host : NULL,
				  plat ? plat->irq_format : NULL,
				  &cfg->pt_devices[i], &d, &why)) {
			pr_error("VM %s: passthrough device %s %s", vm->name,
				 cfg->pt_devices[i].name, why);
			return -1;
		}
		/* What is not given went in passthrough_prune(); a device
		 * that can do DMA here is one the config allows. */
		int left_out = 0;
		for (unsigned r = 0; r < d.reg_count && !left_out; r++)
			left_out = pt_dma(vm, have_host ? &host : NULL, d.name,
					  &d.reg[r], d.name,
					  cfg->pt_devices[i].allow_dma,
					  &hinted);
		if (left_out)
			continue;
		for (unsigned r = 0; r < d.reg_count; r++)
			if (pt_map(vm, d.name, &d.reg[r]))
				return -1;
		unsigned forwarded = 0;
		for (unsigned k = 0; k < d.irq_count; k++) {
			int err = pt_irq(vm, d.name, d.irq[k]);
			if (err < 0)
				return -1;
			forwarded += !err;
		}
		pr_info("VM %s: passthrough %s: host %#llx+%#llx at guest %#llx%s%s",
			vm->name, d.name, (unsigned long long)d.reg[0].hpa,
			(unsigned long long)d.reg[0].size,
			(unsigned long long)d.reg[0].gpa,
			d.reg_count > 1 ? " (and more ranges)" : "",
			forwarded ? ", its interrupts forwarded" : "");
	}
	for (unsigned i = 0; i < cfg->pt_address_count; i++)
		if (pt_address_range(vm, have_host ? &host : NULL, i, &hinted))
			return -1;
	return 0;
}

void passthrough_destroy(struct vm *vm)
{
	hostres_release(vm);
}

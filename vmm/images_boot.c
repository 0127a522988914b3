/* The boot protocol side of loading: a Linux Image placed by its header
 * (raw binaries where the config says), and the guest DTB written or
 * rewritten and placed, its address becoming the boot vCPU's argument.
 *
 * Placement rules (docs/guests/linux-aarch64.md):
 * - An arm64 Image (recognised only by its magic) goes at kernel_load_addr
 *   when that is text_offset past a 2 MiB boundary, else at the first such
 *   address above it (a warning says so); it is entered at its first byte,
 *   whatever entry_point says. Its whole image_size must be guest RAM.
 * - Anything else is a raw binary at kernel_load_addr, entered at
 *   entry_point.
 * - The DTB goes at dtb_load_addr, or else in the last 2 MiB-aligned
 *   2 MiB of the first RAM region that has them (the top of the first RAM
 *   region if none does). */
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <lib/fdt.h>
#include <string.h>
#include <vmm/guest_dtb.h>
#include <vmm/images.h>
#include <vmm/linux_image.h>
#include <vmm/vm.h>

#define MIB (1ull << 20)
#define DTB_SLACK (64 * 1024)   /* room for what a rewrite adds */

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static int load_raw(struct vm *vm, const char *path, const uint8_t *data,
		    uint64_t size)
{
	const struct vm_config *c = vm->cfg;

	if (!vm_write_guest(vm, c->kernel_load_addr, data, size)) {
		pr_error("VM %s: kernel %s (%llu bytes) does not fit in guest RAM "
			 "at %#llx", vm->name, path, (unsigned long long)size,
			 (unsigned long long)c->kernel_load_addr);
		return -1;
	}
	vm->boot.entry = c->entry_point;
	vm->boot.kernel = c->kernel_load_addr;
	vm->boot.kernel_size = size;
	return 0;
}

static int load_image(struct vm *vm, const char *path, const uint8_t *data,
		      uint64_t size, const struct linux_image *img)
{
	const struct vm_config *c = vm->cfg;
	uint64_t load;

	if (linux_image_place(img, c->kernel_load_addr, &load) ||
	    !addrspace_gpa_to_host(&vm->as, load, img->image_size)) {
		pr_error("VM %s: kernel %s needs %llu bytes of guest RAM at %#llx "
			 "(text_offset %#llx past a 2 MiB boundary at or above "
			 "kernel_load_addr %#llx); the VM's memory does not have them",
			 vm->name, path, (unsigned long long)img->image_size,
			 (unsigned long long)load, (unsigned long long)img->text_offset,
			 (unsigned long long)c->kernel_load_addr);
		return -1;
	}
	if (load != c->kernel_load_addr)
		pr_warn("VM %s: kernel %s: kernel_load_addr %#llx breaks the arm64 "
			"boot protocol (text_offset %#llx from a 2 MiB boundary); "
			"loaded at %#llx", vm->name, path,
			(unsigned long long)c->kernel_load_addr,
			(unsigned long long)img->text_offset, (unsigned long long)load);
	if (c->entry_point != load)
		pr_warn("VM %s: kernel %s is an arm64 Image: entered at its start "
			"%#llx, not entry_point %#llx", vm->name, path,
			(unsigned long long)load, (unsigned long long)c->entry_point);
	vm_write_guest(vm, load, data, size);
	vm->boot.entry = load;
	vm->boot.kernel = load;
	vm->boot.kernel_size = img->image_size;
	pr_info("VM %s: Linux Image %s at %#llx (%llu KiB with bss)", vm->name,
		path, (unsigned long long)load,
		(unsigned long long)img->image_size >> 10);
	return 0;
}

int images_load_kernel(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size)
{
	struct linux_image img;
	int err = linux_image_parse(data, size, &img);

	if (err == LINUX_IMAGE_NOT_IMAGE)
		return load_raw(vm, path, data, size);
	if (err) {
		pr_error("VM %s: kernel %s: bad arm64 Image header: %s", vm->name,
			 path, linux_image_strerror(err));
		return -1;
	}
	return load_image(vm, path, data, size, &img);
}

int images_load_initrd(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size)
{
	gpaddr_t at = vm->cfg->ramdisk_load_addr;

	if (ranges_overlap(at, size, vm->boot.kernel, vm->boot.kernel_size)) {
		pr_error("VM %s: ramdisk %s at %#llx+%#llx overlaps the kernel at "
			 "%#llx+%#llx", vm->name, path, (unsigned long long)at,
			 (unsigned long long)size, (unsigned long long)vm->boot.kernel,
			 (unsigned long long)vm->boot.kernel_size);
		return -1;
	}
	if (!vm_write_guest(vm, at, data, size)) {
		pr_error("VM %s: ramdisk %s (%llu bytes) does not fit in guest RAM "
			 "at %#llx", vm->name, path, (unsigned long long)size,
			 (unsigned long long)at);
		return -1;
	}
	vm->boot.initrd = at;
	vm->boot.initrd_size = size;
	return 0;
}

/* dtb_load_addr, or else the last 2 MiB-aligned 2 MiB of the first RAM
 * region that has them, or else the top of the first RAM region. */
static gpaddr_t dtb_address(const struct vm_config *c, uint64_t size)
{
	const struct vmcfg_region *first = NULL;

	if (c->has_dtb_load_addr)
		return c->dtb_load_addr;
	for (uint32_t i = 0; i < c->region_count; i++) {
		const struct vmcfg_region *r = &c->regions[i];
		uint64_t end = r->gpa + r->size;
		if (r->flags & VMCFG_MEM_DEVICE)
			continue;
		if (!first)
			first = r;
		if (end >= 2 * MIB && (end & ~(2 * MIB - 1)) - 2 * MIB >= r->gpa)
			return (end & ~(2 * MIB - 1)) - 2 * MIB;
	}
	size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	return first && first->size >= size ? first->gpa + first->size - size : 0;
}

/* Checks that the DTB at 'at' (size bytes) is RAM and clear of the
 * kernel and initrd; logs why not. */
static bool dtb_place_ok(struct vm *vm, gpaddr_t at, uint64_t size)
{
	const char *clash = NULL;

	if (at & 7)
		clash = "is not 8-byte aligned";
	else if (!addrspace_gpa_to_host(&vm->as, at, size))
		clash = "is not guest RAM";
	else if (ranges_overlap(at, size, vm->boot.kernel, vm->boot.kernel_size))
		clash = "overlaps the kernel";
	else if (ranges_overlap(at, size, vm->boot.initrd, vm->boot.initrd_size))
		clash = "overlaps the ramdisk";
	if (clash)
		pr_error("VM %s: device tree at %#llx+%#llx %s", vm->name,
			 (unsigned long long)at, (unsigned long long)size, clash);
	return !clash;
}

int images_write_dtb(struct vm *vm, const char *user_path,
		     const uint8_t *user, uint64_t user_size)
{
	const struct vm_config *c = vm->cfg;
	struct guest_dtb_input in = {
		.cfg = c,
		.plat = vm_arch_dtb_platform(&in.irqchip_version),
		.initrd_start = vm->boot.initrd,
		.initrd_end = vm->boot.initrd + vm->boot.initrd_size,
		.host = hal_host_dtb(),
		.host_size = 1 << 20,
		.base = user,
		.base_size = user_size,
	};

	if (!in.plat) {
		vm->boot.arg = c->has_dtb_load_addr ? c->dtb_load_addr : 0;
		return 0;   /* this arch boots its guests without a DTB */
	}
	if (!vm->boot.initrd_size)
		in.initrd_end = in.initrd_start = 0;
	for (uint32_t i = 0; i < c->cpu_num; i++)
		in.cpu_hwid[i] = vcpu_arch_hwid(i);
	uint64_t cap = user_size + DTB_SLACK;
	if (cap > GUEST_DTB_MAX_SIZE)
		cap = GUEST_DTB_MAX_SIZE;
	size_t pages = (size_t)((cap + PAGE_SIZE - 1) / PAGE_SIZE);
	paddr_t buf = page_alloc(pages, PAGE_SIZE);
	if (!buf) {
		pr_error("VM %s: out of memory for its device tree", vm->name);
		return -1;
	}
	int size = guest_dtb_build(&in, pa_to_ptr(buf), (size_t)cap);
	gpaddr_t at = dtb_address(c, size < 0 ? 0 : (uint64_t)size);
	int ret = -1;
	if (size < 0)
		pr_error("VM %s: device tree%s%s: %s", vm->name,
			 user ? " " : "", user ? user_path : "",
			 guest_dtb_strerror(size));
	else if (dtb_place_ok(vm, at, (uint64_t)size)) {
		vm_write_guest(vm, at, pa_to_ptr(buf), (size_t)size);
		vm->boot.arg = at;
		pr_info("VM %s: device tree (%s, %d bytes) at %#llx", vm->name,
			user ? user_path : "generated", size, (unsigned long long)at);
		ret = 0;
	}
	page_free(buf, pages);
	return ret;
}

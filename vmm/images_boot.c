/* The boot protocol side of loading: the kernel placed by its header
 * (vmm/kernel_image.c) or by the config, and the guest DTB written or
 * rewritten and placed, its address becoming the boot vCPU's argument.
 *
 * Placement rules (docs/guests/kernel-formats.md):
 * - The kernel's format is its header's (an arm64 or riscv64 Image, a
 *   bzImage, a Multiboot kernel; anything else is a raw binary), unless
 *   kernel.boot_protocol says otherwise: "multiboot" needs a Multiboot
 *   header whatever else the file is, "uefi" hands the file as it is to
 *   the firmware (a raw binary). A format the arch does not boot
 *   (vm_arch_boot) refuses the VM before anything is placed.
 * - A kernel with a header goes at kernel_load_addr when its header
 *   allows that address, else at the first address above it that it
 *   allows (or where it must be), a warning saying so; it is entered where
 *   its header says, whatever entry_point says (a warning when they
 *   differ). All the memory it needs from there (bss, image_size,
 *   init_size) must be guest RAM; the loader zeroes a Multiboot bss.
 * - A raw binary is at kernel_load_addr, entered at entry_point.
 * - The DTB goes at dtb_load_addr, or else in the last 2 MiB-aligned
 *   2 MiB of the first RAM region that has them (the top of the first
 *   RAM region if none does). */
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <lib/fdt.h>
#include <stdio.h>
#include <string.h>
#include <vmm/guest_dtb.h>
#include <vmm/images.h>
#include <vmm/kernel_image.h>
#include <vmm/vm.h>

#define MIB       (1ull << 20)
#define DTB_SLACK (64 * 1024) /* room for what a rewrite adds */

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* "an arm64 Image or a raw binary": what this arch boots, the formats
 * with headers first. */
static const char *arch_formats(char *buf, size_t n)
{
	static const enum kimage_format order[] = {
		KIMAGE_ARM64,     KIMAGE_RISCV64, KIMAGE_BZIMAGE,
		KIMAGE_MULTIBOOT, KIMAGE_RAW,
	};
	const size_t count = sizeof(order) / sizeof(order[0]);
	unsigned left = 0;
	size_t used = 0;
	char one[48];

	for (size_t i = 0; i < count; i++)
		left += vm_arch_boot.kernel_formats >> order[i] & 1;
	buf[0] = '\0';
	for (size_t i = 0; i < count && used < n; i++) {
		struct kimage k = { .format = order[i] };
		if (!(vm_arch_boot.kernel_formats >> order[i] & 1))
			continue;
		left--;
		int w = snprintf(buf + used, n - used, "%s%s",
				 !used ? "" :
				 left  ? ", " :
					 " or ",
				 kimage_describe(&k, one, sizeof(one)));
		used += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

/* The kernel's format and layout as its header and boot_protocol say;
 * -1 after logging why when the VM cannot boot it. */
static int kernel_identify(struct vm *vm, const char *path, const uint8_t *data,
			   uint64_t size, struct kimage *k)
{
	char what[64];
	int err;

	switch (vmcfg_boot_protocol(vm->cfg)) {
	case VMCFG_BOOT_MULTIBOOT:
		err = kimage_parse_multiboot(data, (size_t)size, k);
		if (err != KIMAGE_NOT_MULTIBOOT)
			break;
		kimage_parse(data, (size_t)size, k);
		pr_error("VM %s: kernel %s is %s with no Multiboot header, which "
			 "kernel.boot_protocol \"multiboot\" needs",
			 vm->name, path,
			 kimage_describe(k, what, sizeof(what)));
		return -1;
	case VMCFG_BOOT_UEFI:
		kimage_raw(size, k); /* the firmware reads the file */
		err = KIMAGE_OK;
		break;
	default:
		err = kimage_parse(data, (size_t)size, k);
		break;
	}
	if (!(vm_arch_boot.kernel_formats >> k->format & 1)) {
		char can[160];
		pr_error("VM %s: kernel %s is %s; %s boots %s", vm->name, path,
			 kimage_describe(k, what, sizeof(what)),
			 vm_arch_boot.arch, arch_formats(can, sizeof(can)));
		return -1;
	}
	if (err)
		pr_error("VM %s: kernel %s: bad %s header: %s", vm->name, path,
			 kimage_format_name(k->format), kimage_strerror(err));
	return err ? -1 : 0;
}

/* Where the header lets the kernel go, for the messages. */
static const char *kernel_rule(const struct kimage *k, uint64_t hint, char *buf,
			       size_t n)
{
	unsigned long long h = hint;

	if (k->format == KIMAGE_ARM64)
		snprintf(buf, n,
			 "text_offset %#llx past a 2 MiB boundary at or "
			 "above kernel_load_addr %#llx",
			 (unsigned long long)k->align_offset, h);
	else if (k->format == KIMAGE_BZIMAGE && k->fixed)
		snprintf(buf, n, "at pref_address %#llx: not relocatable",
			 (unsigned long long)k->fixed_at);
	else if (k->format == KIMAGE_BZIMAGE)
		snprintf(buf, n,
			 "a multiple of kernel_alignment %#llx at or "
			 "above kernel_load_addr %#llx and pref_address %#llx",
			 (unsigned long long)k->align, h,
			 (unsigned long long)k->min_load);
	else if (k->format == KIMAGE_MULTIBOOT)
		snprintf(buf, n,
			 "at load_addr %#llx, as its Multiboot header says",
			 (unsigned long long)k->fixed_at);
	else
		snprintf(buf, n,
			 "a %#llx boundary at or above kernel_load_addr "
			 "%#llx",
			 (unsigned long long)k->align, h);
	return buf;
}

/* The warnings and the line that say where a kernel with a header went. */
static void kernel_report(struct vm *vm, const char *path,
			  const struct kimage *k, gpaddr_t load)
{
	static const char *const kind[KIMAGE_FORMAT_COUNT] = {
		[KIMAGE_ARM64] = "Linux Image",
		[KIMAGE_RISCV64] = "Linux riscv64 Image",
		[KIMAGE_BZIMAGE] = "Linux bzImage",
		[KIMAGE_MULTIBOOT] = "Multiboot kernel",
	};
	const struct vm_config *c = vm->cfg;

	if (load != c->kernel_load_addr) {
		char rule[160];
		pr_warn("VM %s: kernel %s: kernel_load_addr %#llx is not where its "
			"header lets it go (%s); loaded at %#llx",
			vm->name, path, (unsigned long long)c->kernel_load_addr,
			kernel_rule(k, c->kernel_load_addr, rule, sizeof(rule)),
			(unsigned long long)load);
	}
	if (c->bios_path[0] && c->entry_point == c->bios_load_addr) {
		/* entered there: the first stage starts the kernel */
	} else if (c->entry_point != vm->boot.entry &&
		   vmcfg_boot_protocol(c) == VMCFG_BOOT_MULTIBOOT &&
		   !c->bios_path[0]) {
		pr_info("VM %s: entry_point %#llx is where AxVisor's own first "
			"stage would run (Multiboot with no bios_path); cvisor "
			"loads the kernel in its place and enters it at %#llx",
			vm->name, (unsigned long long)c->entry_point,
			(unsigned long long)vm->boot.entry);
	} else if (c->entry_point != vm->boot.entry) {
		char what[64];
		pr_warn("VM %s: kernel %s is %s: entered at %#llx as its header "
			"says, not at entry_point %#llx",
			vm->name, path, kimage_describe(k, what, sizeof(what)),
			(unsigned long long)vm->boot.entry,
			(unsigned long long)c->entry_point);
	}
	pr_info("VM %s: %s %s at %#llx (%llu KiB of guest RAM), entered at %#llx",
		vm->name, kind[k->format], path, (unsigned long long)load,
		(unsigned long long)k->mem_size >> 10,
		(unsigned long long)vm->boot.entry);
}

/* Copies the kernel where kimage_place() says; -1 after logging when the
 * VM's RAM does not hold all it needs there. */
static int kernel_place(struct vm *vm, const char *path, const uint8_t *data,
			const struct kimage *k)
{
	const struct vm_config *c = vm->cfg;
	gpaddr_t load = c->kernel_load_addr;
	uint8_t *dst = NULL;
	char rule[160];

	if (kimage_place(k, c->kernel_load_addr, &load) == KIMAGE_OK)
		dst = addrspace_gpa_to_host(&vm->as, load, k->mem_size);
	if (!dst && k->format == KIMAGE_RAW)
		pr_error("VM %s: kernel %s (%llu bytes) does not fit in guest RAM "
			 "at %#llx",
			 vm->name, path, (unsigned long long)k->mem_size,
			 (unsigned long long)load);
	else if (!dst)
		pr_error("VM %s: kernel %s needs %llu bytes of guest RAM at %#llx "
			 "(%s); the VM's memory does not have them",
			 vm->name, path, (unsigned long long)k->mem_size,
			 (unsigned long long)load,
			 kernel_rule(k, c->kernel_load_addr, rule,
				     sizeof(rule)));
	if (!dst)
		return -1;
	if (k->load_size)
		memcpy(dst, data + k->file_offset, k->load_size);
	memset(dst + k->load_size, 0, k->zero_size);
	vm->boot.entry = k->entry_from_config ? c->entry_point :
						load + k->entry_offset;
	vm->boot.kernel = load;
	vm->boot.kernel_size = k->mem_size;
	if (k->format != KIMAGE_RAW)
		kernel_report(vm, path, k, load);
	return 0;
}

int images_load_kernel(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size)
{
	struct kimage k;

	if (kernel_identify(vm, path, data, size, &k) ||
	    kernel_place(vm, path, data, &k))
		return -1;
	if (vm_arch_boot.kernel_loaded)
		return vm_arch_boot.kernel_loaded(vm, path, &k, data, size);
	return 0;
}

int images_load_initrd(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size)
{
	gpaddr_t at = vm->cfg->ramdisk_load_addr;

	if (ranges_overlap(at, size, vm->boot.kernel, vm->boot.kernel_size)) {
		pr_error("VM %s: ramdisk %s at %#llx+%#llx overlaps the kernel at "
			 "%#llx+%#llx",
			 vm->name, path, (unsigned long long)at,
			 (unsigned long long)size,
			 (unsigned long long)vm->boot.kernel,
			 (unsigned long long)vm->boot.kernel_size);
		return -1;
	}
	if (!vm_write_guest(vm, at, data, size)) {
		pr_error("VM %s: ramdisk %s (%llu bytes) does not fit in guest RAM "
			 "at %#llx",
			 vm->name, path, (unsigned long long)size,
			 (unsigned long long)at);
		return -1;
	}
	vm->boot.initrd = at;
	vm->boot.initrd_size = size;
	return 0;
}

/* A clash of the first stage at 'at' with an image already placed. */
static bool bios_clashes(struct vm *vm, const char *path, uint64_t at,
			 uint64_t size, const char *what, gpaddr_t with,
			 uint64_t with_size)
{
	if (!ranges_overlap(at, size, with, with_size))
		return false;
	pr_error("VM %s: bios %s at %#llx+%#llx overlaps the %s at "
		 "%#llx+%#llx; VM refused",
		 vm->name, path, (unsigned long long)at,
		 (unsigned long long)size, what, (unsigned long long)with,
		 (unsigned long long)with_size);
	return true;
}

int images_check_bios(struct vm *vm, const char *path, uint64_t size)
{
	uint64_t at = vm->cfg->bios_load_addr, end = vm_arch_boot.bios_end;

	if (!end) {
		pr_error("VM %s: kernel.bios_path %s: %s runs no first-stage "
			 "firmware; VM refused",
			 vm->name, path, vm_arch_boot.arch);
		return -1;
	}
	if (bios_clashes(vm, path, at, size, "kernel", vm->boot.kernel,
			 vm->boot.kernel_size) ||
	    bios_clashes(vm, path, at, size, "ramdisk", vm->boot.initrd,
			 vm->boot.initrd_size))
		return -1;
	if (!size || at >= end || size > end - at) {
		pr_error("VM %s: bios %s at %#llx+%#llx does not fit below "
			 "%#llx, where %s enters a first stage; VM refused",
			 vm->name, path, (unsigned long long)at,
			 (unsigned long long)size, (unsigned long long)end,
			 vm_arch_boot.arch);
		return -1;
	}
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
		if (end >= 2 * MIB &&
		    (end & ~(2 * MIB - 1)) - 2 * MIB >= r->gpa)
			return (end & ~(2 * MIB - 1)) - 2 * MIB;
	}
	size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	return first && first->size >= size ? first->gpa + first->size - size :
					      0;
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
	else if (ranges_overlap(at, size, vm->boot.kernel,
				vm->boot.kernel_size))
		clash = "overlaps the kernel";
	else if (ranges_overlap(at, size, vm->boot.initrd,
				vm->boot.initrd_size))
		clash = "overlaps the ramdisk";
	if (clash)
		pr_error("VM %s: device tree at %#llx+%#llx %s", vm->name,
			 (unsigned long long)at, (unsigned long long)size,
			 clash);
	return !clash;
}

int images_write_dtb(struct vm *vm, const char *user_path, const uint8_t *user,
		     uint64_t user_size)
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
		return 0; /* this arch boots its guests without a DTB */
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
			user ? user_path : "generated", size,
			(unsigned long long)at);
		ret = 0;
	}
	page_free(buf, pages);
	return ret;
}

/* A VM's images: found (embedded or on the disk) and handed to the boot
 * protocol steps of images_boot.c. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/image_file.h>
#include <vmm/images.h>
#include <vmm/vm.h>

const struct embedded_file *images_find(const char *path)
{
	for (const struct embedded_file *f = embedded_images; f->name; f++)
		if (!strcmp(f->name, path))
			return f;
	return NULL;
}

/* The bytes of one image. Embedded files are used in place; a file on
 * the disk is read whole into pages that image_put() gives back (the
 * boot steps parse headers and device trees from memory). */
struct image_bytes {
	const uint8_t *data;
	uint64_t size;
	paddr_t pages;
	size_t npages;
};

static int image_get(struct vm *vm, const char *what, const char *path,
		     struct image_bytes *b)
{
	struct image_file f;

	memset(b, 0, sizeof(*b));
	if (image_file_open(vm, what, path, &f))
		return -1;
	b->size = f.size;
	if (f.mem) {
		b->data = f.mem->data;
		return 0;
	}
	b->npages = (size_t)((f.size + PAGE_SIZE - 1) / PAGE_SIZE);
	b->pages = b->npages ? page_alloc(b->npages, PAGE_SIZE) : 0;
	if (b->npages && !b->pages) {
		pr_error("VM %s: %s %s: no memory to read its %llu bytes",
			 vm->name, what, path, (unsigned long long)f.size);
		return -1;
	}
	b->data = pa_to_ptr(b->pages);
	if (b->npages &&
	    image_file_read(vm, &f, 0, pa_to_ptr(b->pages), f.size)) {
		page_free(b->pages, b->npages);
		return -1;
	}
	return 0;
}

static void image_put(struct image_bytes *b)
{
	if (b->npages)
		page_free(b->pages, b->npages);
}

/* The first stage (kernel.bios_path) at bios_load_addr, where the arch
 * starts the boot vCPU (vm_arch_boot.bios_end). */
static int bios_load(struct vm *vm, const char *path)
{
	gpaddr_t at = vm->cfg->bios_load_addr;
	struct image_file f;

	if (image_file_open(vm, "bios", path, &f) ||
	    images_check_bios(vm, path, f.size) || image_file_load(vm, &f, at))
		return -1;
	vm->boot.bios = at;
	vm->boot.bios_size = f.size;
	pr_info("VM %s: bios %s at %#llx (%llu bytes), entered first", vm->name,
		path, (unsigned long long)at, (unsigned long long)f.size);
	return 0;
}

int images_load(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	struct image_bytes b, dtb = { 0 };
	int err;

	if (image_get(vm, "kernel", c->kernel_path, &b))
		return -1;
	err = images_load_kernel(vm, c->kernel_path, b.data, b.size);
	image_put(&b);
	if (err)
		return -1;
	if (c->ramdisk_path[0]) {
		if (image_get(vm, "ramdisk", c->ramdisk_path, &b))
			return -1;
		err = images_load_initrd(vm, c->ramdisk_path, b.data, b.size);
		image_put(&b);
		if (err)
			return -1;
	}
	vm->boot.bios = vm->boot.bios_size = 0;
	if (c->bios_path[0] && bios_load(vm, c->bios_path))
		return -1;
	if (c->dtb_path[0] && image_get(vm, "dtb", c->dtb_path, &dtb))
		return -1;
	err = images_write_dtb(vm, c->dtb_path, dtb.data, dtb.size);
	image_put(&dtb);
	if (!err && vm_arch_boot.boot_info)
		err = vm_arch_boot.boot_info(vm);
	return err;
}

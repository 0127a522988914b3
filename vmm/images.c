#include <kernel/log.h>
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

static int image_load_one(struct vm *vm, const char *what, const char *path,
			  gpaddr_t addr)
{
	struct image_file f;

	if (image_file_open(vm, what, path, &f) || image_file_load(vm, &f, addr))
		return -1;
	return 0;
}

int images_load(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;

	if (image_load_one(vm, "kernel", c->kernel_path, c->kernel_load_addr))
		return -1;
	if (c->dtb_path[0] &&
	    image_load_one(vm, "dtb", c->dtb_path, c->dtb_load_addr))
		return -1;
	if (c->ramdisk_path[0] &&
	    image_load_one(vm, "ramdisk", c->ramdisk_path, c->ramdisk_load_addr))
		return -1;
	if (c->bios_path[0] &&
	    image_load_one(vm, "bios", c->bios_path, c->bios_load_addr))
		return -1;
	return 0;
}

#include <kernel/log.h>
#include <string.h>
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
	const struct embedded_file *f = images_find(path);

	if (!f) {
		pr_error("VM %s: %s %s is not embedded in this build", vm->name,
			 what, path);
		return -1;
	}
	if (!vm_write_guest(vm, addr, f->data, f->size)) {
		pr_error("VM %s: %s %s (%llu bytes) does not fit in guest RAM at %#llx",
			 vm->name, what, path, (unsigned long long)f->size,
			 (unsigned long long)addr);
		return -1;
	}
	pr_debug("VM %s: %s %s loaded at %#llx (%llu bytes)", vm->name, what,
		 path, (unsigned long long)addr, (unsigned long long)f->size);
	return 0;
}

int images_load(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;

	if (c->image_location != VMCFG_IMAGE_MEMORY) {
		pr_error("VM %s: image_location \"fs\" needs the FAT32 disk, which "
			 "this build does not read yet", vm->name);
		return -1;
	}
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

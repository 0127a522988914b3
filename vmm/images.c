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

/* The embedded file at 'path', or NULL after logging that it is not. */
static const struct embedded_file *image_get(struct vm *vm, const char *what,
					     const char *path)
{
	const struct embedded_file *f = images_find(path);

	if (!f)
		pr_error("VM %s: %s %s is not embedded in this build", vm->name,
			 what, path);
	return f;
}

static int image_load_one(struct vm *vm, const char *what, const char *path,
			  gpaddr_t addr)
{
	const struct embedded_file *f = image_get(vm, what, path);

	if (!f)
		return -1;
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
	const struct embedded_file *f, *dtb = NULL;

	if (c->image_location != VMCFG_IMAGE_MEMORY) {
		pr_error("VM %s: image_location \"fs\" needs the FAT32 disk, which "
			 "this build does not read yet", vm->name);
		return -1;
	}
	if (!(f = image_get(vm, "kernel", c->kernel_path)) ||
	    images_load_kernel(vm, c->kernel_path, f->data, f->size))
		return -1;
	if (c->ramdisk_path[0] &&
	    (!(f = image_get(vm, "ramdisk", c->ramdisk_path)) ||
	     images_load_initrd(vm, c->ramdisk_path, f->data, f->size)))
		return -1;
	if (c->bios_path[0] &&
	    image_load_one(vm, "bios", c->bios_path, c->bios_load_addr))
		return -1;
	if (c->dtb_path[0] && !(dtb = image_get(vm, "dtb", c->dtb_path)))
		return -1;
	return images_write_dtb(vm, c->dtb_path, dtb ? dtb->data : NULL,
				dtb ? dtb->size : 0);
}

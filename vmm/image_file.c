/* Image files from cvisor's embedded tables or from the disk. */
#include <kernel/log.h>
#include <string.h>
#include <vmm/disk.h>
#include <vmm/image_file.h>
#include <vmm/images.h>
#include <vmm/vm.h>

#define LOAD_CHUNK (1u << 20) /* bytes per read into guest memory */

int image_file_open(struct vm *vm, const char *what, const char *path,
		    struct image_file *f)
{
	const char *why;

	memset(f, 0, sizeof(*f));
	f->what = what;
	f->path = path;
	if (vm->cfg->image_location == VMCFG_IMAGE_MEMORY) {
		f->mem = images_find(path);
		if (!f->mem) {
			pr_error("VM %s: %s %s is not embedded in this build",
				 vm->name, what, path);
			return -1;
		}
		f->size = f->mem->size;
		return 0;
	}
	f->fs = disk_fs(&why);
	if (!f->fs) {
		pr_error("VM %s: %s %s is on the disk, which is not usable: %s",
			 vm->name, what, path, why);
		return -1;
	}
	if (fat_open(f->fs, path, &f->fat)) {
		pr_error("VM %s: %s: %s", vm->name, what,
			 fat_file_error(&f->fat));
		return -1;
	}
	if (f->fat.is_dir) {
		pr_error("VM %s: %s %s on the disk is a directory", vm->name,
			 what, path);
		return -1;
	}
	f->size = f->fat.size;
	return 0;
}

int image_file_read(struct vm *vm, struct image_file *f, uint64_t offset,
		    void *buf, size_t len)
{
	if (offset > f->size || len > f->size - offset) {
		pr_error("VM %s: %s %s: %zu bytes at %llu are past its end "
			 "(%llu bytes)",
			 vm->name, f->what, f->path, len,
			 (unsigned long long)offset,
			 (unsigned long long)f->size);
		return -1;
	}
	if (f->mem) {
		memcpy(buf, f->mem->data + offset, len);
		return 0;
	}
	long n = fat_read(f->fs, &f->fat, offset, buf, len);
	if (n != (long)len) {
		pr_error("VM %s: %s: %s", vm->name, f->what,
			 n < 0 ? fat_file_error(&f->fat) : "short read");
		return -1;
	}
	return 0;
}

int image_file_load(struct vm *vm, struct image_file *f, gpaddr_t gpa)
{
	if (!addrspace_gpa_to_host(&vm->as, gpa, f->size)) {
		pr_error("VM %s: %s %s (%llu bytes) does not fit in guest RAM "
			 "at %#llx",
			 vm->name, f->what, f->path,
			 (unsigned long long)f->size, (unsigned long long)gpa);
		return -1;
	}
	for (uint64_t off = 0; off < f->size; off += LOAD_CHUNK) {
		size_t n = (size_t)MIN((uint64_t)LOAD_CHUNK, f->size - off);
		void *dst = addrspace_gpa_to_host(&vm->as, gpa + off, n);
		if (!dst || image_file_read(vm, f, off, dst, n))
			return -1;
	}
	pr_debug("VM %s: %s %s loaded at %#llx (%llu bytes%s)", vm->name,
		 f->what, f->path, (unsigned long long)gpa,
		 (unsigned long long)f->size, f->fs ? ", from the disk" : "");
	return 0;
}

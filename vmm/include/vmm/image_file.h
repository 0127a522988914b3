/* A VM's image file, wherever it lives: embedded in cvisor at build time
 * (image_location = "memory") or on the disk's FAT32 (= "fs"). Loaders
 * open it, read its header, and stream it into guest memory without
 * caring which. Every error is logged naming the VM and the file. */
#ifndef VMM_IMAGE_FILE_H
#define VMM_IMAGE_FILE_H

#include <fs/fat32.h>
#include <kernel/types.h>

struct embedded_file;
struct vm;

struct image_file {
	const char *what; /* "kernel", "dtb", ... */
	const char *path;
	uint64_t size;
	const struct embedded_file *mem; /* "memory" */
	struct fat_fs *fs;               /* "fs" */
	struct fat_file fat;
};

/* Opens 'path' from where the VM's config says its images are. */
int image_file_open(struct vm *vm, const char *what, const char *path,
		    struct image_file *f);
/* Reads exactly 'len' bytes at 'offset' (a header, say). */
int image_file_read(struct vm *vm, struct image_file *f, uint64_t offset,
		    void *buf, size_t len);
/* Copies the whole file to guest-physical 'gpa', a chunk at a time
 * straight into guest memory; an error if it does not all fit in one
 * RAM region of the VM. */
int image_file_load(struct vm *vm, struct image_file *f, gpaddr_t gpa);

#endif

/* Guest images: files embedded in cvisor at build time (image_location =
 * "memory"), found by the path the config names, and loaded into guest
 * memory at the config's load addresses. */
#ifndef VMM_IMAGES_H
#define VMM_IMAGES_H

#include <kernel/types.h>

struct embedded_file {
	const char *name;
	const uint8_t *data;
	uint64_t size;
};

/* Tables written by scripts/embed.sh, each ended by a NULL name. */
extern const struct embedded_file embedded_configs[];
extern const struct embedded_file embedded_images[];

const struct embedded_file *images_find(const char *path);

struct vm;
/* Loads the kernel (and dtb/ramdisk/bios when given) of 'vm'. Returns 0,
 * or -1 after logging what is missing or does not fit, naming the VM, the
 * file and the address. */
int images_load(struct vm *vm);

#endif

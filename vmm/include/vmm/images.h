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

/* Tables written by scripts/embed.sh, each ended by a NULL name (the
 * host arch's machine, hal/sim, points them at its tests' files). */
extern const struct embedded_file *embedded_configs;
extern const struct embedded_file *embedded_images;

const struct embedded_file *images_find(const char *path);

struct vm;
/* Loads the kernel (and dtb/ramdisk/bios when given) of 'vm'. Returns 0,
 * or -1 after logging what is missing or does not fit, naming the VM, the
 * file and the address. */
int images_load(struct vm *vm);

/* The steps of images_load() that follow the boot protocol
 * (vmm/images_boot.c); each returns 0 or -1 after logging why, naming the
 * VM and the file. */
/* The kernel placed by its header (arm64, riscv64 Image, bzImage,
 * Multiboot), else as a raw binary, when the arch boots its format
 * (vm_arch_boot) and kernel.boot_protocol agrees. */
int images_load_kernel(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size);
/* The initrd at ramdisk_load_addr, clear of the kernel. */
int images_load_initrd(struct vm *vm, const char *path, const uint8_t *data,
		       uint64_t size);
/* Whether a first stage of 'size' bytes fits at bios_load_addr: below
 * the arch's vm_arch_boot.bios_end, clear of the kernel and initrd. Call
 * after both are placed. */
int images_check_bios(struct vm *vm, const char *path, uint64_t size);
/* The guest DTB: written from the config, or the user's ('user' non-NULL)
 * rewritten; placed at dtb_load_addr or its default. Call last. */
int images_write_dtb(struct vm *vm, const char *user_path, const uint8_t *user,
		     uint64_t user_size);

#endif

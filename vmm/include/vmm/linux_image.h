/* Linux kernel images: the arm64 `Image` header and where the boot
 * protocol lets the kernel sit (Documentation/arch/arm64/booting.rst).
 *
 * Pure functions (buffer in, result or error out), built for the
 * hypervisor and for the host, where they are unit-tested and fuzzed. */
#ifndef VMM_LINUX_IMAGE_H
#define VMM_LINUX_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define LINUX_IMAGE_HEADER_SIZE   64
#define LINUX_ARM64_MAGIC         0x644d5241u /* "ARM\x64" at 0x38 */
#define LINUX_ARM64_ALIGN         0x200000ull /* base is 2 MiB aligned */
#define LINUX_ARM64_LEGACY_OFFSET 0x80000ull  /* image_size 0: pre-3.17 */
/* No kernel is this large; a bigger image_size is a corrupt header. */
#define LINUX_IMAGE_MAX_SIZE (1ull << 32)

enum linux_image_err {
	LINUX_IMAGE_OK = 0,
	LINUX_IMAGE_NOT_IMAGE = -1,  /* no magic: a raw binary */
	LINUX_IMAGE_BAD_OFFSET = -2, /* text_offset unaligned or >= 2 MiB */
	LINUX_IMAGE_BAD_SIZE = -3,   /* image_size smaller than the header
					 * or implausibly large */
	LINUX_IMAGE_NO_ROOM = -4,    /* placement overflows the address */
};

struct linux_image {
	uint64_t text_offset; /* from the 2 MiB aligned base */
	uint64_t image_size;  /* bytes the kernel needs from its start,
				 * bss included (at least the file size) */
	uint64_t flags;
	uint64_t file_size;
	int big_endian;         /* flags bit 0 */
	unsigned page_size_kib; /* 4, 16, 64, or 0 when unspecified */
	int legacy;             /* image_size was 0: offset assumed */
};

const char *linux_image_strerror(int err);

/* Parses the arm64 header of the 'size'-byte file at 'buf'. Returns
 * LINUX_IMAGE_NOT_IMAGE when the magic is absent (load it as a raw
 * binary), another negative error when the header is corrupt. */
int linux_image_parse(const void *buf, size_t size, struct linux_image *out);

/* Where the kernel goes given the config's address 'hint': 'hint' itself
 * when it is text_offset past a 2 MiB boundary, else the first address
 * above it that is. The kernel occupies [*load, *load + image_size). */
int linux_image_place(const struct linux_image *img, uint64_t hint,
		      uint64_t *load);

#endif

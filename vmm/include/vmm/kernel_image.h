/* Kernel files: which format a file is, found by its header, and what
 * its header says about where its bytes go and where it is entered.
 *
 * - arm64 Linux Image: "ARM\x64" at 0x38 (vmm/linux_image.c parses it);
 *   Documentation/arch/arm64/booting.rst.
 * - riscv64 Linux Image: "RSC\x05" at 0x38, the same 64-byte layout;
 *   Documentation/arch/riscv/boot-image-header.rst and boot.rst.
 * - x86 bzImage: "HdrS" at 0x202, the setup header at 0x1f1;
 *   Documentation/arch/x86/boot.rst.
 * - Multiboot v1: 0x1BADB002 at a 4-byte aligned offset in the first
 *   8 KiB, with its checksum; only the a.out kludge (flags bit 16) is
 *   placed, an ELF kernel is refused.
 * - anything else is a raw binary, placed by the config.
 *
 * Pure functions (buffer in, description or error out), built for the
 * hypervisor and for the host, where they are unit-tested and fuzzed.
 * Booting a format (registers, boot_params, Multiboot information) is the
 * arch's business; this says only where the bytes go. */
#ifndef VMM_KERNEL_IMAGE_H
#define VMM_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vmm/linux_image.h>

enum kimage_format {
	KIMAGE_RAW,
	KIMAGE_ARM64,
	KIMAGE_RISCV64,
	KIMAGE_BZIMAGE,
	KIMAGE_MULTIBOOT,
	KIMAGE_FORMAT_COUNT,
};

#define KIMAGE_RISCV64_MAGIC2      0x05435352u /* "RSC\x05" at 0x38 */
#define KIMAGE_RISCV64_ALIGN       0x200000ull /* rv64: a 2 MiB (PMD) boundary */
#define KIMAGE_RISCV64_MIN_VERSION 0x0002u     /* 0.2 brought magic2 */

#define KIMAGE_BZ_MAGIC     0x53726448u /* "HdrS" at 0x202 */
#define KIMAGE_BZ_BOOT_FLAG 0xaa55u     /* at 0x1fe */
/* 2.12 (Linux 3.8) brought xloadflags, the only way a header says that
 * the kernel has the 64-bit entry point. */
#define KIMAGE_BZ_MIN_VERSION   0x020cu
#define KIMAGE_BZ_HEADER_END    0x268u /* through init_size */
#define KIMAGE_BZ_LOADED_HIGH   0x01u  /* loadflags: at 1 MiB up */
#define KIMAGE_BZ_XLF_KERNEL_64 0x01u  /* xloadflags: 64-bit entry */
#define KIMAGE_BZ_XLF_ABOVE_4G  0x02u  /* xloadflags: may pass 4 GiB */
#define KIMAGE_BZ_ENTRY64       0x200u /* 64-bit entry, from the load */

#define KIMAGE_MB_MAGIC          0x1badb002u
#define KIMAGE_MB_SEARCH         8192u      /* the header is in these bytes */
#define KIMAGE_MB_AOUT_KLUDGE    (1u << 16) /* the address fields are valid */
#define KIMAGE_MB_KNOWN_REQUIRED 0x7u       /* of the required bits 0-15 */

enum kimage_err {
	KIMAGE_OK = 0,
	KIMAGE_ARM64_BAD_OFFSET = -1, /* linux_image.c's errors */
	KIMAGE_ARM64_BAD_SIZE = -2,
	KIMAGE_RISCV64_BAD_VERSION = -3, /* magic2 with a version below 0.2 */
	KIMAGE_RISCV64_BAD_OFFSET =
		-4,                   /* text_offset not a multiple of 2 MiB */
	KIMAGE_RISCV64_BAD_SIZE = -5, /* image_size < 64 bytes or > 4 GiB */
	KIMAGE_BZ_BAD_BOOT_FLAG = -6, /* "HdrS" without 0xAA55 at 0x1fe */
	KIMAGE_BZ_TRUNCATED = -7,     /* the file ends within its setup */
	KIMAGE_BZ_OLD_PROTOCOL = -8,  /* before 2.12: no 64-bit entry known */
	KIMAGE_BZ_NOT_LOADED_HIGH = -9, /* a zImage, loaded below 1 MiB */
	KIMAGE_BZ_NO_64BIT_ENTRY = -10, /* xloadflags: a 32-bit kernel */
	KIMAGE_BZ_BAD_SYSSIZE = -11,    /* short of the 64-bit entry, or past
					 * the file */
	KIMAGE_BZ_BAD_ALIGN = -12,      /* relocatable, alignment not 2^n */
	KIMAGE_BZ_BAD_INIT_SIZE = -13, /* smaller than the kernel's own bytes */
	KIMAGE_MB_BAD_CHECKSUM = -14,  /* a magic, but no checksum matches */
	KIMAGE_MB_TRUNCATED = -15,     /* the header's address fields cut off */
	KIMAGE_MB_BAD_FLAGS = -16,     /* requires what no loader knows */
	KIMAGE_MB_NEEDS_ELF = -17,     /* no a.out kludge: an ELF kernel */
	KIMAGE_MB_BAD_HEADER_ADDR = -18, /* load_addr above header_addr, or
					   * the load starts before the file */
	KIMAGE_MB_BAD_LOAD_END = -19,    /* load_end_addr before the header's
					 * end, past the file, or past 4 GiB */
	KIMAGE_MB_BAD_BSS_END = -20,     /* bss_end_addr below load_end_addr */
	KIMAGE_MB_BAD_ENTRY = -21,  /* entry_addr outside the loaded bytes */
	KIMAGE_NOT_MULTIBOOT = -22, /* kimage_parse_multiboot(): no header */
	KIMAGE_NO_ROOM = -23,       /* placement runs past its limit */
};

struct kimage_riscv64 {
	uint64_t text_offset, image_size, flags;
	uint32_t version; /* major << 16 | minor */
	bool big_endian;  /* flags bit 0 */
};

struct kimage_bzimage {
	uint16_t version;     /* 0x020f: 2.15 */
	unsigned setup_sects; /* as used: 0 in the file reads as 4 */
	uint64_t setup_size;  /* (setup_sects + 1) * 512: the real-mode
				  * part, whose header the arch copies */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t syssize; /* 16-byte paragraphs of protected-mode code */
	uint32_t code32_start;
	uint32_t kernel_alignment;
	bool relocatable;
	uint64_t pref_address;
	uint32_t init_size;
};

struct kimage_multiboot {
	uint64_t header_offset; /* in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr,
		entry_addr;
};

/* Where a kernel's bytes go and where it starts. The kernel occupies
 * [load, load + mem_size): file bytes [file_offset, file_offset +
 * load_size) at 'load', then zero_size bytes the loader zeroes, then
 * memory the kernel uses on its own (bss, decompression). */
struct kimage {
	enum kimage_format format;
	uint64_t file_size;
	uint64_t file_offset, load_size, zero_size, mem_size;
	/* Where 'load' may be: 'fixed_at' exactly, or else the first address
	 * at or above the config's (and at or above min_load) that is
	 * align_offset past a multiple of 'align' (a power of two). */
	bool fixed;
	uint64_t fixed_at, min_load, align, align_offset;
	uint64_t limit; /* load + mem_size stays at or below it */
	/* Entered at load + entry_offset, or at the config's entry_point. */
	bool entry_from_config;
	uint64_t entry_offset;
	union {
		struct linux_image arm64;
		struct kimage_riscv64 riscv64;
		struct kimage_bzimage bz;
		struct kimage_multiboot mb;
	} h; /* the header's fields, by format */
};

const char *kimage_strerror(int err);
/* "arm64 Image", "x86 bzImage", ...; "unknown format" out of range. */
const char *kimage_format_name(enum kimage_format f);
/* Writes "an x86 bzImage (boot protocol 2.15)" and the like into 'buf'
 * ('n' bytes, always terminated); returns 'buf'. */
const char *kimage_describe(const struct kimage *k, char *buf, size_t n);

/* Identifies the 'size'-byte file at 'buf' by its header (arm64 Image,
 * riscv64 Image, bzImage, Multiboot, in this order; raw when none) and
 * parses it. Returns KIMAGE_OK, or a negative error for a corrupt
 * header; out->format is set either way. */
int kimage_parse(const void *buf, size_t size, struct kimage *out);
/* The Multiboot header alone, whatever else the file is:
 * KIMAGE_NOT_MULTIBOOT when it has none. */
int kimage_parse_multiboot(const void *buf, size_t size, struct kimage *out);
/* The file as a raw binary, its header unread ('size' bytes). */
void kimage_raw(uint64_t size, struct kimage *out);

/* Where the kernel goes given the config's address 'hint' (see struct
 * kimage). KIMAGE_NO_ROOM when that runs past the limit. */
int kimage_place(const struct kimage *k, uint64_t hint, uint64_t *load);

#endif

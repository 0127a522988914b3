/* Unit tests of the kernel formats (vmm/kernel_image.c): each format
 * recognised and placed, and one test per error code, on headers built
 * here field by field. */
#include <stdint.h>
#include <string.h>

#include <vmm/kernel_image.h>
#include "unit.h"

static uint8_t file[16384];

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void arm64(uint64_t text_offset, uint64_t image_size)
{
	memset(file, 0, sizeof(file));
	put(file + 8, text_offset, 8);
	put(file + 16, image_size, 8);
	put(file + 24, 0xa, 8);
	memcpy(file + 0x38, "ARM\x64", 4);
}

/* Like Linux 6.x's head.S: text_offset 2 MiB, header 0.2. */
static void riscv64(uint64_t text_offset, uint64_t image_size, uint32_t version)
{
	memset(file, 0, sizeof(file));
	put(file + 8, text_offset, 8);
	put(file + 16, image_size, 8);
	put(file + 32, version, 4);
	memcpy(file + 0x30, "RISCV\0\0\0", 8);
	memcpy(file + 0x38, "RSC\x05", 4);
}

/* A 4 KiB bzImage of protocol 2.15: one setup sector after the boot
 * sector, 3 KiB of protected-mode code (syssize 192), relocatable at
 * 2 MiB multiples from 16 MiB, 64 KiB of init_size, 64-bit entry,
 * loadable above 4 GiB. */
#define BZ_SIZE 4096
static void bz(void)
{
	memset(file, 0, sizeof(file));
	file[0x1f1] = 1;
	put(file + 0x1f4, (BZ_SIZE - 1024) / 16, 4);
	put(file + 0x1fe, 0xaa55, 2);
	memcpy(file + 0x202, "HdrS", 4);
	put(file + 0x206, 0x020f, 2);
	file[0x211] = 0x01;
	put(file + 0x214, 0x100000, 4);
	put(file + 0x230, 0x200000, 4);
	file[0x234] = 1;
	put(file + 0x236, 0x3, 2);
	put(file + 0x258, 0x1000000, 8);
	put(file + 0x260, 0x10000, 4);
}

/* A Multiboot header at 'at' with the a.out kludge (when 'flags' has
 * bit 16) and a matching checksum. */
static void mb(size_t at, uint32_t flags, uint32_t header_addr,
	       uint32_t load_addr, uint32_t load_end, uint32_t bss_end,
	       uint32_t entry)
{
	memset(file, 0, sizeof(file));
	put(file + at, 0x1badb002, 4);
	put(file + at + 4, flags, 4);
	put(file + at + 8, (uint32_t) - (0x1badb002u + flags), 4);
	put(file + at + 12, header_addr, 4);
	put(file + at + 16, load_addr, 4);
	put(file + at + 20, load_end, 4);
	put(file + at + 24, bss_end, 4);
	put(file + at + 28, entry, 4);
}

#define MB_AOUT (1u << 16)

static int parse(size_t size, struct kimage *k)
{
	memset(k, 0x5a, sizeof(*k));
	return kimage_parse(file, size, k);
}

/* ---- each format */

UNIT_TEST(kimage_raw_when_no_header)
{
	struct kimage k;
	uint64_t load = 0;

	memset(file, 0x11, 256);
	CHECK_EQ_INT(parse(256, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_RAW);
	CHECK_EQ_INT(k.file_offset, 0);
	CHECK_EQ_INT(k.load_size, 256);
	CHECK_EQ_INT(k.mem_size, 256);
	CHECK(k.entry_from_config);
	CHECK_EQ_INT(kimage_place(&k, 0x40080123, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x40080123);
	CHECK_EQ_INT(parse(0, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_RAW);
	CHECK_EQ_INT(kimage_place(&k, UINT64_MAX - 10, &load), KIMAGE_OK);
	kimage_raw(64, &k);
	CHECK_EQ_INT(kimage_place(&k, UINT64_MAX - 10, &load), KIMAGE_NO_ROOM);
}

UNIT_TEST(kimage_arm64_image)
{
	struct kimage k;
	uint64_t load = 0;

	arm64(0, 0x2000000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_ARM64);
	CHECK_EQ_INT(k.load_size, 4096);
	CHECK_EQ_INT(k.mem_size, 0x2000000);
	CHECK_EQ_INT(k.zero_size, 0);
	CHECK(!k.entry_from_config);
	CHECK_EQ_INT(k.entry_offset, 0);
	CHECK_EQ_INT(k.h.arm64.page_size_kib, 4);
	/* The placement rule of linux_image_place(). */
	CHECK_EQ_INT(kimage_place(&k, 0x40080000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x40200000);
	arm64(0x80000, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(kimage_place(&k, 0x40080000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x40080000);
	CHECK_EQ_INT(kimage_place(&k, 0x40090000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x40280000);
	CHECK_EQ_INT(kimage_place(&k, 0xffffffffffe80000ull, &load), KIMAGE_OK);
	arm64(0x80000, 0x200000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(kimage_place(&k, 0xffffffffffe80000ull, &load),
		     KIMAGE_NO_ROOM);
	CHECK_EQ_INT(kimage_place(&k, UINT64_MAX - 0x1000, &load),
		     KIMAGE_NO_ROOM);
}

UNIT_TEST(kimage_riscv64_image)
{
	struct kimage k;
	uint64_t load = 0;

	riscv64(0x200000, 0x1400000, 0x2);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_RISCV64);
	CHECK_EQ_INT(k.h.riscv64.text_offset, 0x200000);
	CHECK_EQ_INT(k.h.riscv64.version, 2);
	CHECK(!k.h.riscv64.big_endian);
	CHECK_EQ_INT(k.load_size, 4096);
	CHECK_EQ_INT(k.mem_size, 0x1400000);
	CHECK(!k.entry_from_config);
	CHECK_EQ_INT(k.entry_offset, 0);
	/* At a 2 MiB boundary: kept, or the next one up. */
	CHECK_EQ_INT(kimage_place(&k, 0x80200000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x80200000);
	CHECK_EQ_INT(kimage_place(&k, 0x80000000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x80000000);
	CHECK_EQ_INT(kimage_place(&k, 0x80001000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x80200000);
	/* An image_size under the file (a signature after it) keeps the file;
	 * M-mode kernels have text_offset 0; a later header version is fine. */
	riscv64(0, 1024, 0x10000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.mem_size, 4096);
}

UNIT_TEST(kimage_bzimage_relocatable)
{
	struct kimage k;
	uint64_t load = 0;
	char text[80];

	bz();
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_BZIMAGE);
	CHECK_EQ_INT(k.h.bz.version, 0x020f);
	CHECK_EQ_INT(k.h.bz.setup_size, 1024);
	CHECK_EQ_INT(k.h.bz.code32_start, 0x100000);
	CHECK(k.h.bz.relocatable);
	CHECK_EQ_INT(k.file_offset, 1024);
	CHECK_EQ_INT(k.load_size, BZ_SIZE - 1024);
	CHECK_EQ_INT(k.mem_size, 0x10000);
	CHECK_EQ_INT(k.entry_offset, 0x200);
	CHECK(!k.fixed);
	/* At or above pref_address, on a kernel_alignment multiple. */
	CHECK_EQ_INT(kimage_place(&k, 0x200000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x1000000);
	CHECK_EQ_INT(kimage_place(&k, 0x2000000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x2000000);
	CHECK_EQ_INT(kimage_place(&k, 0x2000001, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x2200000);
	CHECK_EQ_INT(kimage_place(&k, 0x100000000ull, &load), KIMAGE_OK);
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)),
		     "an x86 bzImage (boot protocol 2.15)");
}

UNIT_TEST(kimage_bzimage_fixed_and_below_4g)
{
	struct kimage k;
	uint64_t load = 0;

	/* Not relocatable: at pref_address, whatever the config says;
	 * kernel_alignment is not looked at. setup_sects 0 reads as 4. */
	bz();
	file[0x1f1] = 0;
	put(file + 0x1f4, (8192 - 2560) / 16, 4);
	file[0x234] = 0;
	put(file + 0x230, 0, 4);
	put(file + 0x236, 0x1, 2);
	CHECK_EQ_INT(parse(8192, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.h.bz.setup_sects, 4);
	CHECK_EQ_INT(k.file_offset, 2560);
	CHECK_EQ_INT(k.load_size, 8192 - 2560);
	CHECK(k.fixed);
	CHECK_EQ_INT(kimage_place(&k, 0x40000000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x1000000);
	/* Without XLF_CAN_BE_LOADED_ABOVE_4G it must end below 4 GiB. */
	put(file + 0x258, 0xfffff000ull, 8);
	CHECK_EQ_INT(parse(8192, &k), KIMAGE_OK);
	CHECK_EQ_INT(kimage_place(&k, 0, &load), KIMAGE_NO_ROOM);
	/* A last paragraph cut short (no padding) is the file's end. */
	bz();
	CHECK_EQ_INT(parse(BZ_SIZE - 7, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.load_size, BZ_SIZE - 7 - 1024);
}

UNIT_TEST(kimage_multiboot_aout_kludge)
{
	struct kimage k;
	uint64_t load = 0;

	/* NimbOS-like: the header 0x40 bytes into a binary linked at 2 MiB,
	 * loaded from its start to 1 KiB, bss to 0x20_2000. */
	mb(0x40, MB_AOUT | 0x2, 0x200040, 0x200000, 0x200400, 0x202000,
	   0x200100);
	CHECK_EQ_INT(parse(2048, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_MULTIBOOT);
	CHECK_EQ_INT(k.h.mb.header_offset, 0x40);
	CHECK_EQ_INT(k.file_offset, 0);
	CHECK_EQ_INT(k.load_size, 0x400);
	CHECK_EQ_INT(k.mem_size, 0x2000);
	CHECK_EQ_INT(k.zero_size, 0x1c00);
	CHECK_EQ_INT(k.entry_offset, 0x100);
	CHECK(k.fixed);
	CHECK_EQ_INT(kimage_place(&k, 0x40000000, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0x200000);
	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. A
	 * header deeper in the file than its address says starts the load
	 * after the file's start. */
	mb(0x1000, MB_AOUT, 0x100010, 0x100000, 0, 0, 0x100020);
	CHECK_EQ_INT(parse(0x3000, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.file_offset, 0xff0);
	CHECK_EQ_INT(k.load_size, 0x3000 - 0xff0);
	CHECK_EQ_INT(k.mem_size, k.load_size);
	CHECK_EQ_INT(k.zero_size, 0);
	/* The last place it may be: 8 KiB in, whole. */
	mb(8192 - 32, MB_AOUT, 0x100000, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(8192, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_MULTIBOOT);
}

UNIT_TEST(kimage_multiboot_search_rules)
{
	struct kimage k;

	/* Past the first 8 KiB, or unaligned: not a header. */
	mb(8192, MB_AOUT, 0x100000, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(8192 + 64, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_RAW);
	mb(0x42, MB_AOUT, 0x100000, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_RAW);
	/* A bad magic before a good one: the good one counts. */
	mb(0x100, MB_AOUT, 0x100100, 0x100000, 0, 0, 0x100000);
	put(file + 0x20, 0x1badb002, 4);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.h.mb.header_offset, 0x100);
	/* kimage_parse_multiboot() reads it under another header too (here
	 * a legacy arm64 one). */
	mb(0x100, MB_AOUT, 0x100100, 0x100000, 0, 0, 0x100000);
	memcpy(file + 0x38, "ARM\x64", 4);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_ARM64);
	CHECK_EQ_INT(kimage_parse_multiboot(file, 4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.format, KIMAGE_MULTIBOOT);
}

UNIT_TEST(kimage_names_and_descriptions)
{
	struct kimage k;
	char text[80];

	kimage_raw(10, &k);
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)), "a raw binary");
	k.format = KIMAGE_ARM64;
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)), "an arm64 Image");
	k.format = KIMAGE_RISCV64;
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)),
		     "a riscv64 Image");
	k.format = KIMAGE_MULTIBOOT;
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)),
		     "a Multiboot image");
	k.format = KIMAGE_BZIMAGE;
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)), "an x86 bzImage");
	CHECK_EQ_STR(kimage_describe(&k, text, 6), "an x8");
	CHECK_EQ_STR(kimage_format_name(KIMAGE_FORMAT_COUNT), "unknown format");
	/* Every error has its own message. */
	for (int e = KIMAGE_ARM64_BAD_OFFSET; e >= KIMAGE_NO_ROOM; e--) {
		CHECK(!strstr(kimage_strerror(e), "unknown"));
		for (int f = e - 1; f >= KIMAGE_NO_ROOM; f--)
			CHECK(strcmp(kimage_strerror(e), kimage_strerror(f)));
	}
	CHECK(strstr(kimage_strerror(KIMAGE_NO_ROOM - 1), "unknown"));
	CHECK(strstr(kimage_strerror(1), "unknown"));
}

/* ---- one test per error */

UNIT_TEST(kimage_err_arm64_bad_offset)
{
	struct kimage k;

	arm64(0x80001, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_ARM64_BAD_OFFSET);
	CHECK_EQ_INT(k.format, KIMAGE_ARM64);
	CHECK_EQ_STR(kimage_strerror(KIMAGE_ARM64_BAD_OFFSET),
		     "text_offset is not 4 KiB aligned below 2 MiB");
}

UNIT_TEST(kimage_err_arm64_bad_size)
{
	struct kimage k;

	arm64(0, 32);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_ARM64_BAD_SIZE);
	CHECK_EQ_INT(k.format, KIMAGE_ARM64);
}

UNIT_TEST(kimage_err_riscv64_bad_version)
{
	struct kimage k;

	riscv64(0x200000, 0x100000, 0x1);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_RISCV64_BAD_VERSION);
	CHECK_EQ_INT(k.format, KIMAGE_RISCV64);
}

UNIT_TEST(kimage_err_riscv64_bad_offset)
{
	struct kimage k;

	riscv64(0x80000, 0x100000, 0x2);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_RISCV64_BAD_OFFSET);
	riscv64(1ull << 32, 0x100000, 0x2);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_RISCV64_BAD_OFFSET);
}

UNIT_TEST(kimage_err_riscv64_bad_size)
{
	struct kimage k;

	riscv64(0x200000, 63, 0x2);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_RISCV64_BAD_SIZE);
	riscv64(0x200000, (1ull << 32) + 1, 0x2);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_RISCV64_BAD_SIZE);
}

UNIT_TEST(kimage_err_bz_bad_boot_flag)
{
	struct kimage k;

	bz();
	put(file + 0x1fe, 0x55aa, 2);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_BOOT_FLAG);
	CHECK_EQ_INT(k.format, KIMAGE_BZIMAGE);
}

UNIT_TEST(kimage_err_bz_truncated)
{
	struct kimage k;

	/* Within the header... */
	bz();
	CHECK_EQ_INT(parse(0x206, &k), KIMAGE_BZ_TRUNCATED);
	CHECK_EQ_INT(parse(0x267, &k), KIMAGE_BZ_TRUNCATED);
	/* ...or within the setup sectors. */
	CHECK_EQ_INT(parse(1024, &k), KIMAGE_BZ_TRUNCATED);
	file[0x1f1] = 10;
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_TRUNCATED);
}

UNIT_TEST(kimage_err_bz_old_protocol)
{
	struct kimage k;
	char text[80];

	bz();
	put(file + 0x206, 0x020b, 2);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_OLD_PROTOCOL);
	CHECK_EQ_STR(kimage_describe(&k, text, sizeof(text)),
		     "an x86 bzImage (boot protocol 2.11)");
}

UNIT_TEST(kimage_err_bz_not_loaded_high)
{
	struct kimage k;

	bz();
	file[0x211] = 0x80;
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_NOT_LOADED_HIGH);
}

UNIT_TEST(kimage_err_bz_no_64bit_entry)
{
	struct kimage k;

	bz();
	put(file + 0x236, 0x2, 2);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_NO_64BIT_ENTRY);
}

UNIT_TEST(kimage_err_bz_bad_syssize)
{
	struct kimage k;

	bz();
	put(file + 0x1f4, 0, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_SYSSIZE);
	/* One paragraph more than the file holds. */
	bz();
	CHECK_EQ_INT(parse(BZ_SIZE - 16, &k), KIMAGE_BZ_BAD_SYSSIZE);
	/* Too short to hold the 64-bit entry at 0x200. */
	bz();
	put(file + 0x1f4, 0x200 / 16, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_SYSSIZE);
	put(file + 0x1f4, 0x210 / 16, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_OK);
	CHECK_EQ_INT(k.load_size, 0x210);
}

UNIT_TEST(kimage_err_bz_bad_align)
{
	struct kimage k;

	bz();
	put(file + 0x230, 0x300000, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_ALIGN);
	put(file + 0x230, 0, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_ALIGN);
}

UNIT_TEST(kimage_err_bz_bad_init_size)
{
	struct kimage k;

	bz();
	put(file + 0x260, BZ_SIZE - 1024 - 1, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_BZ_BAD_INIT_SIZE);
}

UNIT_TEST(kimage_err_mb_bad_checksum)
{
	struct kimage k;

	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0, 0, 0x100000);
	file[0x48] ^= 1;
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_CHECKSUM);
	CHECK_EQ_INT(k.format, KIMAGE_MULTIBOOT);
}

UNIT_TEST(kimage_err_mb_truncated)
{
	struct kimage k;

	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(0x40 + 31, &k), KIMAGE_MB_TRUNCATED);
}

UNIT_TEST(kimage_err_mb_bad_flags)
{
	struct kimage k;

	mb(0x40, MB_AOUT | 1u << 3, 0x100040, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_FLAGS);
	/* Bits 0-2 and the optional upper half are fine. */
	mb(0x40, MB_AOUT | 0x7 | 1u << 20, 0x100040, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
}

UNIT_TEST(kimage_err_mb_needs_elf)
{
	struct kimage k;

	mb(0x40, 0x3, 0, 0, 0, 0, 0);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_NEEDS_ELF);
	CHECK(strstr(kimage_strerror(KIMAGE_MB_NEEDS_ELF), "ELF"));
}

UNIT_TEST(kimage_err_mb_bad_header_addr)
{
	struct kimage k;

	/* load_addr above header_addr. */
	mb(0x40, MB_AOUT, 0x100000, 0x100040, 0, 0, 0x100040);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_HEADER_ADDR);
	/* The load would start 0x40 bytes before the file. */
	mb(0x40, MB_AOUT, 0x100080, 0x100000, 0, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_HEADER_ADDR);
}

UNIT_TEST(kimage_err_mb_bad_load_end)
{
	struct kimage k;

	/* Past the file. */
	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0x101001, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_LOAD_END);
	/* Before the header's end. */
	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0x10005f, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_LOAD_END);
	/* Below load_addr. */
	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0xfffff, 0, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_LOAD_END);
	/* The rest of the file would run past 4 GiB. */
	mb(0x40, MB_AOUT, 0xfffff840, 0xfffff800, 0, 0, 0xfffff800);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_LOAD_END);
}

UNIT_TEST(kimage_err_mb_bad_bss_end)
{
	struct kimage k;

	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0x100800, 0x1007ff, 0x100000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_BSS_END);
}

UNIT_TEST(kimage_err_mb_bad_entry)
{
	struct kimage k;

	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0x100800, 0x200000, 0x100800);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_ENTRY);
	mb(0x40, MB_AOUT, 0x100040, 0x100000, 0x100800, 0, 0xfffff);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_MB_BAD_ENTRY);
}

UNIT_TEST(kimage_err_not_multiboot)
{
	struct kimage k;

	bz();
	CHECK_EQ_INT(kimage_parse_multiboot(file, BZ_SIZE, &k),
		     KIMAGE_NOT_MULTIBOOT);
	CHECK_EQ_INT(k.format, KIMAGE_RAW);
	CHECK_EQ_INT(kimage_parse_multiboot(file, 0, &k), KIMAGE_NOT_MULTIBOOT);
}

UNIT_TEST(kimage_err_no_room)
{
	struct kimage k;
	uint64_t load;

	/* An alignment that cannot be reached below the top. */
	bz();
	put(file + 0x230, 0x80000000u, 4);
	CHECK_EQ_INT(parse(BZ_SIZE, &k), KIMAGE_OK);
	CHECK_EQ_INT(kimage_place(&k, UINT64_MAX - 0x1000, &load),
		     KIMAGE_NO_ROOM);
	/* A Multiboot kernel is fixed: its bss cannot pass 4 GiB, and the
	 * placement stays below it. */
	mb(0x40, MB_AOUT, 0xfffff040, 0xfffff000, 0xfffff800, 0, 0xfffff000);
	CHECK_EQ_INT(parse(4096, &k), KIMAGE_OK);
	CHECK_EQ_INT(kimage_place(&k, 0, &load), KIMAGE_OK);
	CHECK_EQ_INT(load, 0xfffff000);
	CHECK_EQ_STR(kimage_strerror(KIMAGE_NO_ROOM),
		     "the kernel does not fit below the top of its address space");
}

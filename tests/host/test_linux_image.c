/* Unit tests of the arm64 Image header parser and placement
 * (vmm/linux_image.c): one test per error, the legacy header, flags, and
 * the placement rule. */
#include <stdint.h>
#include <string.h>

#include <vmm/linux_image.h>
#include "unit.h"

static uint8_t image[4096];

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header like Debian's 6.1 kernel: offset 0, 33 MiB, LE, 4K, anywhere. */
static void make_header(uint64_t text_offset, uint64_t image_size,
			uint64_t flags)
{
	memset(image, 0, sizeof(image));
	image[0] = 'M';
	image[1] = 'Z';
	put64(image + 8, text_offset);
	put64(image + 16, image_size);
	put64(image + 24, flags);
	memcpy(image + 0x38, "ARM\x64", 4);
}

UNIT_TEST(image_parses_modern_header)
{
	struct linux_image img;

	make_header(0, 0x2010000, 0xa);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(img.text_offset, 0);
	CHECK_EQ_INT(img.image_size, 0x2010000);
	CHECK_EQ_INT(img.file_size, sizeof(image));
	CHECK_EQ_INT(img.page_size_kib, 4);
	CHECK_EQ_INT(img.big_endian, 0);
	CHECK_EQ_INT(img.legacy, 0);
}

UNIT_TEST(image_flags_decoded)
{
	struct linux_image img;

	make_header(0x80000, 0x100000, 1 | 3 << 1);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(img.big_endian, 1);
	CHECK_EQ_INT(img.page_size_kib, 64);
	CHECK_EQ_INT(img.text_offset, 0x80000);
}

UNIT_TEST(image_without_magic_is_raw)
{
	struct linux_image img;

	make_header(0, 0x100000, 0);
	image[0x38] = 'B';
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_NOT_IMAGE);
	make_header(0, 0x100000, 0);
	CHECK_EQ_INT(linux_image_parse(image, 63, &img), LINUX_IMAGE_NOT_IMAGE);
	CHECK_EQ_INT(linux_image_parse(image, 0, &img), LINUX_IMAGE_NOT_IMAGE);
}

UNIT_TEST(image_legacy_header_assumes_offset)
{
	struct linux_image img;

	make_header(0x1234567, 0, 0xffff);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(img.legacy, 1);
	CHECK_EQ_INT(img.text_offset, 0x80000);
	CHECK_EQ_INT(img.image_size, sizeof(image));
	CHECK_EQ_INT(img.flags, 0);
}

UNIT_TEST(image_bad_offset)
{
	struct linux_image img;

	make_header(0x200000, 0x100000, 0);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_BAD_OFFSET);
	make_header(0x80001, 0x100000, 0);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_BAD_OFFSET);
}

UNIT_TEST(image_bad_size)
{
	struct linux_image img;

	make_header(0, 32, 0);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_BAD_SIZE);
	make_header(0, LINUX_IMAGE_MAX_SIZE + 1, 0);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_BAD_SIZE);
	CHECK(strstr(linux_image_strerror(LINUX_IMAGE_BAD_SIZE), "image_size"));
}

UNIT_TEST(image_size_covers_the_file)
{
	struct linux_image img;

	/* A header smaller than the file (an appended signature): the
	 * whole file is kept. */
	make_header(0, 1024, 0);
	CHECK_EQ_INT(linux_image_parse(image, sizeof(image), &img),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(img.image_size, sizeof(image));
}

UNIT_TEST(image_placement_rule)
{
	struct linux_image img = { .text_offset = 0, .image_size = 0x100000 };
	uint64_t load = 0;

	/* Already on the rule: kept. */
	CHECK_EQ_INT(linux_image_place(&img, 0x40200000, &load),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x40200000);
	/* AxVisor's usual 0x4008_0000 for an offset-0 kernel: moved up. */
	CHECK_EQ_INT(linux_image_place(&img, 0x40080000, &load),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x40200000);
	img.text_offset = 0x80000;
	CHECK_EQ_INT(linux_image_place(&img, 0x40080000, &load),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x40080000);
	CHECK_EQ_INT(linux_image_place(&img, 0x40000000, &load),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x40080000);
	CHECK_EQ_INT(linux_image_place(&img, 0x40090000, &load),
		     LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x40280000);
	CHECK_EQ_INT(linux_image_place(&img, 0, &load), LINUX_IMAGE_OK);
	CHECK_EQ_INT(load, 0x80000);
}

UNIT_TEST(image_placement_overflow)
{
	struct linux_image img = { .text_offset = 0x80000,
				   .image_size = 0x100000 };
	uint64_t load;

	CHECK_EQ_INT(linux_image_place(&img, UINT64_MAX - 0x1000, &load),
		     LINUX_IMAGE_NO_ROOM);
	/* Aligned, but the image runs past the top. */
	CHECK_EQ_INT(linux_image_place(&img, 0xffffffffffe80000ull, &load),
		     LINUX_IMAGE_OK);
	img.image_size = 0x200000;
	CHECK_EQ_INT(linux_image_place(&img, 0xffffffffffe80000ull, &load),
		     LINUX_IMAGE_NO_ROOM);
}

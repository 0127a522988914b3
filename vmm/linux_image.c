/* The arm64 Linux Image header; see vmm/linux_image.h. */
#include <vmm/linux_image.h>

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

const char *linux_image_strerror(int err)
{
	switch (err) {
	case LINUX_IMAGE_OK:
		return "no error";
	case LINUX_IMAGE_NOT_IMAGE:
		return "not an arm64 Linux Image (no magic)";
	case LINUX_IMAGE_BAD_OFFSET:
		return "text_offset is not 4 KiB aligned below 2 MiB";
	case LINUX_IMAGE_BAD_SIZE:
		return "image_size is smaller than the header or implausibly large";
	case LINUX_IMAGE_NO_ROOM:
		return "the kernel does not fit below the top of the address space";
	}
	return "unknown Image error";
}

int linux_image_parse(const void *buf, size_t size, struct linux_image *out)
{
	const uint8_t *h = buf;

	if (size < LINUX_IMAGE_HEADER_SIZE ||
	    (uint32_t)le64(h + 0x38) != LINUX_ARM64_MAGIC)
		return LINUX_IMAGE_NOT_IMAGE;
	out->text_offset = le64(h + 8);
	out->image_size = le64(h + 16);
	out->flags = le64(h + 24);
	out->file_size = size;
	out->legacy = out->image_size == 0;
	if (out->legacy) {
		/* Before 3.17 the fields had no set endianness; booting.rst
		 * says to assume this offset, and the kernel is its file. */
		out->text_offset = LINUX_ARM64_LEGACY_OFFSET;
		out->image_size = size;
		out->flags = 0;
	}
	if (out->text_offset >= LINUX_ARM64_ALIGN || (out->text_offset & 0xfff))
		return LINUX_IMAGE_BAD_OFFSET;
	if (out->image_size < LINUX_IMAGE_HEADER_SIZE ||
	    out->image_size > LINUX_IMAGE_MAX_SIZE)
		return LINUX_IMAGE_BAD_SIZE;
	/* Bytes past image_size (an appended signature) are loaded too. */
	if (out->image_size < size)
		out->image_size = size;
	out->big_endian = out->flags & 1;
	static const unsigned page_kib[4] = { 0, 4, 16, 64 };
	out->page_size_kib = page_kib[out->flags >> 1 & 3];
	return LINUX_IMAGE_OK;
}

int linux_image_place(const struct linux_image *img, uint64_t hint,
		      uint64_t *load)
{
	uint64_t base = hint >= img->text_offset ? hint - img->text_offset : 0;

	if (base > UINT64_MAX - (LINUX_ARM64_ALIGN - 1))
		return LINUX_IMAGE_NO_ROOM;
	base = (base + LINUX_ARM64_ALIGN - 1) & ~(LINUX_ARM64_ALIGN - 1);
	if (base > UINT64_MAX - img->text_offset ||
	    base + img->text_offset > UINT64_MAX - img->image_size)
		return LINUX_IMAGE_NO_ROOM;
	*load = base + img->text_offset;
	return LINUX_IMAGE_OK;
}

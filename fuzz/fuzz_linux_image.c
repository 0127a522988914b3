/* libFuzzer target: the arm64 Image header parser and placement.
 *
 * Besides "never crash", it checks what the loader relies on: a parsed
 * image has an aligned offset below 2 MiB and an image_size covering the
 * file, and a placement is text_offset past a 2 MiB boundary, at or above
 * the hint, with the whole image below the top of the address space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/linux_image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_image img;
	uint64_t hint = 0, load;

	if (linux_image_parse(data, size, &img) != LINUX_IMAGE_OK)
		return 0;
	if (img.text_offset >= LINUX_ARM64_ALIGN || (img.text_offset & 0xfff) ||
	    img.image_size < size || img.image_size > LINUX_IMAGE_MAX_SIZE)
		abort();
	if (size >= 72)
		memcpy(&hint, data + 64, 8);
	if (linux_image_place(&img, hint, &load) != LINUX_IMAGE_OK)
		return 0;
	if ((load - img.text_offset) % LINUX_ARM64_ALIGN || load < hint ||
	    load + img.image_size < load)
		abort();
	return 0;
}

/* libFuzzer target: the kernel formats by header (vmm/kernel_image.c),
 * as kimage_parse() and as kimage_parse_multiboot() see the input, then
 * placed at a hint taken from the input's last 8 bytes.
 *
 * Besides "never crash", it checks what images_load_kernel() relies on:
 * the bytes to copy lie in the file, the loaded and zeroed bytes lie in
 * mem_size, the entry among the loaded bytes, the alignment is a power of two; a
 * placement honours the fixed address or the alignment, the hint and the
 * lower bound, and ends at or below the limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/kernel_image.h>

static void check(const struct kimage *k, size_t size)
{
	if (k->file_offset > size || k->load_size > size - k->file_offset ||
	    k->load_size > k->mem_size ||
	    k->zero_size > k->mem_size - k->load_size)
		abort();
	if (!k->entry_from_config && k->entry_offset >= k->load_size)
		abort();
	if (!k->align || (k->align & (k->align - 1)) ||
	    k->align_offset >= k->align)
		abort();
}

static void place(const struct kimage *k, uint64_t hint)
{
	uint64_t load;

	if (kimage_place(k, hint, &load) != KIMAGE_OK)
		return;
	if (k->fixed ? load != k->fixed_at :
		       load < hint || load < k->min_load ||
			       (load - k->align_offset) % k->align)
		abort();
	if (load > k->limit || k->mem_size > k->limit - load)
		abort();
}

static void one(int err, const struct kimage *k, size_t size, uint64_t hint)
{
	char text[64];

	if ((unsigned)k->format >= KIMAGE_FORMAT_COUNT ||
	    !kimage_strerror(err)[0] ||
	    strlen(kimage_describe(k, text, sizeof(text))) >= sizeof(text))
		abort();
	if (err != KIMAGE_OK)
		return;
	check(k, size);
	place(k, hint);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kimage k;
	uint64_t hint = 0;

	if (size >= 8)
		memcpy(&hint, data + size - 8, 8);
	one(kimage_parse(data, size, &k), &k, size, hint);
	one(kimage_parse_multiboot(data, size, &k), &k, size, hint);
	return 0;
}

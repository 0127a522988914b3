/* Kernel formats by their headers; see vmm/kernel_image.h. */
#include <stdio.h>
#include <string.h>
#include <vmm/kernel_image.h>

#define GIB4 (1ull << 32)

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static const char *const kimage_errors[] = {
	[-KIMAGE_RISCV64_BAD_VERSION] =
		"magic2 with a header version below 0.2",
	[-KIMAGE_RISCV64_BAD_OFFSET] =
		"text_offset is not a multiple of 2 MiB below 4 GiB",
	[-KIMAGE_RISCV64_BAD_SIZE] =
		"image_size is below 64 bytes or over 4 GiB",
	[-KIMAGE_BZ_BAD_BOOT_FLAG] = "boot_flag at 0x1fe is not 0xAA55",
	[-KIMAGE_BZ_TRUNCATED] =
		"the file ends within its setup (header or setup_sects)",
	[-KIMAGE_BZ_OLD_PROTOCOL] =
		"boot protocol older than 2.12, which a 64-bit boot needs",
	[-KIMAGE_BZ_NOT_LOADED_HIGH] =
		"loadflags lack LOADED_HIGH: a zImage, loaded below 1 MiB",
	[-KIMAGE_BZ_NO_64BIT_ENTRY] =
		"xloadflags lack XLF_KERNEL_64: a 32-bit kernel",
	[-KIMAGE_BZ_BAD_SYSSIZE] =
		"syssize ends before the 64-bit entry or past the file",
	[-KIMAGE_BZ_BAD_ALIGN] =
		"relocatable, but kernel_alignment is not a power of two",
	[-KIMAGE_BZ_BAD_INIT_SIZE] =
		"init_size is smaller than the protected-mode code",
	[-KIMAGE_MB_BAD_CHECKSUM] =
		"magic 0x1BADB002 found, but its checksum does not match",
	[-KIMAGE_MB_TRUNCATED] =
		"the file ends within the header's address fields",
	[-KIMAGE_MB_BAD_FLAGS] =
		"flags require features (bits 3-15) no loader knows",
	[-KIMAGE_MB_NEEDS_ELF] =
		"no address fields (flags bit 16): an ELF kernel, which cvisor "
		"does not load",
	[-KIMAGE_MB_BAD_HEADER_ADDR] =
		"load_addr is above header_addr, or loading starts before "
		"the file",
	[-KIMAGE_MB_BAD_LOAD_END] =
		"load_end_addr is before the header's end, past the file or "
		"past 4 GiB",
	[-KIMAGE_MB_BAD_BSS_END] = "bss_end_addr is below the end of the load",
	[-KIMAGE_MB_BAD_ENTRY] = "entry_addr is outside the loaded bytes",
	[-KIMAGE_NOT_MULTIBOOT] = "no Multiboot header in its first 8 KiB",
	[-KIMAGE_NO_ROOM] =
		"the kernel does not fit below the top of its address space",
};

const char *kimage_strerror(int err)
{
	int count = (int)(sizeof(kimage_errors) / sizeof(kimage_errors[0]));

	if (err == KIMAGE_OK)
		return "no error";
	if (err == KIMAGE_ARM64_BAD_OFFSET)
		return linux_image_strerror(LINUX_IMAGE_BAD_OFFSET);
	if (err == KIMAGE_ARM64_BAD_SIZE)
		return linux_image_strerror(LINUX_IMAGE_BAD_SIZE);
	if (err < 0 && -err < count && kimage_errors[-err])
		return kimage_errors[-err];
	return "unknown kernel image error";
}

static const struct {
	const char *name, *article;
} kimage_formats[KIMAGE_FORMAT_COUNT] = {
	[KIMAGE_RAW] = { "raw binary", "a" },
	[KIMAGE_ARM64] = { "arm64 Image", "an" },
	[KIMAGE_RISCV64] = { "riscv64 Image", "a" },
	[KIMAGE_BZIMAGE] = { "x86 bzImage", "an" },
	[KIMAGE_MULTIBOOT] = { "Multiboot image", "a" },
};

const char *kimage_format_name(enum kimage_format f)
{
	return (unsigned)f < KIMAGE_FORMAT_COUNT ? kimage_formats[f].name :
						   "unknown format";
}

const char *kimage_describe(const struct kimage *k, char *buf, size_t n)
{
	const char *name = kimage_format_name(k->format);
	const char *article = (unsigned)k->format < KIMAGE_FORMAT_COUNT ?
				      kimage_formats[k->format].article :
				      "an";

	if (k->format == KIMAGE_BZIMAGE && k->h.bz.version)
		snprintf(buf, n, "%s %s (boot protocol %u.%u)", article, name,
			 (unsigned)k->h.bz.version >> 8,
			 (unsigned)k->h.bz.version & 0xffu);
	else
		snprintf(buf, n, "%s %s", article, name);
	return buf;
}

/* The file itself at the config's address and entry point. */
void kimage_raw(uint64_t size, struct kimage *out)
{
	memset(out, 0, sizeof(*out));
	out->format = KIMAGE_RAW;
	out->file_size = out->load_size = out->mem_size = size;
	out->align = 1;
	out->limit = UINT64_MAX;
	out->entry_from_config = true;
}

/* At 'offset' past a multiple of 'align', needing mem_size bytes from
 * there; entered at entry_offset (the first byte unless set after). */
static void kimage_linux(struct kimage *out, uint64_t align, uint64_t offset,
			 uint64_t mem_size)
{
	out->entry_from_config = false;
	out->align = align;
	out->align_offset = offset;
	out->mem_size = mem_size;
}

static int kimage_arm64(const uint8_t *buf, size_t size, struct kimage *out)
{
	int err = linux_image_parse(buf, size, &out->h.arm64);

	if (err == LINUX_IMAGE_BAD_OFFSET)
		return KIMAGE_ARM64_BAD_OFFSET;
	if (err)
		return KIMAGE_ARM64_BAD_SIZE;
	kimage_linux(out, LINUX_ARM64_ALIGN, out->h.arm64.text_offset,
		     out->h.arm64.image_size);
	return KIMAGE_OK;
}

/* The kernel goes at a 2 MiB boundary (boot.rst, "Kernel location").
 * text_offset says how far above the start of RAM the kernel wants to
 * be; being a multiple of that boundary, it changes nothing here. */
static int kimage_riscv64(const uint8_t *buf, size_t size, struct kimage *out)
{
	struct kimage_riscv64 *r = &out->h.riscv64;

	r->text_offset = le(buf + 8, 8);
	r->image_size = le(buf + 16, 8);
	r->flags = le(buf + 24, 8);
	r->version = (uint32_t)le(buf + 32, 4);
	r->big_endian = r->flags & 1;
	if (r->version < KIMAGE_RISCV64_MIN_VERSION)
		return KIMAGE_RISCV64_BAD_VERSION;
	if (r->text_offset % KIMAGE_RISCV64_ALIGN || r->text_offset >= GIB4)
		return KIMAGE_RISCV64_BAD_OFFSET;
	if (r->image_size < LINUX_IMAGE_HEADER_SIZE ||
	    r->image_size > LINUX_IMAGE_MAX_SIZE)
		return KIMAGE_RISCV64_BAD_SIZE;
	/* Bytes past image_size (a signature) are loaded too. */
	kimage_linux(out, KIMAGE_RISCV64_ALIGN, 0,
		     r->image_size > size ? r->image_size : size);
	return KIMAGE_OK;
}

static void kimage_bz_fields(const uint8_t *buf, struct kimage_bzimage *bz)
{
	bz->setup_sects = buf[0x1f1] ? buf[0x1f1] : 4;
	bz->setup_size = (bz->setup_sects + 1ull) * 512;
	bz->syssize = (uint32_t)le(buf + 0x1f4, 4);
	bz->loadflags = buf[0x211];
	bz->code32_start = (uint32_t)le(buf + 0x214, 4);
	bz->kernel_alignment = (uint32_t)le(buf + 0x230, 4);
	bz->relocatable = buf[0x234] != 0;
	bz->xloadflags = (uint16_t)le(buf + 0x236, 2);
	bz->pref_address = le(buf + 0x258, 8);
	bz->init_size = (uint32_t)le(buf + 0x260, 4);
}

/* The header's own checks, before the sizes: what kind of x86 kernel.
 * The caller saw "HdrS", so the file has at least 0x206 bytes. */
static int kimage_bz_kind(const uint8_t *buf, size_t size,
			  struct kimage_bzimage *bz)
{
	if (le(buf + 0x1fe, 2) != KIMAGE_BZ_BOOT_FLAG)
		return KIMAGE_BZ_BAD_BOOT_FLAG;
	if (size < KIMAGE_BZ_HEADER_END)
		return KIMAGE_BZ_TRUNCATED;
	if (bz->version < KIMAGE_BZ_MIN_VERSION)
		return KIMAGE_BZ_OLD_PROTOCOL;
	kimage_bz_fields(buf, bz);
	if (!(bz->loadflags & KIMAGE_BZ_LOADED_HIGH))
		return KIMAGE_BZ_NOT_LOADED_HIGH;
	if (!(bz->xloadflags & KIMAGE_BZ_XLF_KERNEL_64))
		return KIMAGE_BZ_NO_64BIT_ENTRY;
	return KIMAGE_OK;
}

/* Only the protected-mode part is loaded: the real-mode setup before it
 * is the arch's to read (boot_params), not guest code cvisor runs. A
 * relocatable kernel goes at a kernel_alignment multiple at or above
 * pref_address, where it would move itself anyway, and then needs
 * init_size bytes from there (boot.rst, init_size); any other at
 * pref_address. */
static int kimage_bzimage(const uint8_t *buf, size_t size, struct kimage *out)
{
	struct kimage_bzimage *bz = &out->h.bz;
	int err;

	bz->version = size >= 0x208 ? (uint16_t)le(buf + 0x206, 2) : 0;
	err = kimage_bz_kind(buf, size, bz);
	if (err)
		return err;
	if (bz->setup_size >= size)
		return KIMAGE_BZ_TRUNCATED;
	uint64_t rest = size - bz->setup_size, code = bz->syssize * 16ull;
	/* The last paragraph may be short in a file that is not padded; the
	 * 64-bit entry must be among the bytes. */
	if (code <= KIMAGE_BZ_ENTRY64 || code > rest + 15)
		return KIMAGE_BZ_BAD_SYSSIZE;
	if (code > rest)
		code = rest;
	if (bz->relocatable &&
	    (!bz->kernel_alignment ||
	     (bz->kernel_alignment & (bz->kernel_alignment - 1))))
		return KIMAGE_BZ_BAD_ALIGN;
	if (bz->init_size < code)
		return KIMAGE_BZ_BAD_INIT_SIZE;
	out->file_offset = bz->setup_size;
	out->load_size = code;
	kimage_linux(out, bz->relocatable ? bz->kernel_alignment : 1, 0,
		     bz->init_size);
	out->entry_offset = KIMAGE_BZ_ENTRY64;
	out->fixed = !bz->relocatable;
	out->fixed_at = out->min_load = bz->pref_address;
	if (!(bz->xloadflags & KIMAGE_BZ_XLF_ABOVE_4G))
		out->limit = GIB4;
	return KIMAGE_OK;
}

/* The first 4-byte aligned magic in the first 8 KiB whose checksum
 * matches; 'bad' tells whether a magic without one was seen. */
static int64_t kimage_mb_find(const uint8_t *buf, size_t size, bool *bad)
{
	size_t end = size < KIMAGE_MB_SEARCH ? size : KIMAGE_MB_SEARCH;

	*bad = false;
	/* cppcheck-suppress knownConditionTrueFalse ; end depends on size */
	for (size_t off = 0; off + 12 <= end; off += 4) {
		if (le(buf + off, 4) != KIMAGE_MB_MAGIC)
			continue;
		if ((uint32_t)(KIMAGE_MB_MAGIC + le(buf + off + 4, 4) +
			       le(buf + off + 8, 4)) == 0)
			return (int64_t)off;
		*bad = true;
	}
	return -1;
}

/* The a.out kludge's addresses against each other and the file: the
 * bytes from file offset header_offset - (header_addr - load_addr) go at
 * load_addr, through load_end_addr (0: the rest of the file), then zeroes
 * through bss_end_addr (0: none); entry_addr is among the loaded bytes. */
static int kimage_mb_layout(const struct kimage_multiboot *mb, size_t size,
			    struct kimage *out)
{
	uint64_t lead = (uint64_t)mb->header_addr - mb->load_addr;
	uint64_t end;

	if (mb->load_addr > mb->header_addr || lead > mb->header_offset)
		return KIMAGE_MB_BAD_HEADER_ADDR;
	out->file_offset = mb->header_offset - lead;
	out->load_size = mb->load_end_addr ?
				 (uint64_t)mb->load_end_addr - mb->load_addr :
				 size - out->file_offset;
	end = (uint64_t)mb->load_addr + out->load_size;
	if ((mb->load_end_addr && mb->load_end_addr < mb->load_addr) ||
	    end > GIB4 || out->load_size < lead + 32 ||
	    out->file_offset + out->load_size > size)
		return KIMAGE_MB_BAD_LOAD_END;
	if (mb->bss_end_addr && mb->bss_end_addr < end)
		return KIMAGE_MB_BAD_BSS_END;
	if (mb->entry_addr < mb->load_addr || mb->entry_addr >= end)
		return KIMAGE_MB_BAD_ENTRY;
	out->mem_size = mb->bss_end_addr ?
				(uint64_t)mb->bss_end_addr - mb->load_addr :
				out->load_size;
	out->zero_size = out->mem_size - out->load_size;
	out->fixed = true;
	out->fixed_at = mb->load_addr;
	out->entry_from_config = false;
	out->entry_offset = mb->entry_addr - mb->load_addr;
	out->limit = GIB4;
	return KIMAGE_OK;
}

static int kimage_mb_parse(const uint8_t *buf, size_t size, int64_t at,
			   struct kimage *out)
{
	struct kimage_multiboot *mb = &out->h.mb;
	const uint8_t *h = buf + at;

	out->format = KIMAGE_MULTIBOOT;
	mb->header_offset = (uint64_t)at;
	mb->flags = (uint32_t)le(h + 4, 4);
	if (mb->flags & 0xffffu & ~KIMAGE_MB_KNOWN_REQUIRED)
		return KIMAGE_MB_BAD_FLAGS;
	if (!(mb->flags & KIMAGE_MB_AOUT_KLUDGE))
		return KIMAGE_MB_NEEDS_ELF;
	if ((uint64_t)at + 32 > size)
		return KIMAGE_MB_TRUNCATED;
	mb->header_addr = (uint32_t)le(h + 12, 4);
	mb->load_addr = (uint32_t)le(h + 16, 4);
	mb->load_end_addr = (uint32_t)le(h + 20, 4);
	mb->bss_end_addr = (uint32_t)le(h + 24, 4);
	mb->entry_addr = (uint32_t)le(h + 28, 4);
	return kimage_mb_layout(mb, size, out);
}

int kimage_parse_multiboot(const void *buf, size_t size, struct kimage *out)
{
	bool bad;
	int64_t at = kimage_mb_find(buf, size, &bad);

	kimage_raw(size, out);
	if (at >= 0)
		return kimage_mb_parse(buf, size, at, out);
	if (bad) {
		out->format = KIMAGE_MULTIBOOT;
		return KIMAGE_MB_BAD_CHECKSUM;
	}
	return KIMAGE_NOT_MULTIBOOT;
}

int kimage_parse(const void *buf, size_t size, struct kimage *out)
{
	const uint8_t *b = buf;
	uint32_t magic =
		size >= LINUX_IMAGE_HEADER_SIZE ? (uint32_t)le(b + 0x38, 4) : 0;
	int err;

	kimage_raw(size, out);
	if (magic == LINUX_ARM64_MAGIC) {
		out->format = KIMAGE_ARM64;
		return kimage_arm64(b, size, out);
	}
	if (magic == KIMAGE_RISCV64_MAGIC2) {
		out->format = KIMAGE_RISCV64;
		return kimage_riscv64(b, size, out);
	}
	if (size >= 0x206 && le(b + 0x202, 4) == KIMAGE_BZ_MAGIC) {
		out->format = KIMAGE_BZIMAGE;
		return kimage_bzimage(b, size, out);
	}
	err = kimage_parse_multiboot(buf, size, out);
	if (err == KIMAGE_NOT_MULTIBOOT) {
		kimage_raw(size, out);
		return KIMAGE_OK;
	}
	return err;
}

int kimage_place(const struct kimage *k, uint64_t hint, uint64_t *load)
{
	uint64_t at = k->fixed_at;

	if (!k->fixed) {
		uint64_t from = hint > k->min_load ? hint : k->min_load;
		uint64_t base =
			from >= k->align_offset ? from - k->align_offset : 0;
		if (base > UINT64_MAX - (k->align - 1))
			return KIMAGE_NO_ROOM;
		base = (base + k->align - 1) & ~(k->align - 1);
		if (base > UINT64_MAX - k->align_offset)
			return KIMAGE_NO_ROOM;
		at = base + k->align_offset;
	}
	if (at > k->limit || k->mem_size > k->limit - at)
		return KIMAGE_NO_ROOM;
	*load = at;
	return KIMAGE_OK;
}

/* Flattened device tree writer; see lib/fdt_write.h.
 *
 * Layout: header (40 bytes), an empty memory reservation map (16), the
 * struct block written as we go, then the strings, copied at the end from
 * the writer's own table. */
#include <lib/fdt_write.h>
#include <string.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_END        9u
#define HEADER_SIZE    40u
#define RSVMAP_SIZE    16u
#define NAME_MAX_LEN   127u

const char *fdtw_strerror(int err)
{
	switch (err) {
	case FDTW_OK:
		return "no error";
	case FDTW_ERR_NOSPACE:
		return "device tree does not fit its buffer";
	case FDTW_ERR_STRINGS:
		return "too many property names";
	case FDTW_ERR_NESTING:
		return "unbalanced device tree nodes";
	case FDTW_ERR_NAME:
		return "bad node or property name";
	}
	return "unknown device tree writer error";
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void fail(struct fdtw *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* Room for n more bytes (rounded up to 4) in the struct block? */
static uint8_t *reserve(struct fdtw *w, size_t n)
{
	size_t padded = (n + 3) & ~(size_t)3;

	if (w->err)
		return NULL;
	if (padded > w->cap - w->off) {
		fail(w, FDTW_ERR_NOSPACE);
		return NULL;
	}
	uint8_t *p = w->buf + w->off;
	memset(p, 0, padded);
	w->off += padded;
	return p;
}

static void token(struct fdtw *w, uint32_t tok)
{
	uint8_t *p = reserve(w, 4);

	if (p)
		put_be32(p, tok);
}

void fdtw_init(struct fdtw *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->err = FDTW_OK;
	w->depth = 0;
	w->strings_len = 0;
	w->cap = cap;
	w->off = HEADER_SIZE + RSVMAP_SIZE;
	if (cap < w->off)
		w->err = FDTW_ERR_NOSPACE;
	else
		memset(w->buf, 0, w->off);
}

void fdtw_begin_node(struct fdtw *w, const char *name)
{
	size_t len = strnlen(name, NAME_MAX_LEN + 1);

	if (len > NAME_MAX_LEN || (len == 0 && w->depth > 0) ||
	    (len > 0 && w->depth == 0 && w->off == HEADER_SIZE + RSVMAP_SIZE))
		fail(w, FDTW_ERR_NAME);
	if (w->depth >= FDTW_DEPTH_MAX ||
	    (w->depth == 0 && w->off != HEADER_SIZE + RSVMAP_SIZE))
		fail(w, FDTW_ERR_NESTING); /* one root only */
	token(w, FDT_BEGIN_NODE);
	uint8_t *p = reserve(w, len + 1);
	if (p)
		memcpy(p, name, len);
	w->depth++;
}

void fdtw_begin_node_at(struct fdtw *w, const char *name, uint64_t addr)
{
	char buf[NAME_MAX_LEN + 1], hex[17];
	size_t len = strnlen(name, NAME_MAX_LEN + 1);
	int n = 0;

	do {
		hex[n++] = "0123456789abcdef"[addr & 0xf];
		addr >>= 4;
	} while (addr);
	if (len + 1 + (size_t)n > NAME_MAX_LEN) {
		fail(w, FDTW_ERR_NAME);
		return;
	}
	memcpy(buf, name, len);
	buf[len++] = '@';
	while (n)
		buf[len++] = hex[--n];
	buf[len] = '\0';
	fdtw_begin_node(w, buf);
}

void fdtw_end_node(struct fdtw *w)
{
	if (w->depth == 0) {
		fail(w, FDTW_ERR_NESTING);
		return;
	}
	token(w, FDT_END_NODE);
	w->depth--;
}

/* Offset of 'name' in the strings table, added if new; -1 when full. */
static int64_t string_offset(struct fdtw *w, const char *name)
{
	size_t len = strlen(name);

	for (uint32_t off = 0; off < w->strings_len;) {
		size_t n = strlen(w->strings + off);
		if (n == len && !memcmp(w->strings + off, name, len))
			return off;
		off += (uint32_t)n + 1;
	}
	if (len + 1 > FDTW_STRINGS_MAX - w->strings_len)
		return -1;
	uint32_t off = w->strings_len;
	memcpy(w->strings + off, name, len + 1);
	w->strings_len += (uint32_t)len + 1;
	return off;
}

void fdtw_prop(struct fdtw *w, const char *name, const void *data, uint32_t len)
{
	size_t nlen = strnlen(name, NAME_MAX_LEN + 1);

	if (nlen == 0 || nlen > NAME_MAX_LEN) {
		fail(w, FDTW_ERR_NAME);
		return;
	}
	if (w->depth == 0) {
		fail(w, FDTW_ERR_NESTING);
		return;
	}
	int64_t nameoff = string_offset(w, name);
	if (nameoff < 0) {
		fail(w, FDTW_ERR_STRINGS);
		return;
	}
	uint8_t *p = reserve(w, 12 + (size_t)len);
	if (!p)
		return;
	put_be32(p, FDT_PROP);
	put_be32(p + 4, len);
	put_be32(p + 8, (uint32_t)nameoff);
	if (len)
		memcpy(p + 12, data, len);
}

void fdtw_prop_empty(struct fdtw *w, const char *name)
{
	fdtw_prop(w, name, NULL, 0);
}

void fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v)
{
	fdtw_prop_cells(w, name, &v, 1);
}

void fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v)
{
	uint32_t cells[2] = { (uint32_t)(v >> 32), (uint32_t)v };

	fdtw_prop_cells(w, name, cells, 2);
}

void fdtw_prop_string(struct fdtw *w, const char *name, const char *s)
{
	fdtw_prop(w, name, s, (uint32_t)strlen(s) + 1);
}

void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells,
		     unsigned count)
{
	uint8_t buf[64 * 4];

	if (count > 64) {
		fail(w, FDTW_ERR_NOSPACE);
		return;
	}
	for (unsigned i = 0; i < count; i++)
		put_be32(buf + 4 * i, cells[i]);
	fdtw_prop(w, name, buf, count * 4);
}

void fdtw_prop_reg64(struct fdtw *w, const char *name, const uint64_t *pairs,
		     unsigned count)
{
	uint32_t cells[64];

	if (count > 16) {
		fail(w, FDTW_ERR_NOSPACE);
		return;
	}
	for (unsigned i = 0; i < 2 * count; i++) {
		cells[2 * i] = (uint32_t)(pairs[i] >> 32);
		cells[2 * i + 1] = (uint32_t)pairs[i];
	}
	fdtw_prop_cells(w, name, cells, 4 * count);
}

int fdtw_finish(struct fdtw *w)
{
	if (w->depth != 0 || w->off == HEADER_SIZE + RSVMAP_SIZE)
		fail(w, FDTW_ERR_NESTING);
	token(w, FDT_END);
	if (w->err)
		return w->err;
	uint32_t off_struct = HEADER_SIZE + RSVMAP_SIZE;
	uint32_t size_struct = (uint32_t)w->off - off_struct;
	uint32_t off_strings = (uint32_t)w->off;
	if (w->strings_len > w->cap - w->off)
		return w->err = FDTW_ERR_NOSPACE;
	memcpy(w->buf + off_strings, w->strings, w->strings_len);
	uint32_t total = off_strings + w->strings_len;
	uint8_t *h = w->buf;
	put_be32(h + 0, FDT_MAGIC);
	put_be32(h + 4, total);
	put_be32(h + 8, off_struct);
	put_be32(h + 12, off_strings);
	put_be32(h + 16, HEADER_SIZE); /* off_mem_rsvmap */
	put_be32(h + 20, 17);          /* version */
	put_be32(h + 24, 16);          /* last compatible version */
	put_be32(h + 28, 0);           /* boot_cpuid_phys */
	put_be32(h + 32, w->strings_len);
	put_be32(h + 36, size_struct);
	return (int)total;
}

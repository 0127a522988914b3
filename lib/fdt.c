/* Flattened device tree reader; see lib/fdt.h. */
#include <lib/fdt.h>
#include <string.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u
#define FDT_MAX_DEPTH  64

const char *fdt_strerror(int err)
{
	switch (err) {
	case FDT_OK:
		return "no error";
	case FDT_ERR_TRUNCATED:
		return "truncated device tree";
	case FDT_ERR_BADMAGIC:
		return "not a device tree (bad magic)";
	case FDT_ERR_BADVERSION:
		return "unsupported device tree version";
	case FDT_ERR_BADSTRUCTURE:
		return "malformed device tree structure";
	case FDT_ERR_NOTFOUND:
		return "not found";
	case FDT_ERR_DEPTH:
		return "device tree nested too deep";
	}
	return "unknown device tree error";
}

int fdt_open(struct fdt *f, const void *blob, size_t bufsize)
{
	const uint8_t *b = blob;

	if (bufsize < 40)
		return FDT_ERR_TRUNCATED;
	if (fdt_be32(b) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	uint32_t total = fdt_be32(b + 4);
	if (total > bufsize || total < 40)
		return FDT_ERR_TRUNCATED;
	if (fdt_be32(b + 20) < 16 || fdt_be32(b + 24) > 17)
		return FDT_ERR_BADVERSION;
	f->blob = b;
	f->size = total;
	f->off_struct = fdt_be32(b + 8);
	f->off_strings = fdt_be32(b + 12);
	f->size_strings = fdt_be32(b + 32);
	f->size_struct = fdt_be32(b + 36);
	if (f->off_struct > total || f->size_struct > total - f->off_struct ||
	    f->off_strings > total ||
	    f->size_strings > total - f->off_strings || (f->off_struct & 3) ||
	    (f->size_struct & 3))
		return FDT_ERR_BADSTRUCTURE;
	return FDT_OK;
}

/* The token at struct offset 'off', or -1 when out of bounds. */
static int64_t fdt_token(const struct fdt *f, int off)
{
	if (off < 0 || f->size_struct < 4 ||
	    (uint32_t)off > f->size_struct - 4 || (off & 3))
		return -1;
	return fdt_be32(f->blob + f->off_struct + off);
}

/* Length of a NUL-terminated string at 'p' within 'max' bytes, or -1. */
static int fdt_strlen(const uint8_t *p, size_t max)
{
	size_t n = strnlen((const char *)p, max);

	return n == max ? -1 : (int)n;
}

/* Offset just after the BEGIN_NODE token and name at 'node'. */
static int fdt_skip_name(const struct fdt *f, int node)
{
	if (fdt_token(f, node) != FDT_BEGIN_NODE)
		return FDT_ERR_BADSTRUCTURE;
	int start = node + 4;
	int n = fdt_strlen(f->blob + f->off_struct + start,
			   f->size_struct - (uint32_t)start);
	if (n < 0)
		return FDT_ERR_BADSTRUCTURE;
	return (start + n + 1 + 3) & ~3;
}

/* Offset after the PROP at 'off', with its fields; negative on error. */
static int fdt_read_prop(const struct fdt *f, int off, struct fdt_prop *p)
{
	if (fdt_token(f, off + 4) < 0 || fdt_token(f, off + 8) < 0)
		return FDT_ERR_BADSTRUCTURE;
	const uint8_t *s = f->blob + f->off_struct;
	uint32_t len = fdt_be32(s + off + 4), nameoff = fdt_be32(s + off + 8);
	uint32_t data = (uint32_t)off + 12;
	if (len > f->size_struct - data || nameoff >= f->size_strings)
		return FDT_ERR_BADSTRUCTURE;
	const uint8_t *name = f->blob + f->off_strings + nameoff;
	if (fdt_strlen(name, f->size_strings - nameoff) < 0)
		return FDT_ERR_BADSTRUCTURE;
	p->name = (const char *)name;
	p->data = s + data;
	p->len = len;
	return (int)((data + len + 3) & ~3u);
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	int off = fdt_skip_name(f, node);
	struct fdt_prop p;

	if (off < 0)
		return off;
	for (int steps = 0; steps < (int)(f->size_struct / 4) + 1; steps++) {
		int64_t tok = fdt_token(f, off);
		switch (tok) {
		case FDT_BEGIN_NODE:
			if (++*depth > FDT_MAX_DEPTH)
				return FDT_ERR_DEPTH;
			return off;
		case FDT_END_NODE:
			if (--*depth < 0)
				return FDT_ERR_NOTFOUND;
			off += 4;
			break;
		case FDT_PROP:
			off = fdt_read_prop(f, off, &p);
			if (off < 0)
				return off;
			break;
		case FDT_NOP:
			off += 4;
			break;
		case FDT_END:
			return FDT_ERR_NOTFOUND;
		default:
			return FDT_ERR_BADSTRUCTURE;
		}
	}
	return FDT_ERR_BADSTRUCTURE;
}

const char *fdt_node_name(const struct fdt *f, int node)
{
	return fdt_skip_name(f, node) < 0 ?
		       NULL :
		       (const char *)f->blob + f->off_struct + node + 4;
}

int fdt_get_prop(const struct fdt *f, int node, const char *name,
		 struct fdt_prop *out)
{
	int off = fdt_skip_name(f, node);

	while (off >= 0) {
		int64_t tok = fdt_token(f, off);
		if (tok == FDT_NOP) {
			off += 4;
			continue;
		}
		if (tok != FDT_PROP)
			return tok < 0 ? FDT_ERR_BADSTRUCTURE :
					 FDT_ERR_NOTFOUND;
		int next = fdt_read_prop(f, off, out);
		if (next >= 0 && !strcmp(out->name, name))
			return FDT_OK;
		off = next;
	}
	return off;
}

int fdt_next_prop(const struct fdt *f, int node, int *cursor,
		  struct fdt_prop *out)
{
	int off = *cursor ? *cursor : fdt_skip_name(f, node);

	while (off >= 0 && fdt_token(f, off) == FDT_NOP)
		off += 4;
	if (off < 0)
		return off;
	int64_t tok = fdt_token(f, off);
	if (tok != FDT_PROP)
		return tok < 0 ? FDT_ERR_BADSTRUCTURE : FDT_ERR_NOTFOUND;
	int next = fdt_read_prop(f, off, out);
	if (next < 0)
		return next;
	*cursor = next;
	return FDT_OK;
}

/* Whether node name 'name' matches path component [c, c+len): exactly, or
 * up to its unit address when the component has none. */
static bool fdt_name_matches(const char *name, const char *c, size_t len)
{
	if (strncmp(name, c, len))
		return false;
	return name[len] == '\0' || (name[len] == '@' && !memchr(c, '@', len));
}

int fdt_path_offset(const struct fdt *f, const char *path)
{
	int node = 0, depth = 0;

	if (fdt_token(f, 0) != FDT_BEGIN_NODE)
		return FDT_ERR_BADSTRUCTURE;
	while (*path == '/')
		path++;
	while (*path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		int want = depth + 1, d = depth;
		int child = fdt_next_node(f, node, &d);
		while (child >= 0 && d >= want) {
			const char *name = fdt_node_name(f, child);
			if (d == want && name &&
			    fdt_name_matches(name, path, len))
				break;
			child = fdt_next_node(f, child, &d);
		}
		if (child < 0)
			return child;
		if (d < want)
			return FDT_ERR_NOTFOUND;
		node = child;
		depth = want;
		path += len;
		while (*path == '/')
			path++;
	}
	return node;
}

bool fdt_prop_cells(const struct fdt_prop *p, unsigned idx, unsigned cells,
		    uint64_t *out)
{
	uint64_t v = 0;

	if (cells < 1 || cells > 2 || (uint64_t)(idx + cells) * 4 > p->len)
		return false;
	for (unsigned i = 0; i < cells; i++)
		v = v << 32 |
		    fdt_be32((const uint8_t *)p->data + (idx + i) * 4);
	*out = v;
	return true;
}

bool fdt_prop_has_string(const struct fdt_prop *p, const char *s)
{
	const char *d = p->data;
	size_t len = strlen(s), off = 0;

	while (off < p->len) {
		size_t n = strnlen(d + off, p->len - off);
		if (n == len && !memcmp(d + off, s, len))
			return true;
		off += n + 1;
	}
	return false;
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
	int depth = 0, node = after < 0 ? 0 : after;
	struct fdt_prop p;

	if (after < 0 && fdt_get_prop(f, 0, "compatible", &p) == FDT_OK &&
	    fdt_prop_has_string(&p, compat))
		return 0;
	for (;;) {
		node = fdt_next_node(f, node, &depth);
		if (node < 0)
			return node;
		if (fdt_get_prop(f, node, "compatible", &p) == FDT_OK &&
		    fdt_prop_has_string(&p, compat))
			return node;
	}
}

void fdt_for_each_memory(const struct fdt *f,
			 bool (*fn)(void *ctx, uint64_t base, uint64_t size),
			 void *ctx)
{
	int depth = 0;
	struct fdt_prop p;

	for (int node = fdt_next_node(f, 0, &depth); node >= 0;
	     node = fdt_next_node(f, node, &depth)) {
		const char *name = fdt_node_name(f, node);
		if (depth != 1 || !name || strncmp(name, "memory", 6) ||
		    fdt_get_prop(f, node, "reg", &p) != FDT_OK)
			continue;
		uint64_t base, size;
		for (unsigned i = 0; fdt_prop_cells(&p, i, 2, &base) &&
				     fdt_prop_cells(&p, i + 2, 2, &size);
		     i += 4)
			if (!fn(ctx, base, size))
				return;
	}
}

/* Unit tests of the device-tree reader (lib/fdt.c): trees built here with
 * a small writer, walked and searched; then one test per error, with
 * headers and structures broken on purpose. */
#include <stdint.h>
#include <stdlib.h>

#include <lib/fdt.h>
#include "unit.h"

/* ---- a minimal DTB writer */
struct dtb {
	uint8_t st[2048]; /* struct block */
	uint32_t st_len;
	char str[512]; /* strings block */
	uint32_t str_len;
	uint8_t blob[4096];
	uint32_t size;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void st_word(struct dtb *d, uint32_t v)
{
	put32(d->st + d->st_len, v);
	d->st_len += 4;
}

static void st_bytes(struct dtb *d, const void *p, uint32_t len)
{
	memcpy(d->st + d->st_len, p, len);
	d->st_len += len;
	while (d->st_len & 3)
		d->st[d->st_len++] = 0;
}

static void begin(struct dtb *d, const char *name)
{
	st_word(d, 1);
	st_bytes(d, name, (uint32_t)strlen(name) + 1);
}

static void end(struct dtb *d)
{
	st_word(d, 2);
}

static uint32_t str_off(struct dtb *d, const char *name)
{
	for (uint32_t o = 0; o < d->str_len;
	     o += (uint32_t)strlen(d->str + o) + 1)
		if (!strcmp(d->str + o, name))
			return o;
	uint32_t o = d->str_len;
	memcpy(d->str + o, name, strlen(name) + 1);
	d->str_len += (uint32_t)strlen(name) + 1;
	return o;
}

static void prop(struct dtb *d, const char *name, const void *data,
		 uint32_t len)
{
	st_word(d, 3);
	st_word(d, len);
	st_word(d, str_off(d, name));
	st_bytes(d, data, len);
}

static void prop_cells(struct dtb *d, const char *name, const uint32_t *c,
		       unsigned n)
{
	uint8_t buf[64];

	for (unsigned i = 0; i < n; i++)
		put32(buf + 4 * i, c[i]);
	prop(d, name, buf, 4 * n);
}

/* Header, struct block at 0x40, strings after it. */
static void finish(struct dtb *d)
{
	st_word(d, 9);
	uint32_t off_st = 0x40, off_str = off_st + d->st_len;
	d->size = off_str + d->str_len;
	memset(d->blob, 0, sizeof(d->blob));
	put32(d->blob, 0xd00dfeed);
	put32(d->blob + 4, d->size);
	put32(d->blob + 8, off_st);
	put32(d->blob + 12, off_str);
	put32(d->blob + 16, 0x28); /* memory reservation map */
	put32(d->blob + 20, 17);
	put32(d->blob + 24, 16);
	put32(d->blob + 32, d->str_len);
	put32(d->blob + 36, d->st_len);
	memcpy(d->blob + off_st, d->st, d->st_len);
	memcpy(d->blob + off_str, d->str, d->str_len);
}

/* A tree like QEMU's virt: cpus, two memory nodes, a PL011. */
static struct dtb *virt_like(void)
{
	static struct dtb d;
	static const uint32_t mem0[] = { 0, 0x40000000, 0, 0x20000000,
					 1, 0x00000000, 0, 0x10000000 };
	static const uint32_t mem1[] = { 0, 0x90000000, 0, 0x1000 };
	static const uint32_t one = 1, zero = 0;
	static const char compat[] = "arm,pl011\0arm,primecell";

	memset(&d, 0, sizeof(d));
	begin(&d, "");
	prop(&d, "compatible", "linux,dummy-virt", 17);
	begin(&d, "cpus");
	begin(&d, "cpu@0");
	prop_cells(&d, "reg", &zero, 1);
	end(&d);
	begin(&d, "cpu@1");
	st_word(&d, 4); /* a NOP among the properties */
	prop_cells(&d, "reg", &one, 1);
	end(&d);
	end(&d);
	begin(&d, "memory@40000000");
	prop(&d, "device_type", "memory", 7);
	prop_cells(&d, "reg", mem0, 8);
	end(&d);
	begin(&d, "memory@90000000");
	prop_cells(&d, "reg", mem1, 4);
	end(&d);
	begin(&d, "pl011@9000000");
	prop(&d, "compatible", compat, sizeof(compat));
	end(&d);
	end(&d);
	finish(&d);
	return &d;
}

static int open_dtb(struct fdt *f, struct dtb *d)
{
	return fdt_open(f, d->blob, d->size);
}

UNIT_TEST(fdt_walk_and_names)
{
	struct fdt f;
	struct dtb *d = virt_like();
	static const char *const want[] = { "cpus",
					    "cpu@0",
					    "cpu@1",
					    "memory@40000000",
					    "memory@90000000",
					    "pl011@9000000" };
	static const int want_depth[] = { 1, 2, 2, 1, 1, 1 };
	int depth = 0, n = 0, i = 0;

	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	CHECK_EQ_STR(fdt_node_name(&f, 0), "");
	while ((n = fdt_next_node(&f, n, &depth)) >= 0 && i < 6) {
		CHECK_EQ_STR(fdt_node_name(&f, n), want[i]);
		CHECK_EQ_INT(depth, want_depth[i]);
		i++;
	}
	CHECK_EQ_INT(i, 6);
	CHECK_EQ_INT(n, FDT_ERR_NOTFOUND);
}

UNIT_TEST(fdt_paths_and_props)
{
	struct fdt f;
	struct fdt_prop p;
	uint64_t v;

	CHECK_EQ_INT(open_dtb(&f, virt_like()), FDT_OK);
	int cpu1 = fdt_path_offset(&f, "/cpus/cpu@1");
	CHECK(cpu1 > 0);
	CHECK_EQ_STR(fdt_node_name(&f, cpu1), "cpu@1");
	CHECK_EQ_INT(fdt_get_prop(&f, cpu1, "reg", &p),
		     FDT_OK); /* past the NOP */
	CHECK(fdt_prop_cells(&p, 0, 1, &v) && v == 1);
	CHECK(!fdt_prop_cells(&p, 1, 1, &v)); /* one cell only */
	CHECK(!fdt_prop_cells(&p, 0, 2, &v));
	CHECK(!fdt_prop_cells(&p, 0, 3, &v)); /* 1 or 2 cells */
	CHECK_EQ_INT(fdt_get_prop(&f, cpu1, "status", &p), FDT_ERR_NOTFOUND);
	/* A component without unit address matches the first such node. */
	CHECK_EQ_STR(fdt_node_name(&f, fdt_path_offset(&f, "/cpus/cpu")),
		     "cpu@0");
	CHECK_EQ_STR(fdt_node_name(&f, fdt_path_offset(&f, "//memory/")),
		     "memory@40000000");
	CHECK_EQ_INT(fdt_path_offset(&f, "/"), 0);
	CHECK_EQ_INT(fdt_path_offset(&f, "/cpus/cpu@2"), FDT_ERR_NOTFOUND);
	CHECK_EQ_INT(fdt_path_offset(&f, "/cpu@0"),
		     FDT_ERR_NOTFOUND); /* not at depth 1 */
	CHECK_EQ_INT(fdt_path_offset(&f, "/memory@4"), FDT_ERR_NOTFOUND);
}

UNIT_TEST(fdt_compatible_search)
{
	struct fdt f;
	struct fdt_prop p;

	CHECK_EQ_INT(open_dtb(&f, virt_like()), FDT_OK);
	CHECK_EQ_INT(fdt_find_compatible(&f, -1, "linux,dummy-virt"), 0);
	int uart = fdt_find_compatible(&f, -1, "arm,primecell");
	CHECK_EQ_STR(fdt_node_name(&f, uart), "pl011@9000000");
	CHECK_EQ_INT(fdt_find_compatible(&f, uart, "arm,primecell"),
		     FDT_ERR_NOTFOUND);
	CHECK_EQ_INT(fdt_find_compatible(&f, -1, "arm,pl01"), FDT_ERR_NOTFOUND);
	CHECK_EQ_INT(fdt_get_prop(&f, uart, "compatible", &p), FDT_OK);
	CHECK(fdt_prop_has_string(&p, "arm,pl011"));
	CHECK(!fdt_prop_has_string(&p, "arm"));
}

struct ranges {
	unsigned n;
	uint64_t base[8], size[8];
	unsigned stop_after;
};

static bool collect(void *ctx, uint64_t base, uint64_t size)
{
	struct ranges *r = ctx;

	r->base[r->n] = base;
	r->size[r->n] = size;
	return ++r->n < r->stop_after;
}

UNIT_TEST(fdt_memory_ranges)
{
	struct fdt f;
	struct ranges r = { .stop_after = 8 };

	CHECK_EQ_INT(open_dtb(&f, virt_like()), FDT_OK);
	fdt_for_each_memory(&f, collect, &r);
	CHECK_EQ_INT(r.n, 3);
	CHECK_EQ_INT(r.base[0], 0x40000000);
	CHECK_EQ_INT(r.size[0], 0x20000000);
	CHECK_EQ_INT(r.base[1], 0x100000000ll);
	CHECK_EQ_INT(r.size[1], 0x10000000);
	CHECK_EQ_INT(r.base[2], 0x90000000ll);
	struct ranges first = { .stop_after = 1 };
	fdt_for_each_memory(&f, collect, &first);
	CHECK_EQ_INT(first.n, 1);
}

/* ---- one test per error */

static void set32(struct dtb *d, unsigned off, uint32_t v)
{
	put32(d->blob + off, v);
}

UNIT_TEST(fdt_err_header)
{
	struct fdt f;
	struct dtb *d = virt_like();

	CHECK_EQ_INT(fdt_open(&f, d->blob, 39), FDT_ERR_TRUNCATED);
	CHECK_EQ_INT(fdt_open(&f, d->blob, d->size - 1), FDT_ERR_TRUNCATED);
	set32(d, 4, 20);
	CHECK_EQ_INT(open_dtb(&f, d),
		     FDT_ERR_TRUNCATED); /* totalsize < header */
	d = virt_like();
	d->blob[0] = 0;
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADMAGIC);
	d = virt_like();
	set32(d, 20, 15);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADVERSION);
	d = virt_like();
	set32(d, 24, 18);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADVERSION);
	d = virt_like();
	set32(d, 8, 0x42); /* misaligned */
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADSTRUCTURE);
	d = virt_like();
	set32(d, 36, d->size); /* struct too long */
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADSTRUCTURE);
	d = virt_like();
	set32(d, 32, d->size); /* strings too long */
	CHECK_EQ_INT(open_dtb(&f, d), FDT_ERR_BADSTRUCTURE);
}

/* An empty or tiny struct block ending the blob: nothing may be read
 * past it (this once read 4 bytes beyond the blob). */
UNIT_TEST(fdt_err_empty_struct)
{
	struct fdt f;
	uint8_t *blob = malloc(40);
	struct dtb *d = virt_like();

	memcpy(blob, d->blob, 40);
	put32(blob + 4, 40);
	put32(blob + 8, 40);
	put32(blob + 12, 40);
	put32(blob + 32, 0);
	put32(blob + 36, 0);
	CHECK_EQ_INT(fdt_open(&f, blob, 40), FDT_OK);
	CHECK(fdt_node_name(&f, 0) == NULL);
	int depth = 0;
	CHECK_EQ_INT(fdt_next_node(&f, 0, &depth), FDT_ERR_BADSTRUCTURE);
	CHECK_EQ_INT(fdt_path_offset(&f, "/cpus"), FDT_ERR_BADSTRUCTURE);
	free(blob);
}

UNIT_TEST(fdt_err_structure)
{
	struct fdt f;
	struct fdt_prop p;
	struct dtb *d = virt_like();
	int depth = 0;

	/* The root's compatible property: its len, then its nameoff. */
	unsigned prop_at = 0x40 + 8;
	set32(d, prop_at + 4, 0x10000);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	CHECK_EQ_INT(fdt_get_prop(&f, 0, "compatible", &p),
		     FDT_ERR_BADSTRUCTURE);
	CHECK_EQ_INT(fdt_next_node(&f, 0, &depth), FDT_ERR_BADSTRUCTURE);
	d = virt_like();
	set32(d, prop_at + 8, d->str_len);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	CHECK_EQ_INT(fdt_get_prop(&f, 0, "compatible", &p),
		     FDT_ERR_BADSTRUCTURE);
	/* An unknown token where the first child should begin. */
	d = virt_like();
	unsigned tok = prop_at + 12 + 20; /* after "linux,dummy-virt\0" */
	set32(d, tok, 7);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	depth = 0;
	CHECK_EQ_INT(fdt_next_node(&f, 0, &depth), FDT_ERR_BADSTRUCTURE);
	/* A node name that runs to the end of the struct block. */
	d = virt_like();
	memset(d->blob + 0x40 + 4, 'x', d->st_len - 4);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	CHECK(fdt_node_name(&f, 0) == NULL);
	CHECK_EQ_INT(fdt_path_offset(&f, "/cpus"), FDT_ERR_BADSTRUCTURE);
	/* A property name without its NUL in the strings block. */
	d = virt_like();
	memset(d->blob + d->size - d->str_len, 'y', d->str_len);
	CHECK_EQ_INT(open_dtb(&f, d), FDT_OK);
	CHECK_EQ_INT(fdt_get_prop(&f, 0, "compatible", &p),
		     FDT_ERR_BADSTRUCTURE);
}

UNIT_TEST(fdt_err_depth)
{
	static struct dtb d;
	struct fdt f;
	int n = 0, depth = 0, last = 0;

	memset(&d, 0, sizeof(d));
	begin(&d, "");
	for (int i = 0; i < 70; i++)
		begin(&d, "n");
	for (int i = 0; i < 71; i++)
		end(&d);
	finish(&d);
	CHECK_EQ_INT(open_dtb(&f, &d), FDT_OK);
	while ((n = fdt_next_node(&f, n, &depth)) >= 0)
		last = depth;
	CHECK_EQ_INT(n, FDT_ERR_DEPTH);
	CHECK_EQ_INT(last, 64);
}

UNIT_TEST(fdt_strerror_names_every_error)
{
	for (int e = FDT_OK; e >= FDT_ERR_DEPTH; e--)
		CHECK(strcmp(fdt_strerror(e), "unknown device tree error") !=
		      0);
	CHECK_EQ_STR(fdt_strerror(-100), "unknown device tree error");
}

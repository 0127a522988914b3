/* A bounds-checked reader of flattened device trees (DTB).
 *
 * Every offset read from the blob is checked against its size, so a
 * corrupt DTB gives an error, never a wild read. Used for the host's DTB
 * at boot and for user-supplied guest DTBs. */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum fdt_err {
	FDT_OK = 0,
	FDT_ERR_TRUNCATED = -1, /* shorter than its header says */
	FDT_ERR_BADMAGIC = -2,
	FDT_ERR_BADVERSION = -3,
	FDT_ERR_BADSTRUCTURE = -4, /* tokens, offsets or names out of place */
	FDT_ERR_NOTFOUND = -5,
	FDT_ERR_DEPTH = -6,
};

struct fdt {
	const uint8_t *blob;
	size_t size; /* totalsize, checked against the buffer */
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
};

struct fdt_prop {
	const char *name;
	const void *data;
	uint32_t len;
};

const char *fdt_strerror(int err);
/* Checks the header of 'blob' (at most 'bufsize' bytes readable). */
int fdt_open(struct fdt *f, const void *blob, size_t bufsize);

/* Walks the tree. 'node' (an offset into the struct block) starts at 0
 * for the root; fdt_next_node() gives the next node in document order and
 * its depth (root = 0), or a negative error / FDT_ERR_NOTFOUND at the end. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
/* The node's name ("cpu@0"), or NULL when malformed. */
const char *fdt_node_name(const struct fdt *f, int node);
/* Finds property 'name' of 'node'. */
int fdt_get_prop(const struct fdt *f, int node, const char *name,
		 struct fdt_prop *out);
/* The properties of 'node' in order: start with *cursor = 0; each call
 * gives the next in *out (FDT_OK), then FDT_ERR_NOTFOUND, or an error. */
int fdt_next_prop(const struct fdt *f, int node, int *cursor,
		  struct fdt_prop *out);
/* The node at an absolute path ("/cpus"), or a negative error. */
int fdt_path_offset(const struct fdt *f, const char *path);

static inline uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Reads 'cells' 32-bit cells (1 or 2) at cell index 'idx' of a property;
 * false when out of the property's bounds. */
bool fdt_prop_cells(const struct fdt_prop *p, unsigned idx, unsigned cells,
		    uint64_t *out);

/* The first node after 'after' (or from the root when 'after' < 0) whose
 * "compatible" list holds 'compat'; a negative error when none. */
int fdt_find_compatible(const struct fdt *f, int after, const char *compat);
/* Whether the string list property 'p' holds 's'. */
bool fdt_prop_has_string(const struct fdt_prop *p, const char *s);
/* Calls fn(ctx, base, size) for each range of the /memory nodes' "reg"
 * (two address and two size cells, as on every 64-bit platform here);
 * stops early when fn returns false. */
void fdt_for_each_memory(const struct fdt *f,
			 bool (*fn)(void *ctx, uint64_t base, uint64_t size),
			 void *ctx);

#endif

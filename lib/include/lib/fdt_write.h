/* A sequential writer of flattened device trees (DTB, version 17).
 *
 * Nodes and properties are emitted in document order into a caller's
 * buffer; the first problem (no room, unbalanced nodes, a bad name) is
 * remembered and returned by fdtw_finish(), so a generator can write a
 * whole tree and check once. Used for guest DTBs. */
#ifndef LIB_FDT_WRITE_H
#define LIB_FDT_WRITE_H

#include <stddef.h>
#include <stdint.h>

enum fdtw_err {
	FDTW_OK = 0,
	FDTW_ERR_NOSPACE = -20, /* the buffer is too small */
	FDTW_ERR_STRINGS = -21, /* too many distinct property names */
	FDTW_ERR_NESTING = -22, /* unbalanced or too deep nodes */
	FDTW_ERR_NAME = -23,    /* empty or over-long name */
};

#define FDTW_STRINGS_MAX 2048
#define FDTW_DEPTH_MAX   32

struct fdtw {
	uint8_t *buf;
	size_t cap;
	size_t off; /* end of the struct block so far */
	int err;
	int depth;
	uint32_t strings_len;
	char strings[FDTW_STRINGS_MAX];
};

const char *fdtw_strerror(int err);

/* Starts a tree in buf[0, cap); the buffer needs no alignment beyond 4. */
void fdtw_init(struct fdtw *w, void *buf, size_t cap);
void fdtw_begin_node(struct fdtw *w, const char *name);
/* A node named "<name>@<addr in hex>". */
void fdtw_begin_node_at(struct fdtw *w, const char *name, uint64_t addr);
void fdtw_end_node(struct fdtw *w);
void fdtw_prop(struct fdtw *w, const char *name, const void *data,
	       uint32_t len);
void fdtw_prop_empty(struct fdtw *w, const char *name);
void fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v);
void fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v);
void fdtw_prop_string(struct fdtw *w, const char *name, const char *s);
/* A list of 32-bit cells. */
void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells,
		     unsigned count);
/* "reg"-style pairs, each address and size as two cells. */
void fdtw_prop_reg64(struct fdtw *w, const char *name, const uint64_t *pairs,
		     unsigned count);
/* Ends the tree: writes the header, the empty reservation map and the
 * strings. Returns the blob's total size, or the first error. */
int fdtw_finish(struct fdtw *w);

#endif

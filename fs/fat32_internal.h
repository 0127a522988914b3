/* What fs/fat32.c (reading) shares with fs/fat32_write.c and
 * fs/fat32_name.c: on-disk constants and the helpers both use. Not for
 * users of the file system: they include fs/fat32.h. Every helper here
 * runs with the volume's lock held. */
#ifndef FS_FAT32_INTERNAL_H
#define FS_FAT32_INTERNAL_H

#include <fs/fat32.h>

#define FAT_EOC_MIN     0x0FFFFFF8u /* end of chain: 0x0FFFFFF8..F */
#define FAT_EOC         0x0FFFFFFFu /* the end mark we write */
#define FAT_BAD_CLUSTER 0x0FFFFFF7u
#define FAT_DIR_ENTRY   32u
#define FAT_MAX_ENTRIES 65536u /* per directory, as FAT allows */
#define FAT_DELETED     0xE5u  /* first byte of a free entry */

#define ATTR_VOLUME      0x08
#define ATTR_DIR         0x10
#define ATTR_ARCHIVE     0x20
#define ATTR_LFN         0x0F
#define ATTR_LFN_MASK    0x3F
#define LFN_LAST         0x40
#define LFN_UNITS        13u  /* UTF-16 units per LFN entry */
#define LFN_MAX_ENTRIES  20u  /* 20 * 13 = 260 >= 255 */
#define SHORT_LOWER_BASE 0x08 /* NT byte: base shown in lower case */
#define SHORT_LOWER_EXT  0x10

#define FAT_MIN(a, b) ((a) < (b) ? (a) : (b))

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* Records "DEV: WHERE: problem" in fs->msg and returns 'err'. */
__attribute__((format(printf, 4, 5))) int
fat_fail(struct fat_fs *fs, const char *where, int err, const char *fmt, ...);

/* Reads 'count' sectors (of the volume's size) at 'sector'. */
int fat_dev_read(struct fat_fs *fs, uint64_t sector, uint32_t count, void *buf,
		 const char *where);
/* One sector of the data area through data_cache; NULL on error. */
const uint8_t *fat_sector(struct fat_fs *fs, uint64_t sector,
			  const char *where);
uint64_t fat_cluster_sector(const struct fat_fs *fs, uint32_t cluster);

/* The FAT entry of a valid 'cluster' (top 4 bits cleared). */
int fat_entry(struct fat_fs *fs, uint32_t cluster, uint32_t *value,
	      const char *where);
bool fat_cluster_valid(const struct fat_fs *fs, uint32_t cluster);
/* The next cluster of a chain, 0 at its end; an error for anything else. */
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next,
	     const char *where);

/* Walks a chain with Brent's cycle detection: O(1) memory, and a loop is
 * found within a few times its length. */
struct fat_walk {
	uint32_t cur;   /* 0 once past the end */
	uint32_t count; /* clusters seen, cur included */
	uint32_t tortoise, power, lam;
};

void fat_walk_start(struct fat_walk *w, uint32_t first);
int fat_walk_step(struct fat_fs *fs, struct fat_walk *w, const char *where);
/* Checks the whole chain of 'f' (see fs/fat32.c). */
int fat_check_chain(struct fat_fs *fs, const struct fat_file *f);

uint8_t fat_short_checksum(const uint8_t *name);
/* Calls fn for each entry of the checked directory 'dir'. */
int fat_dir_walk(struct fat_fs *fs, const struct fat_file *dir,
		 const char *where,
		 bool (*fn)(void *ctx, const struct fat_dirent *e), void *ctx);

/* Looks one name up in a directory (fat_dir_walk with fat_lookup_fn). */
struct fat_lookup {
	const char *name;
	size_t len;
	bool found;
	struct fat_dirent hit;
};

bool fat_lookup_fn(void *ctx, const struct fat_dirent *e);

/* The 'index'th cluster of f's chain, walking on from f's cursor (and
 * moving it there). */
int fat_seek(struct fat_fs *fs, struct fat_file *f, uint32_t index,
	     uint32_t *cluster);

int fat_open_locked(struct fat_fs *fs, const char *path, struct fat_file *f);
/* Ends a call: copies an error's message to 'f' (if any), unlocks. */
long fat_unlock(struct fat_fs *fs, struct fat_file *f, long ret);

/* Writes fat_cache back to every FAT copy if it is dirty
 * (fs/fat32_write.c); fat_entry() calls it before loading another
 * sector, so FAT sectors reach the disk in the order they were changed. */
int fat_fat_writeback(struct fat_fs *fs, const char *where);

/* ---- names (fs/fat32_name.c) ---- */

/* A new name's directory entries, built by fat_name_entries(). */
struct fat_name {
	uint8_t entries[(LFN_MAX_ENTRIES + 1) * FAT_DIR_ENTRY];
	uint32_t count;      /* entries, the 8.3 one last */
	uint8_t short11[11]; /* the 8.3 name as stored */
	bool needs_alias;    /* short11 has "~N" to fill in */
};

/* Checks 'name' (len bytes of UTF-8) and fills 'n': the 8.3 entry's name
 * and case bits, and the long-name entries when 8.3 cannot hold it.
 * 'max_entries' bounds the count (one sector's worth). The 8.3 entry's
 * other fields are zero, for the caller. FAT_ERR_NAME with a message. */
int fat_name_entries(struct fat_fs *fs, const char *name, size_t len,
		     uint32_t max_entries, struct fat_name *n,
		     const char *where);
/* Sets the "~N" alias of 'n' (needs_alias) to the smallest N that no
 * entry of 'dir' uses, and the checksums of its long-name entries. */
int fat_name_alias(struct fat_fs *fs, const struct fat_file *dir,
		   struct fat_name *n, const char *where);

#endif

/* FAT32 writing: files, directories, renames. See fs/fat32.h for the
 * calls and docs/disk.md ("Writing") for the order of device writes that
 * keeps the volume sound across a power cut:
 *
 *  - nothing on the disk points at a cluster (a FAT link or a directory
 *    entry) before the cluster holds its contents and its own FAT entry;
 *    new chains are built detached, ending in an end mark, then linked;
 *  - nothing is freed while something still points at it: an entry is
 *    removed or shortened first, its clusters freed after, head first;
 *  - a flush of the device's cache separates those steps, and ends
 *    every call; FSInfo's free count, a hint, is written last.
 *
 * A name's entries are always written in one sector, so a cut cannot
 * leave half of a long name. */
#include <fs/fat32_internal.h>
#include <string.h>

static const uint8_t fat_zeros[FAT_MAX_SECTOR];

/* ---- the device ---- */

static int fat_dev_write(struct fat_fs *fs, uint64_t sector, uint32_t count,
			 const void *buf, const char *where)
{
	uint64_t lba = sector * fs->dev_per_sector;
	uint64_t n = (uint64_t)count * fs->dev_per_sector;

	if (fs->cached_data_sector >= sector &&
	    fs->cached_data_sector < sector + count && buf != fs->data_cache)
		fs->cached_data_sector = UINT64_MAX;
	if (lba + n > fs->dev->sectors ||
	    fs->dev->write(fs->dev, lba, (uint32_t)n, buf)) {
		if (buf == fs->data_cache)
			fs->cached_data_sector = UINT64_MAX;
		return fat_fail(fs, where, FAT_ERR_IO,
				"writing sector %llu failed",
				(unsigned long long)sector);
	}
	return FAT_OK;
}

/* Everything written so far reaches stable storage before anything
 * written after. */
static int fat_barrier(struct fat_fs *fs, const char *where)
{
	if (fs->dev->flush && fs->dev->flush(fs->dev))
		return fat_fail(fs, where, FAT_ERR_IO,
				"flushing the disk's cache failed");
	return FAT_OK;
}

int fat_fat_writeback(struct fat_fs *fs, const char *where)
{
	uint64_t rel = fs->cached_fat_sector - fs->fat_start;

	if (!fs->fat_dirty)
		return FAT_OK;
	fs->fat_dirty = false;
	for (uint32_t i = 0; i < fs->fat_copies; i++) {
		int err = fat_dev_write(fs, fs->fat_copy_start[i] + rel, 1,
					fs->fat_cache, where);
		if (err) {
			fs->cached_fat_sector = UINT64_MAX;
			return err;
		}
	}
	return FAT_OK;
}

/* The FAT written back, then a barrier. */
static int fat_sync(struct fat_fs *fs, const char *where)
{
	int err = fat_fat_writeback(fs, where);

	return err ? err : fat_barrier(fs, where);
}

/* A sector of the data area, read into data_cache to be changed and
 * written back with fat_put_cached(). */
static uint8_t *fat_get_sector(struct fat_fs *fs, uint64_t sector,
			       const char *where)
{
	return fat_sector(fs, sector, where) ? fs->data_cache : NULL;
}

static int fat_put_cached(struct fat_fs *fs, const char *where)
{
	return fat_dev_write(fs, fs->cached_data_sector, 1, fs->data_cache,
			     where);
}

/* ---- FSInfo: the free cluster count and where to look for one ---- */

#define FSINFO_LEAD  0x41615252u
#define FSINFO_STRUC 0x61417272u
#define FSINFO_TRAIL 0xAA550000u

static bool fat_fsinfo_ok(const uint8_t *s)
{
	return le32(s) == FSINFO_LEAD && le32(s + 484) == FSINFO_STRUC &&
	       le32(s + 508) == FSINFO_TRAIL;
}

/* Before the first write: reads the hints, if FSInfo is sound. */
static void fat_fsinfo_load(struct fat_fs *fs)
{
	const uint8_t *s;

	if (fs->fsinfo_loaded)
		return;
	fs->fsinfo_loaded = true;
	fs->free_count = UINT32_MAX;
	fs->next_free = 2;
	if (!fs->fsinfo_sector ||
	    !(s = fat_sector(fs, fs->fsinfo_sector, "FSInfo")) ||
	    !fat_fsinfo_ok(s))
		return;
	if (le32(s + 488) <= fs->cluster_count)
		fs->free_count = le32(s + 488);
	if (fat_cluster_valid(fs, le32(s + 492)))
		fs->next_free = le32(s + 492);
}

/* Writes the hints back; last in a call, after its barrier. */
static int fat_fsinfo_store(struct fat_fs *fs, const char *where)
{
	uint8_t *s;

	if (!fs->fsinfo_sector)
		return FAT_OK;
	if (!(s = fat_get_sector(fs, fs->fsinfo_sector, where)))
		return FAT_ERR_IO;
	if (!fat_fsinfo_ok(s))
		return FAT_OK;
	if (le32(s + 488) == fs->free_count && le32(s + 492) == fs->next_free)
		return FAT_OK;
	put32(s + 488, fs->free_count);
	put32(s + 492, fs->next_free);
	return fat_put_cached(fs, where);
}

/* Ends a call that changed the volume: barrier, hints, barrier. */
static int fat_finish(struct fat_fs *fs, const char *where)
{
	int err = fat_sync(fs, where);

	if (!err)
		err = fat_fsinfo_store(fs, where);
	return err ? err : fat_barrier(fs, where);
}

static int fat_writable(struct fat_fs *fs, const char *where)
{
	if (fs->dev->read_only || !fs->dev->write)
		return fat_fail(fs, where, FAT_ERR_READ_ONLY,
				"the disk is read-only");
	fat_fsinfo_load(fs);
	return FAT_OK;
}

/* ---- clusters ---- */

static int fat_set(struct fat_fs *fs, uint32_t cluster, uint32_t value,
		   const char *where)
{
	uint32_t old;
	int err = fat_entry(fs, cluster, &old, where);

	if (err)
		return err;
	uint8_t *p =
		fs->fat_cache + (uint64_t)cluster * 4 % fs->bytes_per_sector;
	/* The top 4 bits are reserved: kept as they are. */
	put32(p, (le32(p) & 0xF0000000u) | value);
	fs->fat_dirty = true;
	if (fs->free_count != UINT32_MAX) {
		if (!old && value)
			fs->free_count--;
		else if (old && !value && fs->free_count < fs->cluster_count)
			fs->free_count++;
	}
	return FAT_OK;
}

/* A free cluster, searched from the hint on; 0 when the disk is full. */
static int fat_find_free(struct fat_fs *fs, uint32_t *found, const char *where)
{
	uint32_t last = fs->cluster_count + 1;
	uint32_t c = fat_cluster_valid(fs, fs->next_free) ? fs->next_free : 2;

	for (uint32_t i = 0; i < fs->cluster_count; i++) {
		uint32_t v;
		int err = fat_entry(fs, c, &v, where);
		if (err)
			return err;
		if (!v) {
			*found = c;
			fs->next_free = c == last ? 2 : c + 1;
			return FAT_OK;
		}
		c = c == last ? 2 : c + 1;
	}
	*found = 0;
	return FAT_OK;
}

/* Frees a chain head first: each cluster after the one pointing at it,
 * so what is left on the disk is a (lost) chain at every step. Stops at
 * anything that is not a sound chain: a bad disk loses clusters rather
 * than having someone else's freed. */
static int fat_free_chain(struct fat_fs *fs, uint32_t first, const char *where)
{
	uint32_t c = first, count = 0;

	while (fat_cluster_valid(fs, c) && count++ < fs->cluster_count) {
		uint32_t v;
		int err = fat_entry(fs, c, &v, where);
		if (err)
			return err;
		if (!v || v == FAT_BAD_CLUSTER)
			break;
		if ((err = fat_set(fs, c, 0, where)))
			return err;
		c = v >= FAT_EOC_MIN ? 0 : v;
	}
	return FAT_OK;
}

/* Takes back a detached chain after a failure, on the disk too. An
 * error here leaves lost clusters at worst: ignored. */
static void fat_undo_chain(struct fat_fs *fs, uint32_t first, const char *where)
{
	if (!fat_free_chain(fs, first, where))
		fat_fat_writeback(fs, where);
}

/* Allocates a detached chain of 'count' clusters: each is marked as the
 * end first, then linked from the one before. FAT_ERR_NO_SPACE frees what
 * it took. */
static int fat_alloc_chain(struct fat_fs *fs, uint32_t count, uint32_t *first,
			   const char *where)
{
	uint32_t prev = 0;
	int err = FAT_OK;

	*first = 0;
	for (uint32_t k = 0; k < count && !err; k++) {
		uint32_t c;
		if ((err = fat_find_free(fs, &c, where)))
			break;
		if (!c) {
			err = fat_fail(fs, where, FAT_ERR_NO_SPACE,
				       "the disk is full (%u more clusters "
				       "of %u bytes needed)",
				       count - k, fs->cluster_size);
			break;
		}
		err = fat_set(fs, c, FAT_EOC, where);
		if (!err && prev)
			err = fat_set(fs, prev, c, where);
		if (!*first)
			*first = c;
		prev = c;
	}
	if (err)
		fat_undo_chain(fs, *first, where);
	return err;
}

/* Counts the clusters of a chain and finds its last one (0, 0 for none). */
static int fat_chain_end(struct fat_fs *fs, uint32_t first, uint32_t *count,
			 uint32_t *last, const char *where)
{
	struct fat_walk w;
	int err;

	*count = *last = 0;
	if (!first)
		return FAT_OK;
	if (!fat_cluster_valid(fs, first))
		return fat_fail(fs, where, FAT_ERR_CHAIN,
				"first cluster %u is outside 2..%u", first,
				fs->cluster_count + 1);
	fat_walk_start(&w, first);
	while (w.cur) {
		*last = w.cur;
		*count = w.count;
		if ((err = fat_walk_step(fs, &w, where)))
			return err;
	}
	return FAT_OK;
}

/* ---- directory entries ---- */

/* The sector holding entry 'slot' of the directory starting at cluster
 * 'dir', and the entry's offset in it. */
static int fat_slot_sector(struct fat_fs *fs, uint32_t dir, uint32_t slot,
			   uint64_t *sector, uint32_t *off, const char *where)
{
	uint32_t per_cluster = fs->cluster_size / FAT_DIR_ENTRY;
	struct fat_walk w;
	int err;

	fat_walk_start(&w, dir);
	for (uint32_t i = slot / per_cluster; i && w.cur; i--)
		if ((err = fat_walk_step(fs, &w, where)))
			return err;
	if (!w.cur)
		return fat_fail(fs, where, FAT_ERR_CHAIN,
				"directory entry %u is past its chain", slot);
	uint32_t in = slot % per_cluster * FAT_DIR_ENTRY;
	*sector = fat_cluster_sector(fs, w.cur) + in / fs->bytes_per_sector;
	*off = in % fs->bytes_per_sector;
	return FAT_OK;
}

/* The 32 bytes of entry 'slot', in data_cache until the next read. */
static uint8_t *fat_slot(struct fat_fs *fs, uint32_t dir, uint32_t slot,
			 const char *where)
{
	uint64_t sector = 0;
	uint32_t off = 0;
	uint8_t *s;

	if (fat_slot_sector(fs, dir, slot, &sector, &off, where) ||
	    !(s = fat_get_sector(fs, sector, where)))
		return NULL;
	return s + off;
}

/* Room for 'count' entries in one sector of 'dir'. */
struct fat_room {
	uint32_t slot;    /* the first of them */
	uint32_t end;     /* the first 0x00 entry (end of the directory) */
	bool past_end;    /* the run reaches the end mark */
	uint32_t cluster; /* scan state: the directory's last cluster */
	uint32_t scanned; /* entries in the directory */
};

/* Scans 'dir' for 'count' free entries in one sector (deleted ones, or
 * any after the end mark); true in *found with the place in 'r'. */
static int fat_room_scan(struct fat_fs *fs, uint32_t dir, uint32_t count,
			 struct fat_room *r, bool *found, const char *where)
{
	uint32_t per_sector = fs->bytes_per_sector / FAT_DIR_ENTRY;
	struct fat_walk w;
	uint32_t slot = 0;
	int err;

	r->end = UINT32_MAX;
	*found = false;
	fat_walk_start(&w, dir);
	while (w.cur) {
		uint64_t first = fat_cluster_sector(fs, w.cur);
		r->cluster = w.cur;
		for (uint32_t s = 0; s < fs->sectors_per_cluster; s++) {
			const uint8_t *sec = fat_sector(fs, first + s, where);
			uint32_t run = 0;
			if (!sec)
				return FAT_ERR_IO;
			for (uint32_t i = 0; i < per_sector; i++, slot++) {
				uint8_t b = sec[i * FAT_DIR_ENTRY];
				if (!b && r->end == UINT32_MAX)
					r->end = slot;
				if (r->end == UINT32_MAX && b != FAT_DELETED) {
					run = 0;
					continue;
				}
				if (++run == count) {
					r->slot = slot + 1 - count;
					*found = true;
					return FAT_OK;
				}
			}
		}
		if ((err = fat_walk_step(fs, &w, where)))
			return err;
	}
	r->scanned = slot;
	return FAT_OK;
}

/* Zeroes a new cluster (a directory's, so it reads as empty). */
static int fat_zero_cluster(struct fat_fs *fs, uint32_t c, const char *where)
{
	uint64_t first = fat_cluster_sector(fs, c);

	for (uint32_t s = 0; s < fs->sectors_per_cluster; s++) {
		int err = fat_dev_write(fs, first + s, 1, fat_zeros, where);
		if (err)
			return err;
	}
	return FAT_OK;
}

/* Appends a zeroed cluster to directory 'dir' whose last is 'last'. */
static int fat_dir_grow(struct fat_fs *fs, uint32_t last, const char *where)
{
	uint32_t c;
	int err = fat_alloc_chain(fs, 1, &c, where);

	if (err)
		return err;
	if ((err = fat_zero_cluster(fs, c, where)) ||
	    (err = fat_sync(fs, where))) {
		fat_undo_chain(fs, c, where);
		return err;
	}
	if ((err = fat_set(fs, last, c, where)))
		return err;
	return fat_sync(fs, where);
}

/* Finds room for 'count' entries in 'dir', growing it by a cluster if
 * it must, and makes sure readers reach it: free entries before it that
 * end the directory (0x00) become deleted ones (0xE5). */
static int fat_dir_room(struct fat_fs *fs, uint32_t dir, uint32_t count,
			struct fat_room *r, const char *where)
{
	uint32_t per_cluster = fs->cluster_size / FAT_DIR_ENTRY;
	bool found;
	int err = fat_room_scan(fs, dir, count, r, &found, where);

	if (err)
		return err;
	if (!found) {
		if (r->scanned + per_cluster > FAT_MAX_ENTRIES)
			return fat_fail(fs, where, FAT_ERR_DIR,
					"the directory is full (%u entries)",
					FAT_MAX_ENTRIES);
		if ((err = fat_dir_grow(fs, r->cluster, where)))
			return err;
		r->slot = r->scanned;
		if (r->end == UINT32_MAX)
			r->end = r->scanned;
	}
	r->past_end = r->end < r->slot + count;
	/* The end mark is in the run's sector or the one before it; moved
	 * past the run, on the disk, before the run is written. */
	for (uint32_t s = r->end; s < r->slot; s++) {
		uint8_t *e = fat_slot(fs, dir, s, where);
		if (!e)
			return FAT_ERR_IO;
		e[0] = FAT_DELETED;
		if ((err = fat_put_cached(fs, where)))
			return err;
	}
	return r->end < r->slot ? fat_barrier(fs, where) : FAT_OK;
}

/* Writes 'count' entries at r->slot of 'dir', in one sector write; past
 * the end mark, the rest of the sector is zeroed so that nothing after
 * the new entries shows. */
static int fat_dir_put(struct fat_fs *fs, uint32_t dir,
		       const struct fat_room *r, const uint8_t *entries,
		       uint32_t count, const char *where)
{
	uint8_t *e = fat_slot(fs, dir, r->slot, where);

	if (!e)
		return FAT_ERR_IO;
	memcpy(e, entries, (size_t)count * FAT_DIR_ENTRY);
	if (r->past_end)
		memset(e + count * FAT_DIR_ENTRY, 0,
		       (size_t)(fs->data_cache + fs->bytes_per_sector -
				(e + count * FAT_DIR_ENTRY)));
	return fat_put_cached(fs, where);
}

/* Marks an entry and its long-name entries deleted: the 8.3 entry's
 * sector first, then, for a long name written elsewhere that straddles
 * two sectors, the sector before (ours never straddle). */
static int fat_dir_delete(struct fat_fs *fs, uint32_t dir, uint32_t slot,
			  uint32_t slots, const char *where)
{
	uint32_t per = fs->bytes_per_sector / FAT_DIR_ENTRY;
	uint32_t first = slots > slot ? 0 : slot + 1 - slots;
	uint32_t base = slot / per * per;

	for (int pass = 0; pass < 2; pass++) {
		uint32_t lo = pass ? first : (first > base ? first : base);
		uint32_t hi = pass ? base : slot + 1;
		for (uint32_t s = lo; s < hi; s++) {
			uint8_t *e = fat_slot(fs, dir, s, where);
			if (!e)
				return FAT_ERR_IO;
			e[0] = FAT_DELETED;
			int err = s + 1 == hi || (s + 1) % per == 0 ?
					  fat_put_cached(fs, where) :
					  FAT_OK;
			if (err)
				return err;
		}
	}
	return FAT_OK;
}

/* Sets the first cluster and size in the 8.3 entry of 'f'. */
static int fat_dir_set(struct fat_fs *fs, const struct fat_file *f,
		       uint32_t first, uint32_t size)
{
	uint8_t *e = fat_slot(fs, f->dir_cluster, f->slot, f->path);

	if (!e)
		return FAT_ERR_IO;
	put16(e + 20, first >> 16);
	put16(e + 26, first);
	put32(e + 28, size);
	return fat_put_cached(fs, f->path);
}

/* ---- paths ---- */

/* Splits 'path' into its directory, opened into 'dir', and last name. */
static int fat_parent(struct fat_fs *fs, const char *path, struct fat_file *dir,
		      const char **name, size_t *len)
{
	size_t end = strnlen(path, FAT_MAX_PATH), start;
	char dpath[FAT_MAX_PATH];
	int err;

	if (end == FAT_MAX_PATH)
		return fat_fail(fs, "path", FAT_ERR_PATH,
				"path longer than %u bytes", FAT_MAX_PATH - 1);
	while (end && path[end - 1] == '/')
		end--;
	for (start = end; start && path[start - 1] != '/'; start--)
		;
	memcpy(dpath, path, start);
	dpath[start] = '\0';
	if ((err = fat_open_locked(fs, dpath, dir)))
		return err;
	memcpy(dir->path, path, strlen(path) + 1); /* messages name it all */
	if (!dir->is_dir)
		return fat_fail(fs, path, FAT_ERR_NOT_DIR,
				"a file stands where a directory should");
	*name = path + start;
	*len = end - start;
	if (!*len || (*len == 1 && path[start] == '.') ||
	    (*len == 2 && path[start] == '.' && path[start + 1] == '.'))
		return fat_fail(fs, path, FAT_ERR_INVAL,
				"names the root, \".\" or \"..\"");
	return FAT_OK;
}

static int fat_find(struct fat_fs *fs, const struct fat_file *dir,
		    const char *name, size_t len, struct fat_lookup *l)
{
	memset(l, 0, sizeof(*l));
	l->name = name;
	l->len = len;
	if (len >= FAT_NAME_BUF)
		return FAT_OK; /* too long to be there */
	return fat_dir_walk(fs, dir, dir->path, fat_lookup_fn, l);
}

/* The entries of a new name in 'dir', checked to be free. */
static int fat_new_name(struct fat_fs *fs, const struct fat_file *dir,
			const char *name, size_t len, struct fat_name *n)
{
	struct fat_lookup l;
	int err = fat_find(fs, dir, name, len, &l);

	if (err)
		return err;
	if (l.found)
		return fat_fail(fs, dir->path, FAT_ERR_EXISTS, "\"%s\" exists",
				l.hit.name);
	if ((err = fat_name_entries(fs, name, len,
				    fs->bytes_per_sector / FAT_DIR_ENTRY, n,
				    dir->path)))
		return err;
	return fat_name_alias(fs, dir, n, dir->path);
}

/* The 8.3 entry of a new name. */
static uint8_t *fat_name_short(struct fat_name *n)
{
	return n->entries + (n->count - 1) * FAT_DIR_ENTRY;
}

/* Adds the entries of 'n' to 'dir'; the 8.3 entry's slot in *slot. */
static int fat_add(struct fat_fs *fs, const struct fat_file *dir,
		   const struct fat_name *n, uint32_t *slot)
{
	struct fat_room r;
	int err = fat_dir_room(fs, dir->first_cluster, n->count, &r, dir->path);

	if (!err)
		err = fat_dir_put(fs, dir->first_cluster, &r, n->entries,
				  n->count, dir->path);
	*slot = r.slot + n->count - 1;
	return err;
}

/* ---- files ---- */

static int fat_create_locked(struct fat_fs *fs, const char *path,
			     struct fat_file *f)
{
	struct fat_name n;
	const char *name;
	size_t len;
	uint32_t slot;
	int err;

	memset(f, 0, sizeof(*f));
	if ((err = fat_writable(fs, path)) ||
	    (err = fat_parent(fs, path, f, &name, &len)) ||
	    (err = fat_new_name(fs, f, name, len, &n)))
		return err;
	uint8_t *e = fat_name_short(&n);
	e[11] = ATTR_ARCHIVE;
	if ((err = fat_add(fs, f, &n, &slot)))
		return err;
	f->dir_cluster = f->first_cluster;
	f->slot = slot;
	f->first_cluster = f->pos_cluster = 0;
	f->pos_index = 0;
	f->is_dir = false;
	f->size = 0;
	return fat_finish(fs, path);
}

/* The bytes of a write: [start, end) of the file, where those before
 * 'offset' (a gap past the old end) and all of them without 'buf' are 0. */
struct fat_span {
	const uint8_t *buf;
	uint64_t offset, start, end;
};

/* Writes the part of the span in cluster 'c', the 'index'th of the file;
 * 'fresh' when the cluster is new, so nothing in it is to be kept. */
static int fat_write_cluster(struct fat_fs *fs, const struct fat_span *sp,
			     uint32_t c, uint32_t index, bool fresh,
			     const char *where)
{
	uint32_t bps = fs->bytes_per_sector;
	uint64_t base = (uint64_t)index * fs->cluster_size;
	uint64_t first = fat_cluster_sector(fs, c);
	int err;

	for (uint32_t s = 0; s < fs->sectors_per_cluster; s++) {
		uint64_t at = base + (uint64_t)s * bps;
		uint64_t lo = at > sp->start ? at : sp->start;
		uint64_t hi = FAT_MIN(at + bps, sp->end);
		if (lo >= hi)
			continue;
		bool whole = sp->start <= at && sp->end >= at + bps;
		/* Whole sectors of the caller's bytes go straight out. */
		if (whole && sp->buf && lo >= sp->offset) {
			uint32_t n = 1;
			while (s + n < fs->sectors_per_cluster &&
			       at + (uint64_t)(n + 1) * bps <= sp->end)
				n++;
			if ((err = fat_dev_write(fs, first + s, n,
						 sp->buf + (lo - sp->offset),
						 where)))
				return err;
			s += n - 1;
			continue;
		}
		uint8_t *sec;
		if (fresh || whole) {
			fs->cached_data_sector = first + s;
			sec = fs->data_cache;
			memset(sec, 0, bps);
		} else if (!(sec = fat_get_sector(fs, first + s, where))) {
			return FAT_ERR_IO;
		}
		for (uint64_t p = lo; p < hi; p++)
			sec[p - at] = sp->buf && p >= sp->offset ?
					      sp->buf[p - sp->offset] :
					      0;
		if ((err = fat_put_cached(fs, where)))
			return err;
	}
	return FAT_OK;
}

/* Writes the span over the file's clusters from 'c' (the 'index'th):
 * those of its chain, then from index 'have' on the detached new chain
 * from 'fresh'. */
static int fat_write_span(struct fat_fs *fs, const struct fat_span *sp,
			  uint32_t c, uint32_t index, uint32_t have,
			  uint32_t fresh, uint32_t *end, const char *where)
{
	uint64_t last = (sp->end - 1) / fs->cluster_size;
	int err;

	for (;;) {
		if ((err = fat_write_cluster(fs, sp, c, index, index >= have,
					     where)))
			return err;
		if (index == last) {
			*end = c;
			return FAT_OK;
		}
		if (index + 1 == have)
			c = fresh;
		else if ((err = fat_next(fs, c, &c, where)))
			return err;
		if (!c)
			return fat_fail(fs, where, FAT_ERR_CHAIN,
					"cluster chain ends early");
		index++;
	}
}

/* The 'index'th cluster of the chain from 'c'. */
static int fat_nth(struct fat_fs *fs, uint32_t c, uint32_t index, uint32_t *out,
		   const char *where)
{
	int err;

	while (index--) {
		if ((err = fat_next(fs, c, &c, where)))
			return err;
		if (!c)
			return fat_fail(fs, where, FAT_ERR_CHAIN,
					"cluster chain ends early");
	}
	*out = c;
	return FAT_OK;
}

/* Writes [start, end) as the span says and sets the file's size to at
 * least 'end': new clusters (found first, all of them) are filled and
 * chained detached, flushed, linked, flushed, then the entry is set. */
static int fat_write_range(struct fat_fs *fs, struct fat_file *f,
			   const struct fat_span *sp)
{
	uint32_t cs = fs->cluster_size, have, last, add = 0, fresh = 0, end = 0;
	uint64_t need = (sp->end + cs - 1) / cs;
	/* From the cursor, when it is past the start: a file written in
	 * pieces, front to back, walks each cluster about once. */
	bool cursor = f->pos_index && fat_cluster_valid(fs, f->pos_cluster);
	int err;

	if ((err = fat_chain_end(fs, cursor ? f->pos_cluster : f->first_cluster,
				 &have, &last, f->path)))
		return err;
	have += cursor ? f->pos_index : 0;
	if (need > have && (err = fat_alloc_chain(fs, (uint32_t)(need - have),
						  &fresh, f->path)))
		return err;
	add = need > have ? (uint32_t)(need - have) : 0;
	uint32_t index = (uint32_t)(sp->start / cs), c = 0;
	if (index < have)
		err = fat_seek(fs, f, index, &c);
	else
		err = fat_nth(fs, fresh, index - have, &c, f->path);
	if (!err && sp->end > sp->start)
		err = fat_write_span(fs, sp, c, index, have, fresh, &end,
				     f->path);
	/* The data, and a new chain, are on the disk before anything links
	 * them or a new size takes them in. */
	if (!err)
		err = fat_sync(fs, f->path);
	if (err) {
		fat_undo_chain(fs, fresh, f->path);
		return err;
	}
	uint32_t first = f->first_cluster ? f->first_cluster : fresh;
	if (add && have) {
		if ((err = fat_set(fs, last, fresh, f->path)) ||
		    (err = fat_sync(fs, f->path)))
			return err;
	}
	uint32_t size = sp->end > f->size ? (uint32_t)sp->end : f->size;
	if (size != f->size || first != f->first_cluster) {
		if ((err = fat_dir_set(fs, f, first, size)))
			return err;
		f->first_cluster = first;
		f->size = size;
	}
	/* The cursor at the last cluster written: the next piece starts
	 * there. */
	f->pos_index = (uint32_t)((sp->end - 1) / cs);
	f->pos_cluster = end;
	return fat_finish(fs, f->path);
}

static int fat_file_writable(struct fat_fs *fs, struct fat_file *f)
{
	int err = fat_writable(fs, f->path);

	if (err)
		return err;
	if (f->is_dir || !f->dir_cluster)
		return fat_fail(fs, f->path, FAT_ERR_IS_DIR, "is a directory");
	return FAT_OK;
}

static long fat_write_locked(struct fat_fs *fs, struct fat_file *f,
			     uint64_t offset, const void *buf, size_t len)
{
	struct fat_span sp = { .buf = buf, .offset = offset };
	int err = fat_file_writable(fs, f);

	if (err)
		return err;
	if (offset > UINT32_MAX || len > UINT32_MAX - offset)
		return fat_fail(fs, f->path, FAT_ERR_RANGE,
				"a write to %llu+%zu would make the file 4 GiB "
				"or more",
				(unsigned long long)offset, len);
	if (!len)
		return 0;
	sp.start = FAT_MIN(offset, (uint64_t)f->size);
	sp.end = offset + len;
	err = fat_write_range(fs, f, &sp);
	return err ? err : (long)len;
}

/* Shrinks 'f' to 'size': the entry first, then the clusters past the
 * new end are cut off the chain and freed. */
static int fat_shrink(struct fat_fs *fs, struct fat_file *f, uint32_t size)
{
	uint32_t keep = (uint32_t)(((uint64_t)size + fs->cluster_size - 1) /
				   fs->cluster_size);
	uint32_t first = keep ? f->first_cluster : 0, tail = f->first_cluster;
	int err;

	if ((err = fat_dir_set(fs, f, first, size)) ||
	    (err = fat_barrier(fs, f->path)))
		return err;
	f->size = size;
	f->first_cluster = f->pos_cluster = first;
	f->pos_index = 0;
	if (keep) {
		uint32_t end;
		if ((err = fat_nth(fs, first, keep - 1, &end, f->path)) ||
		    (err = fat_next(fs, end, &tail, f->path)))
			return err;
		if (tail && ((err = fat_set(fs, end, FAT_EOC, f->path)) ||
			     (err = fat_sync(fs, f->path))))
			return err;
	}
	if (tail && (err = fat_free_chain(fs, tail, f->path)))
		return err;
	return fat_finish(fs, f->path);
}

static int fat_truncate_locked(struct fat_fs *fs, struct fat_file *f,
			       uint32_t size)
{
	struct fat_span sp = { .offset = size, .start = f->size, .end = size };
	int err = fat_file_writable(fs, f);

	if (err)
		return err;
	if (size < f->size)
		return fat_shrink(fs, f, size);
	if (size == f->size)
		return FAT_OK;
	if ((err = fat_check_chain(fs, f)))
		return err;
	return fat_write_range(fs, f, &sp);
}

/* ---- directories ---- */

/* Fills data_cache with the first sector of a new directory: "." and
 * "..", the parent given as 0 when it is the root. */
static void fat_dot_entries(struct fat_fs *fs, uint32_t self, uint32_t parent)
{
	uint8_t *e = fs->data_cache;

	memset(e, 0, fs->bytes_per_sector);
	for (int k = 0; k < 2; k++, e += FAT_DIR_ENTRY) {
		uint32_t c = k ? (parent == fs->root_cluster ? 0 : parent) :
				 self;
		memset(e, ' ', 11);
		e[0] = e[k] = '.';
		e[11] = ATTR_DIR;
		put16(e + 16, 0x0021);
		put16(e + 18, 0x0021);
		put16(e + 24, 0x0021);
		put16(e + 20, c >> 16);
		put16(e + 26, c);
	}
}

static int fat_mkdir_locked(struct fat_fs *fs, const char *path,
			    struct fat_file *dir)
{
	struct fat_name n;
	const char *name;
	size_t len;
	uint32_t c, slot;
	int err;

	if ((err = fat_writable(fs, path)) ||
	    (err = fat_parent(fs, path, dir, &name, &len)) ||
	    (err = fat_new_name(fs, dir, name, len, &n)) ||
	    (err = fat_alloc_chain(fs, 1, &c, path)))
		return err;
	/* The new directory's cluster, whole, before its entry. */
	err = fat_zero_cluster(fs, c, path);
	if (!err) {
		fat_dot_entries(fs, c, dir->first_cluster);
		fs->cached_data_sector = fat_cluster_sector(fs, c);
		err = fat_put_cached(fs, path);
	}
	if (!err)
		err = fat_sync(fs, path);
	uint8_t *e = fat_name_short(&n);
	e[11] = ATTR_DIR;
	put16(e + 20, c >> 16);
	put16(e + 26, c);
	if (!err)
		err = fat_add(fs, dir, &n, &slot);
	if (err) {
		fat_undo_chain(fs, c, path);
		return err;
	}
	return fat_finish(fs, path);
}

static bool fat_any_entry(void *ctx, const struct fat_dirent *e)
{
	(void)e;
	*(bool *)ctx = true;
	return false;
}

/* Removes a file or (want_dir) an empty directory. */
static int fat_remove_locked(struct fat_fs *fs, const char *path,
			     struct fat_file *dir, bool want_dir)
{
	struct fat_lookup l;
	const char *name;
	size_t len;
	int err;

	if ((err = fat_writable(fs, path)) ||
	    (err = fat_parent(fs, path, dir, &name, &len)) ||
	    (err = fat_find(fs, dir, name, len, &l)))
		return err;
	if (!l.found)
		return fat_fail(fs, path, FAT_ERR_NOT_FOUND,
				"no \"%.*s\" in its directory", (int)len, name);
	if (l.hit.is_dir != want_dir)
		return fat_fail(fs, path,
				want_dir ? FAT_ERR_NOT_DIR : FAT_ERR_IS_DIR,
				want_dir ? "not a directory" :
					   "is a directory");
	struct fat_file f = { .first_cluster = l.hit.first_cluster,
			      .size = want_dir ? 0 : l.hit.size,
			      .is_dir = want_dir };
	memcpy(f.path, path, strlen(path) + 1);
	/* A chain that is not sound is left as lost clusters, not freed. */
	bool sound = !fat_check_chain(fs, &f);
	if (want_dir && sound) {
		bool any = false;
		if ((err = fat_dir_walk(fs, &f, path, fat_any_entry, &any)))
			return err;
		if (any)
			return fat_fail(fs, path, FAT_ERR_NOT_EMPTY,
					"the directory is not empty");
	}
	if ((err = fat_dir_delete(fs, dir->first_cluster, l.hit.slot,
				  l.hit.slots, path)) ||
	    (err = fat_barrier(fs, path)))
		return err;
	if (sound && (err = fat_free_chain(fs, f.first_cluster, path)))
		return err;
	return fat_finish(fs, path);
}

/* ---- renaming ---- */

/* FAT_ERR_INVAL when the directory starting at 'moved' is 'to_dir' (a
 * path) or one of the directories on the way to it. */
static int fat_not_into_itself(struct fat_fs *fs, uint32_t moved,
			       const char *to_dir, size_t dlen,
			       struct fat_file *tmp, const char *where)
{
	char prefix[FAT_MAX_PATH];

	for (size_t i = 0; i <= dlen; i++) {
		if (i < dlen && to_dir[i] != '/')
			continue;
		memcpy(prefix, to_dir, i);
		prefix[i] = '\0';
		int err = fat_open_locked(fs, prefix, tmp);
		if (err)
			return err;
		if (tmp->first_cluster == moved)
			return fat_fail(fs, where, FAT_ERR_INVAL,
					"a directory cannot move into itself");
	}
	return FAT_OK;
}

/* Renames within one sector of one directory, in one write, when the
 * old entries (all in the sector of the 8.3 one) can make way for the
 * new ones there; *done says whether it did. */
static int fat_rename_in_place(struct fat_fs *fs, const struct fat_file *dir,
			       const struct fat_dirent *old,
			       const struct fat_name *n, bool *done,
			       const char *where)
{
	uint32_t per_sector = fs->bytes_per_sector / FAT_DIR_ENTRY;
	uint32_t from = old->slot + 1 - old->slots, run = 0, end = UINT32_MAX;
	uint32_t base = old->slot / per_sector * per_sector;
	uint8_t *e;

	*done = false;
	if (from < base || !(e = fat_slot(fs, dir->first_cluster, base, where)))
		return from < base ? FAT_OK : FAT_ERR_IO;
	for (uint32_t s = from; s <= old->slot; s++)
		e[(s - base) * FAT_DIR_ENTRY] = FAT_DELETED;
	for (uint32_t i = 0; i < per_sector; i++) {
		uint8_t b = e[i * FAT_DIR_ENTRY];
		if (!b && end == UINT32_MAX)
			end = i;
		run = end != UINT32_MAX || b == FAT_DELETED ? run + 1 : 0;
		if (run < n->count)
			continue;
		uint32_t at = i + 1 - n->count;
		for (uint32_t k = end; k < at; k++)
			e[k * FAT_DIR_ENTRY] = FAT_DELETED;
		memcpy(e + at * FAT_DIR_ENTRY, n->entries,
		       (size_t)n->count * FAT_DIR_ENTRY);
		if (end <= i)
			memset(e + (i + 1) * FAT_DIR_ENTRY, 0,
			       (per_sector - i - 1) * FAT_DIR_ENTRY);
		*done = true;
		return fat_put_cached(fs, where);
	}
	fs->cached_data_sector = UINT64_MAX; /* the old entries stay */
	return FAT_OK;
}

/* Points the ".." of directory 'c' at 'parent'. */
static int fat_set_dotdot(struct fat_fs *fs, uint32_t c, uint32_t parent,
			  const char *where)
{
	uint8_t *e = fat_slot(fs, c, 1, where);

	if (!e)
		return FAT_ERR_IO;
	if (memcmp(e, "..         ", 11))
		return FAT_OK; /* no ".." to keep right */
	if (parent == fs->root_cluster)
		parent = 0;
	put16(e + 20, parent >> 16);
	put16(e + 26, parent);
	return fat_put_cached(fs, where);
}

struct fat_rename {
	struct fat_file from_dir, to_dir, tmp;
	struct fat_lookup old, clash;
	struct fat_name n;
};

static int fat_rename_locked(struct fat_fs *fs, const char *from,
			     const char *to, struct fat_rename *r)
{
	const char *name, *to_name;
	size_t len, to_len;
	int err;

	if ((err = fat_writable(fs, from)) ||
	    (err = fat_parent(fs, from, &r->from_dir, &name, &len)) ||
	    (err = fat_find(fs, &r->from_dir, name, len, &r->old)))
		return err;
	if (!r->old.found)
		return fat_fail(fs, from, FAT_ERR_NOT_FOUND,
				"no \"%.*s\" in its directory", (int)len, name);
	if ((err = fat_parent(fs, to, &r->to_dir, &to_name, &to_len)))
		return err;
	const struct fat_dirent *old = &r->old.hit;
	bool same_dir = r->from_dir.first_cluster == r->to_dir.first_cluster;
	if (old->is_dir && old->first_cluster &&
	    (err = fat_not_into_itself(fs, old->first_cluster, to,
				       (size_t)(to_name - to), &r->tmp, to)))
		return err;
	if ((err = fat_find(fs, &r->to_dir, to_name, to_len, &r->clash)))
		return err;
	if (r->clash.found && !(same_dir && r->clash.hit.slot == old->slot))
		return fat_fail(fs, to, FAT_ERR_EXISTS, "\"%s\" exists",
				r->clash.hit.name);
	if ((err = fat_name_entries(fs, to_name, to_len,
				    fs->bytes_per_sector / FAT_DIR_ENTRY, &r->n,
				    to)) ||
	    (err = fat_name_alias(fs, &r->to_dir, &r->n, to)))
		return err;
	/* The new 8.3 entry: the old one's fields under the new name. */
	uint8_t *e = fat_slot(fs, r->from_dir.first_cluster, old->slot, from);
	if (!e)
		return FAT_ERR_IO;
	uint8_t *ne = fat_name_short(&r->n);
	ne[11] = e[11];
	memcpy(ne + 13, e + 13, FAT_DIR_ENTRY - 13);
	bool done = false;
	if (same_dir && (err = fat_rename_in_place(fs, &r->from_dir, old, &r->n,
						   &done, to)))
		return err;
	if (done)
		return fat_finish(fs, to);
	/* Two steps: room first (it may fail), the old entry out, then the
	 * new one in. A cut between leaves the clusters lost, never linked
	 * twice. */
	struct fat_room room;
	if ((err = fat_dir_room(fs, r->to_dir.first_cluster, r->n.count, &room,
				to)) ||
	    (err = fat_barrier(fs, to)) ||
	    (err = fat_dir_delete(fs, r->from_dir.first_cluster, old->slot,
				  old->slots, from)) ||
	    (err = fat_barrier(fs, from)))
		return err;
	if (old->is_dir && !same_dir && old->first_cluster &&
	    ((err = fat_set_dotdot(fs, old->first_cluster,
				   r->to_dir.first_cluster, to)) ||
	     (err = fat_barrier(fs, to))))
		return err;
	/* The room may have moved if the old entries were in it. */
	if ((err = fat_dir_room(fs, r->to_dir.first_cluster, r->n.count, &room,
				to)))
		return err;
	err = fat_dir_put(fs, r->to_dir.first_cluster, &room, r->n.entries,
			  r->n.count, to);
	return err ? err : fat_finish(fs, to);
}

/* ---- the calls ---- */

/* Ends a path call: its message copied to 'msg' before another CPU's
 * call may overwrite fs->msg. */
static int fat_done(struct fat_fs *fs, int ret, char *msg)
{
	if (ret < 0 && msg)
		memcpy(msg, fs->msg, FAT_MSG_SIZE);
	spin_unlock(&fs->lock);
	return ret;
}

int fat_create(struct fat_fs *fs, const char *path, struct fat_file *f)
{
	spin_lock(&fs->lock);
	return (int)fat_unlock(fs, f, fat_create_locked(fs, path, f));
}

long fat_write(struct fat_fs *fs, struct fat_file *f, uint64_t offset,
	       const void *buf, size_t len)
{
	spin_lock(&fs->lock);
	return fat_unlock(fs, f, fat_write_locked(fs, f, offset, buf, len));
}

int fat_truncate(struct fat_fs *fs, struct fat_file *f, uint32_t size)
{
	spin_lock(&fs->lock);
	return (int)fat_unlock(fs, f, fat_truncate_locked(fs, f, size));
}

int fat_mkdir(struct fat_fs *fs, const char *path, char *msg)
{
	struct fat_file dir;

	spin_lock(&fs->lock);
	return fat_done(fs, fat_mkdir_locked(fs, path, &dir), msg);
}

int fat_unlink(struct fat_fs *fs, const char *path, char *msg)
{
	struct fat_file dir;

	spin_lock(&fs->lock);
	return fat_done(fs, fat_remove_locked(fs, path, &dir, false), msg);
}

int fat_rmdir(struct fat_fs *fs, const char *path, char *msg)
{
	struct fat_file dir;

	spin_lock(&fs->lock);
	return fat_done(fs, fat_remove_locked(fs, path, &dir, true), msg);
}

int fat_rename(struct fat_fs *fs, const char *from, const char *to, char *msg)
{
	struct fat_rename r; /* about 5 KiB of a task's 16 */

	spin_lock(&fs->lock);
	return fat_done(fs, fat_rename_locked(fs, from, to, &r), msg);
}

/* FAT32 reading: boot sector checks, cluster chains, directories with
 * long names, path lookup and file reads. See fs/fat32.h; the helpers
 * fs/fat32_write.c shares are declared in fs/fat32_internal.h. */
#include <fs/fat32.h>
#include <fs/fat32_internal.h>
#include <lib/utf8.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FAT_MAX_CLUSTERS 0x0FFFFFF5u /* so the last cluster is < BAD */
#define FAT_MAX_REQUEST  (1u << 20)  /* bytes per device read */

static const char *const fat_errors[] = {
	[0] = "success",
	[-FAT_ERR_IO] = "disk read or write failed",
	[-FAT_ERR_BPB] = "not a valid FAT32 boot sector",
	[-FAT_ERR_TRUNCATED] = "file system larger than the disk",
	[-FAT_ERR_NOT_FOUND] = "no such file or directory",
	[-FAT_ERR_NOT_DIR] = "not a directory",
	[-FAT_ERR_IS_DIR] = "is a directory",
	[-FAT_ERR_CHAIN] = "bad cluster chain",
	[-FAT_ERR_LOOP] = "cluster chain loops",
	[-FAT_ERR_PATH] = "bad path",
	[-FAT_ERR_RANGE] = "offset past the end of the file",
	[-FAT_ERR_DIR] = "directory too large",
	[-FAT_ERR_EXISTS] = "file exists",
	[-FAT_ERR_NO_SPACE] = "no space left on the disk",
	[-FAT_ERR_NAME] = "invalid or too long a name",
	[-FAT_ERR_NOT_EMPTY] = "directory not empty",
	[-FAT_ERR_READ_ONLY] = "the disk is read-only",
	[-FAT_ERR_INVAL] = "invalid operation",
};

const char *fat_strerror(int err)
{
	if (err > 0 ||
	    -err >= (int)(sizeof(fat_errors) / sizeof(fat_errors[0])))
		return "unknown error";
	return fat_errors[-err];
}

const char *fat_error(const struct fat_fs *fs)
{
	return fs->msg;
}

const char *fat_file_error(const struct fat_file *f)
{
	return f->msg;
}

/* Records "DEV: WHERE: problem" and returns 'err'. */
int fat_fail(struct fat_fs *fs, const char *where, int err, const char *fmt,
	     ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(fs->msg, sizeof(fs->msg), "%s: %s: %s", fs->dev->name, where,
		 what);
	return err;
}

/* ---- sectors ---- */

int fat_dev_read(struct fat_fs *fs, uint64_t sector, uint32_t count, void *buf,
		 const char *where)
{
	uint64_t lba = sector * fs->dev_per_sector;
	uint64_t n = (uint64_t)count * fs->dev_per_sector;

	if (lba + n > fs->dev->sectors ||
	    fs->dev->read(fs->dev, lba, (uint32_t)n, buf))
		return fat_fail(fs, where, FAT_ERR_IO,
				"reading sector %llu failed",
				(unsigned long long)sector);
	return FAT_OK;
}

/* One sector of the data area or the directories, through data_cache. */
const uint8_t *fat_sector(struct fat_fs *fs, uint64_t sector, const char *where)
{
	if (sector != fs->cached_data_sector) {
		fs->cached_data_sector = UINT64_MAX;
		if (fat_dev_read(fs, sector, 1, fs->data_cache, where))
			return NULL;
		fs->cached_data_sector = sector;
	}
	return fs->data_cache;
}

uint64_t fat_cluster_sector(const struct fat_fs *fs, uint32_t cluster)
{
	return fs->data_start +
	       (uint64_t)(cluster - 2) * fs->sectors_per_cluster;
}

/* ---- the boot sector ---- */

static int fat_check_bpb(struct fat_fs *fs, const uint8_t *b)
{
	const char *bs = "boot sector";
	uint32_t bps = le16(b + 11), spc = b[13], rsvd = le16(b + 14);
	uint32_t nfats = b[16], root_entries = le16(b + 17), media = b[21];
	uint32_t total = le16(b + 19) ? le16(b + 19) : le32(b + 32);
	uint32_t fat16_size = le16(b + 22), fat_size = le32(b + 36);
	uint32_t ext_flags = le16(b + 40), version = le16(b + 42);
	uint32_t root = le32(b + 44), active = 0;

	if (b[0] != 0xEB && b[0] != 0xE9)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"no jump instruction "
				"(byte 0 is 0x%02x): not a FAT file system",
				b[0]);
	if (le16(b + 510) != 0xAA55)
		return fat_fail(fs, bs, FAT_ERR_BPB, "no 0x55 0xAA signature");
	if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"bytes per sector %u is not "
				"512, 1024, 2048 or 4096",
				bps);
	if (!spc || (spc & (spc - 1)))
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"sectors per cluster %u is "
				"not a power of two",
				spc);
	if (bps * spc > 65536)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"clusters of %u bytes are "
				"larger than 64 KiB",
				bps * spc);
	if (!rsvd)
		return fat_fail(fs, bs, FAT_ERR_BPB, "no reserved sectors");
	if (nfats != 1 && nfats != 2)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"%u FATs (1 or 2 expected)", nfats);
	if (root_entries || fat16_size)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"FAT12/16 layout (root "
				"entries %u, 16-bit FAT size %u), not FAT32",
				root_entries, fat16_size);
	if (!fat_size)
		return fat_fail(fs, bs, FAT_ERR_BPB, "FAT size is 0");
	if (media != 0xF0 && media < 0xF8)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"media byte %#x is invalid", media);
	if (version)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"FAT32 version %u.%u is not "
				"0.0",
				version >> 8, version & 0xff);
	if (ext_flags & 0x80) { /* mirroring off: one active FAT */
		active = ext_flags & 0xf;
		if (active >= nfats)
			return fat_fail(fs, bs, FAT_ERR_BPB,
					"active FAT %u of "
					"%u FATs",
					active, nfats);
	}
	uint64_t data_start = rsvd + (uint64_t)nfats * fat_size;
	if (data_start >= total)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"reserved sectors and FATs "
				"(%llu sectors) fill the %u-sector volume",
				(unsigned long long)data_start, total);
	uint64_t clusters = (total - data_start) / spc;
	if (!clusters || clusters > FAT_MAX_CLUSTERS)
		return fat_fail(fs, bs, FAT_ERR_BPB, "%llu data clusters",
				(unsigned long long)clusters);
	if ((uint64_t)fat_size * bps / 4 < clusters + 2)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"a FAT of %u sectors cannot "
				"hold %llu clusters",
				fat_size, (unsigned long long)clusters);
	if (root < 2 || root > clusters + 1)
		return fat_fail(fs, bs, FAT_ERR_BPB,
				"root directory cluster %u "
				"is outside 2..%llu",
				root, (unsigned long long)clusters + 1);
	if ((uint64_t)total * (bps / BLOCKDEV_SECTOR_SIZE) > fs->dev->sectors)
		return fat_fail(fs, bs, FAT_ERR_TRUNCATED,
				"the file system has "
				"%llu bytes, the disk only %llu (truncated image?)",
				(unsigned long long)total * bps,
				(unsigned long long)fs->dev->sectors *
					BLOCKDEV_SECTOR_SIZE);
	fs->bytes_per_sector = bps;
	fs->sectors_per_cluster = spc;
	fs->cluster_size = bps * spc;
	fs->dev_per_sector = bps / BLOCKDEV_SECTOR_SIZE;
	fs->fat_sectors = fat_size;
	fs->fat_start = rsvd + active * fat_size;
	/* Writes go to every FAT when they mirror, else to the active one. */
	fs->fat_copies = ext_flags & 0x80 ? 1 : nfats;
	fs->fat_copy_start[0] = fs->fat_start;
	fs->fat_copy_start[1] = rsvd + fat_size;
	fs->fsinfo_sector = le16(b + 48) < rsvd ? le16(b + 48) : 0;
	fs->data_start = (uint32_t)data_start;
	fs->cluster_count = (uint32_t)clusters;
	fs->root_cluster = root;
	return FAT_OK;
}

/* ---- cluster chains ---- */

/* The FAT entry of a valid 'cluster', through fat_cache. */
int fat_entry(struct fat_fs *fs, uint32_t cluster, uint32_t *value,
	      const char *where)
{
	uint64_t byte = (uint64_t)cluster * 4;
	uint64_t sector = fs->fat_start + byte / fs->bytes_per_sector;

	if (sector != fs->cached_fat_sector) {
		if (fat_fat_writeback(fs, where))
			return FAT_ERR_IO;
		fs->cached_fat_sector = UINT64_MAX;
		if (fat_dev_read(fs, sector, 1, fs->fat_cache, where))
			return FAT_ERR_IO;
		fs->cached_fat_sector = sector;
	}
	*value = le32(fs->fat_cache + byte % fs->bytes_per_sector) & 0x0FFFFFFF;
	return FAT_OK;
}

bool fat_cluster_valid(const struct fat_fs *fs, uint32_t cluster)
{
	return cluster >= 2 && cluster <= fs->cluster_count + 1;
}

/* The cluster after 'cluster' in its chain, 0 at the end; an error when
 * the FAT points anywhere but a valid cluster or an end mark. */
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next,
	     const char *where)
{
	uint32_t v;
	int err = fat_entry(fs, cluster, &v, where);

	if (err)
		return err;
	if (v >= FAT_EOC_MIN)
		v = 0;
	else if (v == FAT_BAD_CLUSTER)
		return fat_fail(fs, where, FAT_ERR_CHAIN,
				"cluster chain hits "
				"a bad cluster after cluster %u",
				cluster);
	else if (v < 2)
		return fat_fail(fs, where, FAT_ERR_CHAIN,
				"cluster chain hits "
				"a free cluster after cluster %u",
				cluster);
	else if (!fat_cluster_valid(fs, v))
		return fat_fail(fs, where, FAT_ERR_CHAIN,
				"cluster chain leaves "
				"the FAT at cluster %u (next %u, last %u)",
				cluster, v, fs->cluster_count + 1);
	*next = v;
	return FAT_OK;
}

void fat_walk_start(struct fat_walk *w, uint32_t first)
{
	w->cur = w->tortoise = first;
	w->count = 1;
	w->power = w->lam = 1;
}

int fat_walk_step(struct fat_fs *fs, struct fat_walk *w, const char *where)
{
	uint32_t next;
	int err = fat_next(fs, w->cur, &next, where);

	if (err)
		return err;
	w->cur = next;
	if (!next)
		return FAT_OK;
	if (next == w->tortoise || ++w->count > fs->cluster_count)
		return fat_fail(fs, where, FAT_ERR_LOOP,
				"cluster chain loops "
				"(through cluster %u)",
				next);
	if (w->power == w->lam) {
		w->tortoise = next;
		w->power *= 2;
		w->lam = 0;
	}
	w->lam++;
	return FAT_OK;
}

/* Checks the whole chain of 'f': valid clusters, no loop, enough clusters
 * for its size, a directory of at most FAT_MAX_ENTRIES entries. */
int fat_check_chain(struct fat_fs *fs, const struct fat_file *f)
{
	uint64_t need =
		((uint64_t)f->size + fs->cluster_size - 1) / fs->cluster_size;
	uint64_t max_dir =
		(uint64_t)FAT_MAX_ENTRIES * FAT_DIR_ENTRY / fs->cluster_size;
	struct fat_walk w;
	int err;

	if (!f->first_cluster && !f->is_dir && !f->size)
		return FAT_OK;
	if (!fat_cluster_valid(fs, f->first_cluster))
		return fat_fail(fs, f->path, FAT_ERR_CHAIN,
				"first cluster %u is "
				"outside 2..%u",
				f->first_cluster, fs->cluster_count + 1);
	fat_walk_start(&w, f->first_cluster);
	while (w.cur) {
		if (f->is_dir && w.count > max_dir)
			return fat_fail(fs, f->path, FAT_ERR_DIR,
					"directory has "
					"more than %u entries",
					FAT_MAX_ENTRIES);
		if ((err = fat_walk_step(fs, &w, f->path)))
			return err;
	}
	if (w.count < need)
		return fat_fail(fs, f->path, FAT_ERR_CHAIN,
				"file of %u bytes has "
				"a cluster chain of only %u clusters of %u bytes",
				f->size, w.count, fs->cluster_size);
	return FAT_OK;
}

int fat_mount(struct fat_fs *fs, struct blockdev *dev)
{
	fs->dev = dev;
	fs->lock = (spinlock_t)SPINLOCK_INIT;
	fs->cached_fat_sector = fs->cached_data_sector = UINT64_MAX;
	fs->fat_dirty = fs->fsinfo_loaded = false;
	fs->msg[0] = '\0';
	if (dev->sectors < 1)
		return fat_fail(fs, "boot sector", FAT_ERR_TRUNCATED,
				"the disk is empty");
	if (dev->read(dev, 0, 1, fs->data_cache))
		return fat_fail(fs, "boot sector", FAT_ERR_IO,
				"reading sector 0 failed");
	int err = fat_check_bpb(fs, fs->data_cache);
	if (err)
		return err;
	struct fat_file root = { .first_cluster = fs->root_cluster,
				 .is_dir = true,
				 .path = "/" };
	return fat_check_chain(fs, &root);
}

/* ---- directory entries and names ---- */

struct fat_lfn {
	uint16_t units[LFN_MAX_ENTRIES * LFN_UNITS];
	uint16_t len; /* units of the sequence (13 per entry) */
	uint8_t checksum;
	uint8_t next;  /* ordinal expected next; 0: none pending */
	bool complete; /* a whole sequence precedes the short entry */
};

static void fat_lfn_add(struct fat_lfn *l, const uint8_t *e)
{
	static const uint8_t at[LFN_UNITS] = { 1,  3,  5,  7,  9,  14, 16,
					       18, 20, 22, 24, 28, 30 };
	unsigned ord = e[0] & 0x1f;

	if (e[0] & LFN_LAST) {
		l->next = ord >= 1 && ord <= LFN_MAX_ENTRIES ? (uint8_t)ord : 0;
		l->len = (uint16_t)(l->next * LFN_UNITS);
		l->checksum = e[13];
	} else if (ord != l->next || e[13] != l->checksum) {
		l->next = 0;
	}
	l->complete = false;
	if (!l->next)
		return;
	for (unsigned i = 0; i < LFN_UNITS; i++)
		l->units[(ord - 1) * LFN_UNITS + i] = le16(e + at[i]);
	if (--l->next == 0)
		l->complete = true;
}

uint8_t fat_short_checksum(const uint8_t *name)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/* The long name as UTF-8 (unpaired surrogates become '?'); false when it
 * is empty or longer than FAT_MAX_NAME units. */
static bool fat_lfn_name(const struct fat_lfn *l, char *out)
{
	size_t n = 0, len = 0;

	while (n < l->len && l->units[n])
		n++;
	if (!n || n > FAT_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint32_t u = l->units[i];
		if (u >= 0xd800 && u < 0xdc00 && i + 1 < n &&
		    l->units[i + 1] >= 0xdc00 && l->units[i + 1] < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) +
			    (l->units[++i] - 0xdc00);
		} else if (u >= 0xd800 && u < 0xe000) {
			u = '?';
		}
		len += utf8_encode(u, out + len);
	}
	out[len] = '\0';
	return true;
}

/* "NAME.EXT" from the 11 bytes of a short entry, lower-cased where the
 * entry says so; bytes of the OEM code page become '?'. */
static void fat_short_name(const uint8_t *e, char *out)
{
	size_t len = 0;

	for (unsigned part = 0; part < 2; part++) {
		unsigned from = part ? 8 : 0, n = part ? 3 : 8;
		bool lower = e[12] &
			     (part ? SHORT_LOWER_EXT : SHORT_LOWER_BASE);
		while (n && e[from + n - 1] == ' ')
			n--;
		if (part && n)
			out[len++] = '.';
		for (unsigned i = 0; i < n; i++) {
			uint8_t c = e[from + i];
			if (!part && !i && c == 0x05) /* a leading 0xE5 */
				c = 0xe5;
			if (c >= 0x80 || c < 0x20)
				c = '?';
			else if (lower && c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			out[len++] = (char)c;
		}
	}
	out[len] = '\0';
}

enum { ENT_SKIP, ENT_FILE, ENT_END };

/* Feeds one 32-byte entry to the long-name state; ENT_FILE when it ends a
 * file or directory entry, which is then in *d. */
static int fat_parse_entry(struct fat_lfn *l, const uint8_t *e,
			   struct fat_dirent *d)
{
	uint8_t attr = e[11];

	if (e[0] == 0x00)
		return ENT_END;
	if (e[0] == 0xe5) {
		l->next = 0;
		l->complete = false;
		return ENT_SKIP;
	}
	if ((attr & ATTR_LFN_MASK) == ATTR_LFN) {
		fat_lfn_add(l, e);
		return ENT_SKIP;
	}
	bool named = l->complete && l->checksum == fat_short_checksum(e);
	l->next = 0;
	l->complete = false;
	if (attr & ATTR_VOLUME || e[0] == '.') /* label, ".", ".." */
		return ENT_SKIP;
	fat_short_name(e, d->short_name);
	if (!named || !fat_lfn_name(l, d->name))
		memcpy(d->name, d->short_name, sizeof(d->short_name));
	d->first_cluster = (uint32_t)le16(e + 20) << 16 | le16(e + 26);
	d->size = le32(e + 28);
	d->is_dir = attr & ATTR_DIR;
	/* Its long-name entries go with it when it is removed. */
	d->slots = named ? l->len / LFN_UNITS + 1u : 1u;
	return ENT_FILE;
}

/* Calls fn for each entry of directory 'dir' (whose chain was checked). */
int fat_dir_walk(struct fat_fs *fs, const struct fat_file *dir,
		 const char *where,
		 bool (*fn)(void *ctx, const struct fat_dirent *e), void *ctx)
{
	struct fat_lfn lfn = { .next = 0 };
	struct fat_dirent d;
	struct fat_walk w;
	uint32_t slot = 0;
	int err;

	fat_walk_start(&w, dir->first_cluster);
	while (w.cur) {
		uint64_t first = fat_cluster_sector(fs, w.cur);
		for (uint32_t s = 0; s < fs->sectors_per_cluster; s++) {
			for (uint32_t off = 0; off < fs->bytes_per_sector;
			     off += FAT_DIR_ENTRY) {
				/* Again per entry: fn may have used the cache. */
				const uint8_t *sec =
					fat_sector(fs, first + s, where);
				if (!sec)
					return FAT_ERR_IO;
				int r = fat_parse_entry(&lfn, sec + off, &d);
				d.slot = slot++;
				if (r == ENT_END)
					return FAT_OK;
				if (r == ENT_FILE && !fn(ctx, &d))
					return FAT_OK;
			}
		}
		if ((err = fat_walk_step(fs, &w, where)))
			return err;
	}
	return FAT_OK;
}

static int fat_readdir_locked(struct fat_fs *fs, struct fat_file *dir,
			      bool (*fn)(void *ctx, const struct fat_dirent *e),
			      void *ctx)
{
	if (!dir->is_dir)
		return fat_fail(fs, dir->path, FAT_ERR_NOT_DIR,
				"not a directory");
	return fat_dir_walk(fs, dir, dir->path, fn, ctx);
}

/* ---- path lookup ---- */

static char fat_fold(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool fat_name_eq(const char *a, size_t len, const char *b)
{
	for (size_t i = 0; i < len; i++)
		if (!b[i] || fat_fold(a[i]) != fat_fold(b[i]))
			return false;
	return b[len] == '\0';
}

bool fat_lookup_fn(void *ctx, const struct fat_dirent *e)
{
	struct fat_lookup *l = ctx;

	if (!fat_name_eq(l->name, l->len, e->name) &&
	    !fat_name_eq(l->name, l->len, e->short_name))
		return true;
	l->hit = *e;
	l->found = true;
	return false;
}

int fat_open_locked(struct fat_fs *fs, const char *path, struct fat_file *f)
{
	size_t plen = 0;
	int err;

	while (plen < FAT_MAX_PATH && path[plen])
		plen++;
	memset(f, 0, sizeof(*f));
	if (plen == FAT_MAX_PATH) {
		memcpy(f->path, path, 40);
		memcpy(f->path + 40, "...", 4);
		return fat_fail(fs, f->path, FAT_ERR_PATH,
				"path longer than "
				"%u bytes",
				FAT_MAX_PATH - 1);
	}
	memcpy(f->path, path, plen + 1);
	f->first_cluster = fs->root_cluster;
	f->is_dir = true;
	if ((err = fat_check_chain(fs, f)))
		return err;
	for (const char *p = path; *p;) {
		struct fat_lookup l = { .name = p };
		while (p[l.len] && p[l.len] != '/')
			l.len++;
		p += l.len;
		while (*p == '/')
			p++;
		if (!l.len || (l.len == 1 && l.name[0] == '.'))
			continue;
		if (l.len >= FAT_NAME_BUF)
			return fat_fail(fs, f->path, FAT_ERR_PATH,
					"a name is "
					"longer than %u bytes",
					FAT_NAME_BUF - 1);
		if (!f->is_dir)
			return fat_fail(fs, f->path, FAT_ERR_NOT_DIR,
					"a file "
					"stands where a directory should");
		if ((err = fat_dir_walk(fs, f, f->path, fat_lookup_fn, &l)))
			return err;
		if (!l.found) {
			/* The name, NUL-ended, in the unused result. */
			memcpy(l.hit.name, l.name, l.len);
			l.hit.name[l.len] = '\0';
			return fat_fail(fs, f->path, FAT_ERR_NOT_FOUND,
					"no "
					"\"%s\" in its directory",
					l.hit.name);
		}
		f->dir_cluster = f->first_cluster;
		f->slot = l.hit.slot;
		f->first_cluster = l.hit.first_cluster;
		f->size = l.hit.is_dir ? 0 : l.hit.size;
		f->is_dir = l.hit.is_dir;
		if ((err = fat_check_chain(fs, f)))
			return err;
	}
	f->pos_index = 0;
	f->pos_cluster = f->first_cluster;
	return FAT_OK;
}

/* ---- reading ---- */

/* The 'index'th cluster of f's chain, walking on from the cursor. */
int fat_seek(struct fat_fs *fs, struct fat_file *f, uint32_t index,
	     uint32_t *cluster)
{
	int err;

	if (index < f->pos_index) {
		f->pos_index = 0;
		f->pos_cluster = f->first_cluster;
	}
	while (f->pos_index < index) {
		uint32_t next;
		if ((err = fat_next(fs, f->pos_cluster, &next, f->path)))
			return err;
		if (!next)
			return fat_fail(fs, f->path, FAT_ERR_CHAIN,
					"cluster chain "
					"ends at cluster %u",
					f->pos_cluster);
		f->pos_cluster = next;
		f->pos_index++;
	}
	*cluster = f->pos_cluster;
	return FAT_OK;
}

/* How many whole sectors to read in one request from sector 'in' of
 * cluster 'c' (the cursor's), continuing over the clusters that follow
 * it on disk; the cursor moves to the run's last cluster. */
static long fat_read_run(struct fat_fs *fs, struct fat_file *f, uint32_t c,
			 uint32_t in, size_t want)
{
	uint32_t bps = fs->bytes_per_sector, spc = fs->sectors_per_cluster;
	uint64_t n = FAT_MIN((uint64_t)(spc - in), want / bps);
	uint32_t max = FAT_MAX_REQUEST / bps;
	bool to_end = in + n == spc; /* the run reaches the cluster's end */
	int err;

	while (to_end && n + spc <= want / bps && n + spc <= max) {
		uint32_t next;
		if ((err = fat_next(fs, c, &next, f->path)))
			return err;
		if (next != c + 1)
			break;
		c = next;
		f->pos_cluster = c;
		f->pos_index++;
		n += spc;
	}
	return (long)n;
}

static long fat_read_locked(struct fat_fs *fs, struct fat_file *f,
			    uint64_t offset, void *buf, size_t len)
{
	uint32_t bps = fs->bytes_per_sector, cs = fs->cluster_size;
	uint8_t *dst = buf;
	size_t done = 0;
	int err;

	if (f->is_dir)
		return fat_fail(fs, f->path, FAT_ERR_IS_DIR, "is a directory");
	if (offset > f->size)
		return fat_fail(fs, f->path, FAT_ERR_RANGE,
				"read at %llu, past "
				"the end (%u bytes)",
				(unsigned long long)offset, f->size);
	len = (size_t)FAT_MIN((uint64_t)len, f->size - offset);
	while (done < len) {
		uint64_t pos = offset + done;
		uint32_t c = 0, in = (uint32_t)(pos % cs);
		if ((err = fat_seek(fs, f, (uint32_t)(pos / cs), &c)))
			return err;
		uint64_t sector = fat_cluster_sector(fs, c) + in / bps;
		if (in % bps == 0 && len - done >= bps) {
			long n = fat_read_run(fs, f, c, in / bps, len - done);
			if (n < 0)
				return n;
			if ((err = fat_dev_read(fs, sector, (uint32_t)n,
						dst + done, f->path)))
				return err;
			done += (size_t)n * bps;
			continue;
		}
		const uint8_t *sec = fat_sector(fs, sector, f->path);
		if (!sec)
			return FAT_ERR_IO;
		size_t part = FAT_MIN((size_t)(bps - in % bps), len - done);
		memcpy(dst + done, sec + in % bps, part);
		done += part;
	}
	return (long)done;
}

/* ---- the calls: one CPU at a time in the caches and fs->msg ---- */

/* Ends a call on 'f' that returned 'ret': an error's message is copied
 * to 'f' before the lock lets another CPU's call overwrite it. */
long fat_unlock(struct fat_fs *fs, struct fat_file *f, long ret)
{
	if (ret < 0)
		memcpy(f->msg, fs->msg, sizeof(f->msg));
	spin_unlock(&fs->lock);
	return ret;
}

int fat_open(struct fat_fs *fs, const char *path, struct fat_file *f)
{
	spin_lock(&fs->lock);
	return (int)fat_unlock(fs, f, fat_open_locked(fs, path, f));
}

long fat_read(struct fat_fs *fs, struct fat_file *f, uint64_t offset, void *buf,
	      size_t len)
{
	spin_lock(&fs->lock);
	return fat_unlock(fs, f, fat_read_locked(fs, f, offset, buf, len));
}

int fat_readdir(struct fat_fs *fs, struct fat_file *dir,
		bool (*fn)(void *ctx, const struct fat_dirent *e), void *ctx)
{
	spin_lock(&fs->lock);
	return (int)fat_unlock(fs, dir, fat_readdir_locked(fs, dir, fn, ctx));
}

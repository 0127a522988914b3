/* libFuzzer target: FAT32 writing on arbitrary disks.
 *
 * The input is a sparse disk as fuzz_fat32.c reads it (a 4-byte size in
 * 512-byte sectors, then records of a 4-byte sector number and 512
 * bytes); the bytes after the last whole record steer the operations.
 * Writes land in an overlay of at most OVERLAY sectors (a full overlay
 * fails the write, as a broken disk would). The target mounts the disk
 * and runs every write call: on new names, on the entries it finds in
 * the root and one directory below, with sizes and offsets from the
 * steering bytes, then reads the volume back. Besides "never crash, hang
 * or touch outside the disk", every error must come with a message
 * naming the disk, and writes must return what they were given. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fat32.h"

#define RECORD      (4 + BLOCKDEV_SECTOR_SIZE)
#define MAX_SECTORS (1u << 21) /* 1 GiB disks at most */
#define OVERLAY     2048u      /* sectors written per input */
#define MAX_NAMES   24
#define MAX_WRITE   20000u

struct fuzz_disk {
	const uint8_t *data;
	size_t records;
	uint32_t written;
	uint32_t lba[OVERLAY];
	uint8_t sector[OVERLAY][BLOCKDEV_SECTOR_SIZE];
	const uint8_t *steer; /* the bytes that choose */
	size_t steer_len, steer_pos;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The next steering byte; 0 once they run out. */
static uint8_t steer(struct fuzz_disk *d)
{
	return d->steer_pos < d->steer_len ? d->steer[d->steer_pos++] : 0;
}

static const uint8_t *overlay(const struct fuzz_disk *d, uint64_t lba)
{
	for (uint32_t i = d->written; i-- > 0;)
		if (d->lba[i] == lba)
			return d->sector[i];
	return NULL;
}

static int fz_read(struct blockdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	const struct fuzz_disk *d = bd->priv;
	uint8_t *out = buf;

	if (lba + count > bd->sectors)
		abort(); /* the file system must check bounds */
	for (uint32_t i = 0; i < count; i++, out += BLOCKDEV_SECTOR_SIZE) {
		const uint8_t *o = overlay(d, lba + i);
		memset(out, 0, BLOCKDEV_SECTOR_SIZE);
		if (o) {
			memcpy(out, o, BLOCKDEV_SECTOR_SIZE);
			continue;
		}
		for (size_t r = 0; r < d->records; r++) {
			const uint8_t *rec = d->data + r * RECORD;
			if (get32(rec) == lba + i)
				memcpy(out, rec + 4, BLOCKDEV_SECTOR_SIZE);
		}
	}
	return 0;
}

static int fz_write(struct blockdev *bd, uint64_t lba, uint32_t count,
		    const void *buf)
{
	struct fuzz_disk *d = bd->priv;
	const uint8_t *in = buf;

	if (lba + count > bd->sectors)
		abort();
	for (uint32_t i = 0; i < count; i++, in += BLOCKDEV_SECTOR_SIZE) {
		uint8_t *o = (uint8_t *)overlay(d, lba + i);
		if (!o) {
			if (d->written == OVERLAY)
				return -1;
			d->lba[d->written] = (uint32_t)(lba + i);
			o = d->sector[d->written++];
		}
		memcpy(o, in, BLOCKDEV_SECTOR_SIZE);
	}
	return 0;
}

static int fz_flush(struct blockdev *bd)
{
	(void)bd;
	return 0;
}

/* Every call starts with no message, so one that fails without saying
 * why is caught. */
static struct fat_fs *cur_fs;

static struct fat_fs *fresh(void)
{
	cur_fs->msg[0] = '\0';
	return cur_fs;
}

static void check(const char *msg, long err)
{
	if (err >= 0)
		return;
	if (strncmp(msg, "fuzz: ", 6) || !fat_strerror((int)err)[0])
		abort();
}

struct names {
	char path[MAX_NAMES][FAT_MAX_PATH];
	bool dir[MAX_NAMES];
	size_t count;
	const char *in;
};

static bool collect(void *ctx, const struct fat_dirent *e)
{
	struct names *n = ctx;

	if (n->count == MAX_NAMES)
		return false;
	snprintf(n->path[n->count], FAT_MAX_PATH, "%s/%s", n->in, e->name);
	n->dir[n->count++] = e->is_dir;
	return true;
}

/* The names in the root and in the first directory found there. */
static void find_names(struct names *n)
{
	struct fat_file f;

	n->count = 0;
	n->in = "";
	if (fat_open(fresh(), "/", &f) || fat_readdir(fresh(), &f, collect, n))
		return;
	for (size_t i = 0; i < n->count; i++) {
		if (!n->dir[i])
			continue;
		static char sub[FAT_MAX_PATH];
		memcpy(sub, n->path[i], FAT_MAX_PATH);
		n->in = sub;
		if (!fat_open(fresh(), sub, &f))
			check(fat_file_error(&f),
			      fat_readdir(fresh(), &f, collect, n));
		return;
	}
}

static uint8_t payload[MAX_WRITE];
static char msg[FAT_MSG_SIZE]; /* of the last failed path call */

/* Writes, truncates and reads back the file at 'path'. */
static void file_ops(struct fuzz_disk *d, const char *path)
{
	struct fat_file f;
	int err = fat_open(fresh(), path, &f);

	check(fat_file_error(&f), err);
	if (err)
		return;
	uint32_t off = (uint32_t)steer(d) * 97 + (steer(d) & 1 ? f.size : 0);
	uint32_t len = (uint32_t)(steer(d) * 131 + steer(d)) % MAX_WRITE;
	long n = fat_write(fresh(), &f, off, payload, len);
	check(fat_file_error(&f), n);
	if (n >= 0 && (n != (long)len || (len && f.size < off + len)))
		abort();
	err = fat_truncate(fresh(), &f, (uint32_t)steer(d) * 211);
	check(fat_file_error(&f), err);
	if (!f.is_dir) {
		static uint8_t back[MAX_WRITE];
		n = fat_read(fresh(), &f, 0, back, sizeof(back));
		check(fat_file_error(&f), n);
		if (n > (long)sizeof(back))
			abort();
	}
}

/* One operation on an existing name, chosen by a steering byte. */
static void name_op(struct fuzz_disk *d, const struct names *n, size_t i)
{
	static const char *const to[] = { "/moved", "/Moved Long Name.x",
					  "/d1/moved", "/d1", "/d1/sub" };
	const char *p = n->path[i];

	switch (steer(d) % 5) {
	case 0:
		file_ops(d, p);
		break;
	case 1:
		check(msg, fat_unlink(fresh(), p, msg));
		break;
	case 2:
		check(msg, fat_rmdir(fresh(), p, msg));
		break;
	case 3:
		check(msg,
		      fat_rename(fresh(), p,
				 to[steer(d) % (sizeof(to) / sizeof(to[0]))],
				 msg));
		break;
	default:
		check(msg,
		      fat_rename(fresh(), p, n->path[(i + 1) % n->count], msg));
		break;
	}
}

/* New names: files and directories, short and long, a few bad ones. */
static void new_names(struct fuzz_disk *d)
{
	static const char *const made[] = {
		"/new.txt",   "/d1",       "/d1/A Long New Name.bin",
		"/d1/sub",    "/d1/sub/x", "/bad*name",
		"/Grüße.txt", "/d1/..",
	};
	struct fat_file f;
	char name[FAT_MAX_PATH];

	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		int err = i == 1 || i == 3 ? fat_mkdir(fresh(), made[i], msg) :
					     fat_create(fresh(), made[i], &f);
		check(i == 1 || i == 3 ? msg : fat_file_error(&f), err);
		if (!err && i != 1 && i != 3) {
			long n = fat_write(fresh(), &f, steer(d), payload,
					   (size_t)steer(d) * 60);
			check(fat_file_error(&f), n);
		}
	}
	/* Many names in one directory: it grows. */
	for (unsigned k = 0; k < (unsigned)(steer(d) % 40); k++) {
		snprintf(name, sizeof(name), "/d1/entry with a long name %u",
			 k);
		check(fat_file_error(&f), fat_create(fresh(), name, &f));
	}
}

/* Reads everything back: whatever the writes did, the reader copes. */
static void read_back(void)
{
	struct names n;
	struct fat_file f;
	static uint8_t buf[4096];

	find_names(&n);
	for (size_t i = 0; i < n.count; i++) {
		if (fat_open(fresh(), n.path[i], &f) || f.is_dir)
			continue;
		check(fat_file_error(&f),
		      fat_read(fresh(), &f, f.size / 3, buf, sizeof(buf)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_disk disk;
	static struct fat_fs fs;
	static struct names n;
	struct blockdev dev = { .name = "fuzz",
				.read = fz_read,
				.write = fz_write,
				.flush = fz_flush,
				.priv = &disk };

	if (size < 4)
		return 0;
	dev.sectors = get32(data) % (MAX_SECTORS + 1);
	disk.data = data + 4;
	disk.records = (size - 4) / RECORD;
	disk.written = 0;
	disk.steer = data + 4 + disk.records * RECORD;
	disk.steer_len = (size - 4) % RECORD;
	disk.steer_pos = 0;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	dev.read_only = disk.steer_len && disk.steer[0] == 0xff;
	cur_fs = &fs;
	int err = fat_mount(&fs, &dev);
	check(fat_error(&fs), err);
	if (err)
		return 0;
	new_names(&disk);
	find_names(&n);
	for (size_t i = 0; i < n.count; i++)
		name_op(&disk, &n, i);
	read_back();
	return 0;
}

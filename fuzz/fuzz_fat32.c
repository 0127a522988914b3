/* libFuzzer target: the FAT32 reader on arbitrary disks.
 *
 * A FAT32 volume is at least 32 MiB, so the input describes a sparse
 * disk: a 4-byte little-endian size in 512-byte sectors, then records of
 * a 4-byte sector number and that sector's 512 bytes; sectors no record
 * names read as zeros (fuzz/make-fat32-seeds.sh writes seeds this way).
 * The target mounts the disk, walks every directory, opens each entry by
 * its path and reads it. Besides "never crash or read out of bounds", it
 * checks that every error comes with a message naming the disk, and that
 * no read returns more than it was asked for. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fat32.h"

#define RECORD      (4 + BLOCKDEV_SECTOR_SIZE)
#define MAX_SECTORS (1u << 21) /* 1 GiB disks at most */
#define MAX_FILES   48
#define READ_LIMIT  (256u * 1024) /* bytes read per file */

struct sparse_disk {
	const uint8_t *data;
	size_t records;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int sparse_read(struct blockdev *bd, uint64_t lba, uint32_t count,
		       void *buf)
{
	const struct sparse_disk *d = bd->priv;
	uint8_t *out = buf;

	if (lba + count > bd->sectors)
		abort(); /* the reader must check bounds before reading */
	for (uint32_t i = 0; i < count; i++, out += BLOCKDEV_SECTOR_SIZE) {
		memset(out, 0, BLOCKDEV_SECTOR_SIZE);
		for (size_t r = 0; r < d->records; r++) {
			const uint8_t *rec = d->data + r * RECORD;
			if (get32(rec) == lba + i)
				memcpy(out, rec + 4, BLOCKDEV_SECTOR_SIZE);
		}
	}
	return 0;
}

struct walk {
	char paths[MAX_FILES][FAT_MAX_PATH];
	size_t count;
	const char *dir;
};

static bool collect(void *ctx, const struct fat_dirent *e)
{
	struct walk *w = ctx;

	if (w->count == MAX_FILES)
		return false;
	if (strlen(e->name) >= FAT_NAME_BUF || strlen(e->short_name) > 12)
		abort();
	snprintf(w->paths[w->count++], FAT_MAX_PATH, "%s/%s",
		 strcmp(w->dir, "/") ? w->dir : "", e->name);
	return true;
}

static void check_error(const struct fat_fs *fs, int err)
{
	if (err >= 0)
		return;
	if (strncmp(fat_error(fs), "fuzz: ", 6) || !fat_strerror(err)[0])
		abort();
}

static void read_file(struct fat_fs *fs, struct fat_file *f)
{
	static uint8_t buf[3000];
	uint64_t off = 0;

	while (off < f->size && off < READ_LIMIT) {
		long n = fat_read(fs, f, off, buf, sizeof(buf));
		check_error(fs, (int)(n < 0 ? n : 0));
		if (n <= 0)
			return;
		if ((size_t)n > sizeof(buf))
			abort();
		off += (uint64_t)n;
	}
	check_error(fs, (int)fat_read(fs, f, f->size / 2, buf, 700));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fat_fs fs;
	static struct walk w;
	struct sparse_disk disk;
	struct blockdev dev = { .name = "fuzz",
				.read = sparse_read,
				.priv = &disk };
	struct fat_file f;

	if (size < 4)
		return 0;
	dev.sectors = get32(data) % (MAX_SECTORS + 1);
	disk.data = data + 4;
	disk.records = (size - 4) / RECORD;
	int err = fat_mount(&fs, &dev);
	check_error(&fs, err);
	if (err)
		return 0;
	/* Breadth first from the root; w.paths grows as directories open. */
	w.count = 0;
	snprintf(w.paths[w.count++], FAT_MAX_PATH, "/");
	for (size_t i = 0; i < w.count; i++) {
		err = fat_open(&fs, w.paths[i], &f);
		check_error(&fs, err);
		if (err)
			continue;
		if (f.is_dir) {
			w.dir = w.paths[i];
			check_error(&fs, fat_readdir(&fs, &f, collect, &w));
		} else {
			read_file(&fs, &f);
		}
	}
	return 0;
}

/* FAT32 reader: real images from mkfs.fat and mtools
 * (tests/host/fat32-images.sh, built into build/host/fat32/ by the
 * Makefile), read whole and then corrupted one field or FAT entry at a
 * time; each corruption must give its error code and a message naming
 * the image, the path and the problem. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fat32.h"
#include "unit.h"

#define IMG_DIR "build/host/fat32/"

/* An image mapped copy-on-write: corruptions stay in this process. */
struct image {
	uint8_t *data;
	size_t size;
	struct blockdev dev;
	int fail_reads; /* > 0: reads fail after this many */
	struct fat_fs *fs;
};

static int image_read(struct blockdev *bd, uint64_t lba, uint32_t count,
		      void *buf)
{
	struct image *im = bd->priv;

	if (im->fail_reads > 0 && --im->fail_reads == 0)
		return -1;
	if (lba + count > bd->sectors)
		return -1;
	memcpy(buf, im->data + lba * BLOCKDEV_SECTOR_SIZE,
	       (size_t)count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

static int image_open(struct image *im, const char *file)
{
	int fd = open(file, O_RDONLY);
	struct stat st;

	memset(im, 0, sizeof(*im));
	if (fd < 0 || fstat(fd, &st)) {
		printf("  cannot open %s (run make host-tests)\n", file);
		return -1;
	}
	im->size = (size_t)st.st_size;
	im->data = mmap(NULL, im->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
			0);
	close(fd);
	if (im->data == MAP_FAILED)
		return -1;
	im->dev.name = strrchr(file, '/') + 1;
	im->dev.sectors = im->size / BLOCKDEV_SECTOR_SIZE;
	im->dev.read = image_read;
	im->dev.priv = im;
	im->fs = calloc(1, sizeof(*im->fs));
	return 0;
}

static void image_close(struct image *im)
{
	if (im->data && im->data != MAP_FAILED)
		munmap(im->data, im->size);
	free(im->fs);
}

/* Opens test.img and mounts it; false (a failed check) if that fails. */
static bool mount_test(struct image *im)
{
	if (image_open(im, IMG_DIR "test.img")) {
		unit_failed_checks++;
		return false;
	}
	int err = fat_mount(im->fs, &im->dev);
	CHECK_EQ_INT(err, FAT_OK);
	if (err)
		printf("  %s\n", fat_error(im->fs));
	return !err;
}

static uint8_t *read_host_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	uint8_t *buf = malloc(1 << 20);

	*len = f && buf ? fread(buf, 1, 1 << 20, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

static bool msg_has(const struct fat_fs *fs, const char *want)
{
	if (strstr(fat_error(fs), want))
		return true;
	printf("  message \"%s\" lacks \"%s\"\n", fat_error(fs), want);
	return false;
}

/* The FAT entry of 'cluster' in every FAT (they mirror). */
static void set_fat(struct image *im, uint32_t cluster, uint32_t value)
{
	const uint8_t *b = im->data;
	uint32_t bps = b[11] | b[12] << 8, rsvd = b[14] | b[15] << 8;
	uint32_t fatsz = b[36] | b[37] << 8 | b[38] << 16 |
			 (uint32_t)b[39] << 24;

	for (uint32_t i = 0; i < b[16]; i++) {
		uint8_t *e = im->data + (size_t)(rsvd + i * fatsz) * bps +
			     cluster * 4;
		e[0] = (uint8_t)value;
		e[1] = (uint8_t)(value >> 8);
		e[2] = (uint8_t)(value >> 16);
		e[3] = (uint8_t)(value >> 24);
	}
}

static uint32_t first_cluster_of(struct image *im, const char *path)
{
	struct fat_file f;

	if (fat_open(im->fs, path, &f)) {
		printf("  %s\n", fat_error(im->fs));
		return 0;
	}
	return f.first_cluster;
}

/* The 32-byte directory entry whose short name is 'name11'. */
static uint8_t *find_entry(struct image *im, const char *name11)
{
	for (size_t off = 0; off + 32 <= im->size; off += 32)
		if (!memcmp(im->data + off, name11, 11))
			return im->data + off;
	return NULL;
}

static void check_file(struct image *im, const char *path, const char *want)
{
	struct fat_file f;
	char buf[64] = { 0 };
	int err = fat_open(im->fs, path, &f);

	CHECK_EQ_INT(err, FAT_OK);
	if (err) {
		printf("  %s: %s\n", path, fat_error(im->fs));
		return;
	}
	CHECK_EQ_INT(fat_read(im->fs, &f, 0, buf, sizeof(buf) - 1),
		     (long)strlen(want));
	CHECK_EQ_STR(buf, want);
}

UNIT_TEST(fat32_mount_geometry)
{
	struct image im;

	if (!mount_test(&im))
		goto out;
	CHECK_EQ_INT(im.fs->bytes_per_sector, 512);
	CHECK_EQ_INT(im.fs->cluster_size, 512);
	CHECK(im.fs->cluster_count >= 65525);
	CHECK_EQ_INT(im.fs->root_cluster, 2);
out:
	image_close(&im);
}

UNIT_TEST(fat32_short_and_long_names)
{
	struct image im;

	if (!mount_test(&im))
		goto out;
	check_file(&im, "/SHORT.TXT", "hello\n");
	check_file(&im, "short.txt", "hello\n");
	check_file(&im, "//SHORT.TXT", "hello\n");
	check_file(&im, "/guests/A Long File Name.txt", "hello\n");
	check_file(&im, "/GUESTS/a long file NAME.TXT", "hello\n");
	check_file(&im, "/guests/ALONGF~1.TXT", "hello\n");
	check_file(&im, "guests/./MixedCase.Bin", "hello\n");
	check_file(&im, "/guests/mixedcase.bin", "hello\n");
	check_file(&im, "/guests/Grüße €.txt", "hello\n");
out:
	image_close(&im);
}

static void check_pattern(struct image *im, const char *path)
{
	size_t plen;
	uint8_t *want = read_host_file(IMG_DIR "pattern.bin", &plen);
	uint8_t *got = calloc(1, plen + 100);
	struct fat_file f;

	CHECK_EQ_INT(plen, 100000);
	CHECK_EQ_INT(fat_open(im->fs, path, &f), FAT_OK);
	CHECK_EQ_INT(f.size, plen);
	/* Whole, then at awkward offsets and lengths, forwards and back. */
	CHECK_EQ_INT(fat_read(im->fs, &f, 0, got, plen + 100), (long)plen);
	CHECK(!memcmp(got, want, plen));
	static const uint32_t offs[][2] = {
		{ 1, 1 },      { 511, 2 },    { 512, 512 },
		{ 700, 5000 }, { 99999, 10 }, { 4096, 65536 },
		{ 3, 99990 },  { 0, 513 },    { 100000, 10 },
	};
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint32_t o = offs[i][0], n = offs[i][1];
		long expect = o + n > plen ? (long)(plen - o) : (long)n;
		memset(got, 0xee, plen);
		CHECK_EQ_INT(fat_read(im->fs, &f, o, got, n), expect);
		if (memcmp(got, want + o, (size_t)expect))
			printf("  %s: wrong bytes at %u+%u\n", path, o, n),
				unit_failed_checks++;
	}
	free(want);
	free(got);
}

UNIT_TEST(fat32_read_multi_cluster)
{
	struct image im;

	if (!mount_test(&im))
		goto out;
	check_pattern(&im, "guests/sub/deep/file.bin");
out:
	image_close(&im);
}

/* Moves cluster 'from' of a chain (after 'prev') to the free cluster 'to'. */
static void move_cluster(struct image *im, uint32_t prev, uint32_t from,
			 uint32_t to)
{
	const struct fat_fs *fs = im->fs;
	size_t cs = fs->cluster_size, bps = fs->bytes_per_sector;
	uint8_t *base = im->data + (size_t)fs->data_start * bps;
	const uint8_t *b = im->data;
	const uint8_t *fat = im->data + (size_t)(b[14] | b[15] << 8) * bps;
	uint32_t next;

	memcpy(&next, fat + (size_t)from * 4, 4);
	memcpy(base + (to - 2) * cs, base + (from - 2) * cs, cs);
	memset(base + (from - 2) * cs, 0xdd, cs);
	set_fat(im, prev, to);
	set_fat(im, to, next);
	set_fat(im, from, 0);
}

UNIT_TEST(fat32_fragmented_read)
{
	struct image im;

	if (!mount_test(&im))
		goto out;
	uint32_t c = first_cluster_of(&im, "/guests/sub/deep/file.bin");
	uint32_t last = im.fs->cluster_count + 1;
	/* Two clusters to a contiguous pair near the end, one elsewhere. */
	move_cluster(&im, c + 49, c + 50, last - 10);
	move_cluster(&im, last - 10, c + 51, last - 9);
	move_cluster(&im, c + 99, c + 100, last - 20);
	move_cluster(&im, c + 194, c + 195, last);
	im.fs->cached_fat_sector = UINT64_MAX;
	im.fs->cached_data_sector = UINT64_MAX;
	check_pattern(&im, "guests/sub/deep/file.bin");
out:
	image_close(&im);
}

UNIT_TEST(fat32_4k_sectors)
{
	struct image im;

	if (image_open(&im, IMG_DIR "big4k.img")) {
		unit_failed_checks++;
		goto out;
	}
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_OK);
	CHECK_EQ_INT(im.fs->bytes_per_sector, 4096);
	CHECK_EQ_INT(im.fs->cluster_size, 8192);
	check_pattern(&im, "/dir/pattern file.bin");
out:
	image_close(&im);
}

static bool collect(void *ctx, const struct fat_dirent *e)
{
	char *names = ctx;

	strcat(names, e->name);
	strcat(names, e->is_dir ? "/|" : "|");
	return true;
}

UNIT_TEST(fat32_readdir)
{
	struct image im;
	struct fat_file d;
	char names[512] = "";

	if (!mount_test(&im))
		goto out;
	CHECK_EQ_INT(fat_open(im.fs, "/guests", &d), FAT_OK);
	CHECK_EQ_INT(fat_readdir(im.fs, &d, collect, names), FAT_OK);
	CHECK_EQ_STR(names,
		     "sub/|A Long File Name.txt|Grüße €.txt|MixedCase.Bin|");
	names[0] = '\0';
	CHECK_EQ_INT(fat_open(im.fs, "/", &d), FAT_OK);
	CHECK_EQ_INT(fat_readdir(im.fs, &d, collect, names), FAT_OK);
	CHECK_EQ_STR(names, "guests/|SHORT.TXT|empty.txt|");
out:
	image_close(&im);
}

UNIT_TEST(fat32_lookup_errors)
{
	struct image im;
	struct fat_file f;
	char buf[8];
	char longpath[400];

	if (!mount_test(&im))
		goto out;
	CHECK_EQ_INT(fat_open(im.fs, "/guests/nope.bin", &f),
		     FAT_ERR_NOT_FOUND);
	CHECK(msg_has(
		im.fs,
		"test.img: /guests/nope.bin: no \"nope.bin\" in its directory"));
	/* The same words in the file, where other CPUs cannot overwrite them. */
	CHECK_EQ_STR(fat_file_error(&f), fat_error(im.fs));
	CHECK_EQ_INT(fat_open(im.fs, "/nodir/x", &f), FAT_ERR_NOT_FOUND);
	CHECK(msg_has(im.fs, "no \"nodir\""));
	CHECK_EQ_INT(fat_open(im.fs, "/SHORT.TXT/x", &f), FAT_ERR_NOT_DIR);
	CHECK(msg_has(im.fs,
		      "test.img: /SHORT.TXT/x: a file stands where a directory"));
	CHECK_EQ_INT(fat_open(im.fs, "/guests", &f), FAT_OK);
	CHECK_EQ_INT(fat_read(im.fs, &f, 0, buf, 1), FAT_ERR_IS_DIR);
	CHECK_EQ_INT(fat_open(im.fs, "/SHORT.TXT", &f), FAT_OK);
	CHECK_EQ_INT(fat_read(im.fs, &f, 7, buf, 1), FAT_ERR_RANGE);
	CHECK(msg_has(im.fs, "/SHORT.TXT: read at 7, past the end (6 bytes)"));
	CHECK_EQ_STR(fat_file_error(&f), fat_error(im.fs));
	CHECK_EQ_INT(fat_read(im.fs, &f, 6, buf, 1), 0);
	CHECK_EQ_INT(fat_readdir(im.fs, &f, collect, buf), FAT_ERR_NOT_DIR);
	CHECK_EQ_INT(fat_open(im.fs, "/empty.txt", &f), FAT_OK);
	CHECK_EQ_INT(f.size, 0);
	CHECK_EQ_INT(fat_read(im.fs, &f, 0, buf, 8), 0);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_EQ_INT(fat_open(im.fs, longpath, &f), FAT_ERR_PATH);
	CHECK(msg_has(im.fs,
		      "test.img: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: "
		      "path longer than 255 bytes"));
	CHECK_EQ_STR(fat_strerror(FAT_ERR_LOOP), "cluster chain loops");
	CHECK_EQ_STR(fat_strerror(-99), "unknown error");
out:
	image_close(&im);
}

/* Boot-sector corruptions: offset, bytes, expected code and message. */
struct bpb_case {
	unsigned off, len;
	uint32_t value;
	int err;
	const char *msg;
};

static const struct bpb_case bpb_cases[] = {
	{ 0, 1, 0x00, FAT_ERR_BPB,
	  "boot sector: no jump instruction (byte 0 is 0x00)" },
	{ 510, 2, 0x0000, FAT_ERR_BPB, "no 0x55 0xAA signature" },
	{ 11, 2, 3, FAT_ERR_BPB, "bytes per sector 3 is not 512" },
	{ 11, 2, 8192, FAT_ERR_BPB, "bytes per sector 8192" },
	{ 13, 1, 0, FAT_ERR_BPB,
	  "sectors per cluster 0 is not a power of two" },
	{ 13, 1, 3, FAT_ERR_BPB,
	  "sectors per cluster 3 is not a power of two" },
	{ 13, 1, 128, FAT_ERR_BPB,
	  "clusters of 131072 bytes" }, /* 1 KiB sectors */
	{ 14, 2, 0, FAT_ERR_BPB, "no reserved sectors" },
	{ 16, 1, 0, FAT_ERR_BPB, "0 FATs (1 or 2 expected)" },
	{ 16, 1, 3, FAT_ERR_BPB, "3 FATs" },
	{ 17, 2, 512, FAT_ERR_BPB, "FAT12/16 layout (root entries 512" },
	{ 22, 2, 9, FAT_ERR_BPB, "16-bit FAT size 9), not FAT32" },
	{ 36, 4, 0, FAT_ERR_BPB, "FAT size is 0" },
	{ 36, 4, 0x00100000, FAT_ERR_BPB, "fill the" },
	{ 36, 4, 100, FAT_ERR_BPB, "a FAT of 100 sectors cannot hold" },
	{ 21, 1, 0x12, FAT_ERR_BPB, "media byte 0x12 is invalid" },
	{ 42, 2, 0x0100, FAT_ERR_BPB, "FAT32 version 1.0 is not 0.0" },
	{ 40, 2, 0x0085, FAT_ERR_BPB, "active FAT 5 of 2 FATs" },
	{ 44, 4, 0, FAT_ERR_BPB, "root directory cluster 0 is outside 2.." },
	{ 44, 4, 0x0fffffff, FAT_ERR_BPB, "root directory cluster 268435455" },
	{ 32, 4, 0, FAT_ERR_BPB, "fill the 0-sector volume" },
	{ 32, 4, 69640, FAT_ERR_TRUNCATED,
	  "the file system has 35655680 bytes, "
	  "the disk only 35651584 (truncated image?)" },
};

UNIT_TEST(fat32_bpb_each_field)
{
	for (size_t i = 0; i < sizeof(bpb_cases) / sizeof(bpb_cases[0]); i++) {
		const struct bpb_case *c = &bpb_cases[i];
		struct image im;
		if (image_open(&im, IMG_DIR "test.img")) {
			unit_failed_checks++;
			return;
		}
		for (unsigned b = 0; b < c->len; b++)
			im.data[c->off + b] = (uint8_t)(c->value >> (8 * b));
		if (c->off == 13 && c->value == 128)
			im.data[12] = 1024 >> 8;
		int err = fat_mount(im.fs, &im.dev);
		if (err != c->err)
			printf("  case %zu: ", i);
		CHECK_EQ_INT(err, c->err);
		CHECK(msg_has(im.fs, c->msg));
		CHECK(!strncmp(fat_error(im.fs),
			       "test.img: boot sector: ", 23));
		image_close(&im);
	}
}

UNIT_TEST(fat32_truncated_image)
{
	struct image im;

	if (image_open(&im, IMG_DIR "test.img")) {
		unit_failed_checks++;
		return;
	}
	im.dev.sectors = im.size / BLOCKDEV_SECTOR_SIZE / 2;
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_ERR_TRUNCATED);
	CHECK(msg_has(im.fs,
		      "test.img: boot sector: the file system has 35651584 "
		      "bytes, the disk only 17825792 (truncated image?)"));
	im.dev.sectors = 0;
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_ERR_TRUNCATED);
	CHECK(msg_has(im.fs, "the disk is empty"));
	image_close(&im);
}

UNIT_TEST(fat32_io_errors)
{
	struct image im;
	struct fat_file f;
	char buf[16];

	if (image_open(&im, IMG_DIR "test.img")) {
		unit_failed_checks++;
		return;
	}
	im.fail_reads = 1;
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_ERR_IO);
	CHECK(msg_has(im.fs, "reading sector 0 failed"));
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_OK);
	/* cppcheck-suppress redundantAssignment ; the device's read callback consumes it */
	im.fail_reads = 2;
	CHECK_EQ_INT(fat_open(im.fs, "/guests/sub/deep/file.bin", &f),
		     FAT_ERR_IO);
	CHECK(msg_has(im.fs, "/guests/sub/deep/file.bin: reading sector"));
	CHECK_EQ_INT(fat_open(im.fs, "/guests/sub/deep/file.bin", &f), FAT_OK);
	/* cppcheck-suppress redundantAssignment ; the device's read callback consumes it */
	im.fail_reads = 1;
	CHECK_EQ_INT(fat_read(im.fs, &f, 1000, buf, sizeof(buf)), FAT_ERR_IO);
	image_close(&im);
}

/* Opens 'path' after setting FAT[cluster_of(victim) + step] to 'value'. */
static int open_with_fat(const char *victim, uint32_t step, uint32_t value,
			 const char *path, const char *want_msg)
{
	struct image im;
	struct fat_file f;
	int err = -100;

	if (!mount_test(&im))
		goto out;
	uint32_t c = first_cluster_of(&im, victim);
	set_fat(&im, c + step, value == UINT32_MAX ? c : value);
	im.fs->cached_fat_sector = UINT64_MAX;
	err = fat_open(im.fs, path, &f);
	if (want_msg)
		CHECK(msg_has(im.fs, want_msg));
out:
	image_close(&im);
	return err;
}

UNIT_TEST(fat32_bad_chains)
{
	char want[128];
	struct image im;

	/* file.bin: 196 contiguous clusters (mtools allocates in order). */
	if (!mount_test(&im))
		return;
	uint32_t c = first_cluster_of(&im, "/guests/sub/deep/file.bin");
	uint32_t last = im.fs->cluster_count + 1;
	image_close(&im);

	/* The last cluster points back to the first: a loop. */
	CHECK_EQ_INT(
		open_with_fat(
			"/guests/sub/deep/file.bin", 195, UINT32_MAX,
			"/guests/sub/deep/file.bin",
			"test.img: /guests/sub/deep/file.bin: cluster chain loops"),
		FAT_ERR_LOOP);
	/* A cluster pointing at itself. */
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 0, UINT32_MAX,
				   "/guests/sub/deep/file.bin", "loops"),
		     FAT_ERR_LOOP);
	snprintf(want, sizeof(want),
		 "cluster chain leaves the FAT at cluster %u "
		 "(next %u, last %u)",
		 c + 10, last + 1, last);
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 10, last + 1,
				   "/guests/sub/deep/file.bin", want),
		     FAT_ERR_CHAIN);
	snprintf(want, sizeof(want), "free cluster after cluster %u", c + 3);
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 3, 0,
				   "/guests/sub/deep/file.bin", want),
		     FAT_ERR_CHAIN);
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 3, 0x0ffffff7,
				   "/guests/sub/deep/file.bin", "bad cluster"),
		     FAT_ERR_CHAIN);
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 0, 0x0fffffff,
				   "/guests/sub/deep/file.bin",
				   "file of 100000 bytes has a cluster chain of only 1 "
				   "clusters of 512 bytes"),
		     FAT_ERR_CHAIN);
	/* The top 4 bits of an entry are reserved: ignored. */
	CHECK_EQ_INT(open_with_fat("/guests/sub/deep/file.bin", 0,
				   0xf0000000 | (c + 1),
				   "/guests/sub/deep/file.bin", NULL),
		     FAT_OK);
	/* A directory on the way loops: the path names the file looked for. */
	CHECK_EQ_INT(
		open_with_fat("/guests/sub", 0, UINT32_MAX,
			      "/guests/sub/deep/file.bin",
			      "/guests/sub/deep/file.bin: cluster chain loops"),
		FAT_ERR_LOOP);
}

UNIT_TEST(fat32_root_loop_fails_mount)
{
	struct image im;

	if (image_open(&im, IMG_DIR "test.img")) {
		unit_failed_checks++;
		return;
	}
	set_fat(&im, 2, 2);
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_ERR_LOOP);
	CHECK(msg_has(im.fs, "test.img: /: cluster chain loops"));
	image_close(&im);
}

UNIT_TEST(fat32_bad_entries)
{
	struct image im;
	struct fat_file f;

	if (!mount_test(&im))
		goto out;
	/* A first cluster beyond the FAT. */
	uint8_t *e = find_entry(&im, "SHORT   TXT");
	CHECK(e != NULL);
	if (!e)
		goto out;
	e[20] = 0xff;
	e[21] = 0x0f;
	im.fs->cached_data_sector = UINT64_MAX;
	CHECK_EQ_INT(fat_open(im.fs, "/SHORT.TXT", &f), FAT_ERR_CHAIN);
	CHECK(msg_has(im.fs, "test.img: /SHORT.TXT: first cluster"));
	/* A size larger than the chain. */
	e[20] = e[21] = 0;
	e[31] = 0x10;
	im.fs->cached_data_sector = UINT64_MAX;
	CHECK_EQ_INT(fat_open(im.fs, "/SHORT.TXT", &f), FAT_ERR_CHAIN);
	CHECK(msg_has(im.fs, "has a cluster chain of only 1"));
	/* A long name whose checksum no longer matches falls back to 8.3. */
	e = find_entry(&im, "ALONGF~1TXT");
	CHECK(e != NULL);
	if (!e)
		goto out;
	e[-32 + 13] ^= 0x55;
	im.fs->cached_data_sector = UINT64_MAX;
	CHECK_EQ_INT(fat_open(im.fs, "/guests/A Long File Name.txt", &f),
		     FAT_ERR_NOT_FOUND);
	check_file(&im, "/guests/alongf~1.txt", "hello\n");
	/* A subdirectory without clusters. */
	e = find_entry(&im, "DEEP       ");
	CHECK(e != NULL);
	if (!e)
		goto out;
	e[20] = e[21] = e[26] = e[27] = 0;
	im.fs->cached_data_sector = UINT64_MAX;
	CHECK_EQ_INT(fat_open(im.fs, "/guests/sub/deep/file.bin", &f),
		     FAT_ERR_CHAIN);
	CHECK(msg_has(im.fs, "first cluster 0 is outside"));
out:
	image_close(&im);
}

/* ---- several threads through one volume ---- */

/* Each thread reads its own file of threads.img, whole and again, through
 * the one mounted volume; cvisor's CPUs do the same when VMs that load
 * their images from the disk reset at once. */
#define READERS       4
#define READER_ROUNDS 2000u

struct reader {
	pthread_t thread;
	struct fat_fs *fs;
	char path[16];
	uint8_t *want;
	size_t size;
	unsigned bad;                  /* rounds that went wrong */
	char first[FAT_MSG_SIZE + 64]; /* how the first of them did */
};

/* One round: opens the file and reads it whole in pieces of odd sizes
 * (through the sector cache, and straight into the buffer); false with
 * 'why' when an error or a wrong byte came. */
static bool reader_round(struct reader *r, uint8_t *got, unsigned round,
			 char *why, size_t why_size)
{
	struct fat_file f;
	size_t piece = 100 + round * 37 % 1500;

	if (fat_open(r->fs, r->path, &f) || f.size != r->size) {
		snprintf(why, why_size, "open: %s", fat_file_error(&f));
		return false;
	}
	memset(got, 0, r->size);
	for (size_t off = 0; off < r->size; off += piece) {
		size_t n = r->size - off < piece ? r->size - off : piece;
		long done = fat_read(r->fs, &f, off, got + off, n);
		if (done != (long)n) {
			snprintf(why, why_size, "read at %zu: %s", off,
				 done < 0 ? fat_file_error(&f) : "short");
			return false;
		}
	}
	for (size_t i = 0; i < r->size; i++) {
		if (got[i] != r->want[i]) {
			snprintf(why, why_size, "byte %zu is %#x, not %#x", i,
				 got[i], r->want[i]);
			return false;
		}
	}
	return true;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint8_t *got = malloc(r->size);
	char why[sizeof(r->first)];

	for (unsigned round = 0; round < READER_ROUNDS; round++) {
		if (reader_round(r, got, round, why, sizeof(why)))
			continue;
		if (!r->bad++)
			snprintf(r->first, sizeof(r->first), "round %u: %s",
				 round, why);
	}
	free(got);
	return NULL;
}

UNIT_TEST(fat32_threads_share_a_volume)
{
	struct reader r[READERS];
	struct image im;

	if (image_open(&im, IMG_DIR "threads.img")) {
		unit_failed_checks++;
		return;
	}
	CHECK_EQ_INT(fat_mount(im.fs, &im.dev), FAT_OK);
	for (int k = 0; k < READERS; k++) {
		char host[64];
		memset(&r[k], 0, sizeof(r[k]));
		r[k].fs = im.fs;
		snprintf(r[k].path, sizeof(r[k].path), "/t/f%d.bin", k);
		snprintf(host, sizeof(host), IMG_DIR "f%d.bin", k);
		r[k].want = read_host_file(host, &r[k].size);
		CHECK_EQ_INT(r[k].size, 40000);
	}
	for (int k = 0; k < READERS; k++)
		CHECK_EQ_INT(pthread_create(&r[k].thread, NULL, reader_main,
					    &r[k]),
			     0);
	for (int k = 0; k < READERS; k++) {
		pthread_join(r[k].thread, NULL);
		if (r[k].bad)
			printf("  %s: %u of %u rounds went wrong, first %s\n",
			       r[k].path, r[k].bad, READER_ROUNDS, r[k].first);
		CHECK_EQ_INT(r[k].bad, 0);
		free(r[k].want);
	}
	image_close(&im);
}

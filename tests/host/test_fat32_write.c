#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
/* FAT32 writing (fs/fat32_write.c) on copies of images made by mkfs.fat
 * and mtools (tests/host/fat32-images.sh). After each test the image
 * must pass `fsck.fat -n` without a remark, and mtools (mdir, mtype) must
 * read back what was written. The power-cut test replays a sequence of
 * operations once per device write, the device refusing every write from
 * that one on, and holds each resulting image to the rule of docs/disk.md
 * ("Power cuts"). */
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fat32.h"
#include "unit.h"

#define IMG_DIR "build/host/fat32/"

/* A copy of an image, mapped shared so fsck.fat and mtools see every
 * write at once. */
struct wdisk {
	char path[128];
	uint8_t *data;
	size_t size;
	struct blockdev dev;
	struct fat_fs *fs;
	long reads, writes, flushes;
	long cut;      /* writes the device takes before the power goes; -1 */
	long fail_one; /* this write fails, the others work; -1 */
	/* A volatile write cache: writes wait in 'pending' for a flush;
	 * when the power goes, only the last of them reaches the disk. */
	bool cache;
	struct pending {
		uint64_t lba;
		uint32_t count;
		uint8_t *data;
	} pending[256];
	size_t npending;
};

static void wd_apply(struct wdisk *d, const struct pending *p)
{
	memcpy(d->data + p->lba * BLOCKDEV_SECTOR_SIZE, p->data,
	       (size_t)p->count * BLOCKDEV_SECTOR_SIZE);
}

/* Empties the cache: to the disk in order (a flush), or (the power
 * going) all but the last write lost. */
static void wd_drain(struct wdisk *d, bool power_off)
{
	for (size_t i = 0; i < d->npending; i++) {
		if (!power_off || i + 1 == d->npending)
			wd_apply(d, &d->pending[i]);
		free(d->pending[i].data);
	}
	d->npending = 0;
}

static int wd_read(struct blockdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	struct wdisk *d = bd->priv;

	d->reads++;
	if (lba + count > bd->sectors)
		return -1;
	memcpy(buf, d->data + lba * BLOCKDEV_SECTOR_SIZE,
	       (size_t)count * BLOCKDEV_SECTOR_SIZE);
	return 0;
}

static int wd_write(struct blockdev *bd, uint64_t lba, uint32_t count,
		    const void *buf)
{
	struct wdisk *d = bd->priv;
	long n = d->writes++;

	if (lba + count > bd->sectors)
		abort(); /* the file system must check bounds */
	if (d->cut >= 0 && n == d->cut)
		wd_drain(d, true);
	if ((d->cut >= 0 && n >= d->cut) || n == d->fail_one)
		return -1;
	struct pending p = { lba, count, (uint8_t *)buf };
	if (!d->cache) {
		wd_apply(d, &p);
		return 0;
	}
	if (d->npending == sizeof(d->pending) / sizeof(d->pending[0]))
		wd_drain(d, false); /* the cache is full: it writes back */
	p.data = malloc((size_t)count * BLOCKDEV_SECTOR_SIZE);
	memcpy(p.data, buf, (size_t)count * BLOCKDEV_SECTOR_SIZE);
	d->pending[d->npending++] = p;
	return 0;
}

static int wd_flush(struct blockdev *bd)
{
	struct wdisk *d = bd->priv;

	d->flushes++;
	if (d->cut >= 0 && d->writes > d->cut)
		return -1;
	wd_drain(d, false);
	return 0;
}

/* Copies the sparse file 'from' to 'to' extent by extent: the images
 * are 34 MiB, of which a few hundred KiB hold anything. */
static bool copy_sparse(const char *from, const char *to, size_t *len)
{
	static uint8_t buf[1 << 16];
	int in = open(from, O_RDONLY);
	int out = open(to, O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat st;
	bool ok = in >= 0 && out >= 0 && !fstat(in, &st) &&
		  !ftruncate(out, st.st_size);
	off_t off = ok ? lseek(in, 0, SEEK_DATA) : -1;

	*len = ok ? (size_t)st.st_size : 0;
	while (ok && off >= 0 && off < st.st_size) {
		off_t end = lseek(in, off, SEEK_HOLE);
		while (ok && off < end) {
			size_t n = end - off < (off_t)sizeof(buf) ?
					   (size_t)(end - off) :
					   sizeof(buf);
			ok = pread(in, buf, n, off) == (ssize_t)n &&
			     pwrite(out, buf, n, off) == (ssize_t)n;
			off += (off_t)n;
		}
		off = lseek(in, end, SEEK_DATA);
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ok && *len;
}

/* Copies IMG_DIR base to IMG_DIR "out-" name, maps it and mounts it. */
static bool wd_open(struct wdisk *d, const char *base, const char *name)
{
	char src[128];
	size_t len;

	memset(d, 0, sizeof(*d));
	d->cut = d->fail_one = -1;
	snprintf(src, sizeof(src), IMG_DIR "%s", base);
	snprintf(d->path, sizeof(d->path), IMG_DIR "out-%s.img", name);
	bool ok = copy_sparse(src, d->path, &len);
	int fd = ok ? open(d->path, O_RDWR) : -1;
	ok = fd >= 0;
	if (ok) {
		d->data = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		ok = d->data != MAP_FAILED;
	}
	if (fd >= 0)
		close(fd);
	if (!ok) {
		printf("  cannot copy %s (run make host-tests)\n", src);
		unit_failed_checks++;
		d->data = NULL;
		return false;
	}
	d->size = len;
	d->dev = (struct blockdev){ .name = "w.img",
				    .sectors = len / BLOCKDEV_SECTOR_SIZE,
				    .read = wd_read,
				    .write = wd_write,
				    .flush = wd_flush,
				    .priv = d };
	d->fs = calloc(1, sizeof(*d->fs));
	int err = fat_mount(d->fs, &d->dev);
	CHECK_EQ_INT(err, FAT_OK);
	return !err;
}

static void wd_close(struct wdisk *d)
{
	if (d->data)
		munmap(d->data, d->size);
	free(d->fs);
	d->data = NULL;
	d->fs = NULL;
}

/* Runs a shell command, its output (stdout and stderr) into out. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	if (!p)
		return -1;
	while (n + 1 < size) {
		size_t got = fread(out + n, 1, size - 1 - n, p);
		if (!got)
			break;
		n += got;
	}
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Runs fsck.fat -n on 'img' (no shell between: the power-cut tests run
 * it a few hundred times), its output into out. */
static int run_fsck(const char *img, char *out, size_t size)
{
	extern char **environ;
	char *argv[] = { "fsck.fat", "-n", (char *)img, NULL };
	posix_spawn_file_actions_t fa;
	int fd[2], st = 0;
	pid_t pid;
	size_t n = 0;

	if (pipe(fd))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	int err = posix_spawnp(&pid, "fsck.fat", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	while (!err && n + 1 < size) {
		ssize_t got = read(fd[0], out + n, size - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd[0]);
	out[n] = '\0';
	if (err || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* fsck.fat lines that say nothing about the volume. */
static bool fsck_quiet_line(const char *l, const char *path)
{
	return !*l || starts(l, "fsck.fat ") ||
	       starts(l, "Warning: Filesystem is FAT32 according") ||
	       starts(l, "  but has only ") ||
	       starts(l, "  This may lead to problems") ||
	       (starts(l, path) && strstr(l, " files, ") &&
		strstr(l, " clusters"));
}

/* The power-cut rule (docs/disk.md): besides quiet lines, only lost
 * clusters, a wrong free count, FATs that differ (the first one used),
 * and a file whose chain runs past its size (cut to its size, which is
 * kept). 'strict': no remark at all. */
static bool fsck_ok(struct wdisk *d, bool strict, char *why, size_t why_size)
{
	static char out[16384];
	const char *path_line = NULL;
	bool longer = false;
	int rc = run_fsck(d->path, out, sizeof(out));
	if (rc < 0 || rc > 1 || (strict && rc)) {
		snprintf(why, why_size, "fsck.fat exit %d:\n%s", rc, out);
		return false;
	}
	for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
		/* A file's path, then what is wrong with it. */
		if (path_line) {
			longer = starts(l, "  File size is ") &&
				 strstr(l, "cluster chain length is > ");
			if (!longer) {
				snprintf(why, why_size, "fsck.fat says: %s %s",
					 path_line, l);
				return false;
			}
			path_line = NULL;
			continue;
		}
		if (fsck_quiet_line(l, d->path))
			continue;
		if (!strict && l[0] == '/') {
			path_line = l;
			continue;
		}
		if (!strict &&
		    ((longer && starts(l, "  Truncating file to ")) ||
		     starts(l, "Reclaimed ") ||
		     starts(l, "Free cluster summary wrong") ||
		     starts(l, "  Auto-correcting.") ||
		     starts(l, "Leaving filesystem unchanged.") ||
		     starts(l, "FATs differ but appear to be intact") ||
		     starts(l, "  Using first FAT."))) {
			longer = false;
			continue;
		}
		snprintf(why, why_size, "fsck.fat says: %s", l);
		return false;
	}
	if (path_line) {
		snprintf(why, why_size, "fsck.fat says: %s", path_line);
		return false;
	}
	return true;
}

static void check_fsck(struct wdisk *d)
{
	char why[1024];

	if (!fsck_ok(d, true, why, sizeof(why))) {
		printf("  %s: %s\n", d->path, why);
		unit_failed_checks++;
	}
}

/* mtype prints exactly 'want'. */
static void check_mtype(struct wdisk *d, const char *path, const void *want,
			size_t len)
{
	static char out[4 << 20];
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 mtype -i %s '::%s' 2>&1",
		 d->path, path);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, sizeof(out), p) : 0;
	if (p)
		pclose(p);
	if (n != len || memcmp(out, want, len)) {
		printf("  mtype %s: %zu bytes, %zu expected%s\n", path, n, len,
		       n == len ? ", different" : "");
		unit_failed_checks++;
	}
}

/* mdir -b of 'dir' is exactly the lines 'want' ("::/a\n::/b/\n"). */
static void check_mdir(struct wdisk *d, const char *dir, const char *want)
{
	static char out[65536];
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 mdir -i %s -b '::%s' 2>&1",
		 d->path, dir);
	run(cmd, out, sizeof(out));
	if (strcmp(out, want)) {
		printf("  mdir %s:\n%s  expected:\n%s", dir, out, want);
		unit_failed_checks++;
	}
}

static uint8_t pattern_byte(size_t i, unsigned seed)
{
	return (uint8_t)(i * 31 + i / 509 + seed * 101 + 7);
}

static uint8_t *pattern(size_t len, unsigned seed)
{
	uint8_t *p = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++)
		p[i] = pattern_byte(i, seed);
	return p;
}

/* Our own reader sees exactly 'want' at 'path'. */
static void check_read(struct wdisk *d, const char *path, const void *want,
		       size_t len)
{
	struct fat_file f;
	uint8_t *got = malloc(len + 16);
	int err = fat_open(d->fs, path, &f);

	CHECK_EQ_INT(err, FAT_OK);
	if (err) {
		printf("  %s\n", fat_file_error(&f));
	} else {
		CHECK_EQ_INT(f.size, len);
		CHECK_EQ_INT(fat_read(d->fs, &f, 0, got, len + 16), (long)len);
		if (memcmp(got, want, len)) {
			printf("  %s: wrong bytes\n", path);
			unit_failed_checks++;
		}
	}
	free(got);
}

/* Creates 'path' and writes 'len' bytes of 'data' to it. */
static int put_file(struct wdisk *d, const char *path, const void *data,
		    size_t len)
{
	struct fat_file f;
	int err = fat_create(d->fs, path, &f);

	if (err)
		return err;
	long n = fat_write(d->fs, &f, 0, data, len);
	return n < 0 ? (int)n : n == (long)len ? FAT_OK : -100;
}

/* The message of the last failed path call (fat_mkdir() and the like). */
static char msg[FAT_MSG_SIZE];

static bool msg_has(const char *text, const char *want)
{
	if (strstr(text, want))
		return true;
	printf("  message \"%s\" lacks \"%s\"\n", text, want);
	return false;
}

/* ---- each operation ---- */

UNIT_TEST(fatw_create_and_write)
{
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "create"))
		goto out;
	CHECK_EQ_INT(fat_create(d.fs, "/new.txt", &f), FAT_OK);
	CHECK_EQ_INT(f.size, 0);
	CHECK_EQ_INT(fat_write(d.fs, &f, 0, "hello, world\n", 13), 13);
	CHECK_EQ_INT(f.size, 13);
	check_read(&d, "/NEW.TXT", "hello, world\n", 13);
	/* An empty file, in a subdirectory. */
	CHECK_EQ_INT(fat_create(d.fs, "dir/sub/empty", &f), FAT_OK);
	check_read(&d, "/dir/sub/empty", "", 0);
	/* Refusals, each with its words. */
	CHECK_EQ_INT(fat_create(d.fs, "/New.Txt", &f), FAT_ERR_EXISTS);
	CHECK(msg_has(fat_file_error(&f),
		      "w.img: /New.Txt: \"new.txt\" exists"));
	CHECK_EQ_INT(fat_create(d.fs, "/dir", &f), FAT_ERR_EXISTS);
	CHECK_EQ_INT(fat_create(d.fs, "/nodir/x", &f), FAT_ERR_NOT_FOUND);
	CHECK(msg_has(fat_file_error(&f), "no \"nodir\" in its directory"));
	CHECK_EQ_INT(fat_create(d.fs, "/hello.txt/x", &f), FAT_ERR_NOT_DIR);
	CHECK_EQ_INT(fat_create(d.fs, "/", &f), FAT_ERR_INVAL);
	CHECK_EQ_INT(fat_create(d.fs, "/dir/..", &f), FAT_ERR_INVAL);
	CHECK_EQ_INT(fat_open(d.fs, "/dir", &f), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &f, 0, "x", 1), FAT_ERR_IS_DIR);
	CHECK_EQ_INT(fat_open(d.fs, "/", &f), FAT_OK);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 0), FAT_ERR_IS_DIR);
	CHECK_EQ_INT(fat_open(d.fs, "/new.txt", &f), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &f, 0xfffffff0u, "0123456789abcdef", 16),
		     FAT_ERR_RANGE);
	CHECK(msg_has(fat_file_error(&f), "would make the file 4 GiB"));
	CHECK_EQ_INT(fat_write(d.fs, &f, 3, "", 0), 0);
	check_fsck(&d);
	check_mtype(&d, "/new.txt", "hello, world\n", 13);
	check_mtype(&d, "/dir/sub/empty", "", 0);
	check_mtype(&d, "/hello.txt", "hello\n", 6);
out:
	wd_close(&d);
}

/* Writes at every kind of place, against a model of the file's bytes. */
UNIT_TEST(fatw_overwrite_append_extend)
{
	static const struct {
		uint32_t off, len;
	} steps[] = {
		{ 0, 100 },
		{ 100, 5000 }, /* append across clusters */
		{ 10, 20 },
		{ 500, 600 }, /* overwrite, within a cluster, across */
		{ 5100, 1 },
		{ 5099, 2 },    /* append one byte, straddle the end */
		{ 9000, 300 },  /* past the end: a gap of zeros */
		{ 0, 9300 },    /* everything again */
		{ 20000, 512 }, /* a whole sector, aligned, after a gap */
		{ 40000, 70000 },
		{ 511, 1025 },
	};
	size_t cap = 120000, size = 0;
	uint8_t *model = calloc(1, cap), *src = pattern(cap, 1);
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "modes"))
		goto out;
	CHECK_EQ_INT(fat_create(d.fs, "/Data File.bin", &f), FAT_OK);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint32_t o = steps[i].off, n = steps[i].len;
		CHECK_EQ_INT(fat_write(d.fs, &f, o, src + i * 7, n), (long)n);
		memcpy(model + o, src + i * 7, n);
		size = o + n > size ? o + n : size;
		CHECK_EQ_INT(f.size, size);
		check_read(&d, "/data file.bin", model, size);
	}
	/* The file opened afresh sees the same. */
	CHECK_EQ_INT(fat_open(d.fs, "/Data File.bin", &f), FAT_OK);
	CHECK_EQ_INT(f.size, size);
	CHECK_EQ_INT(fat_write(d.fs, &f, 3, "abc", 3), 3);
	memcpy(model + 3, "abc", 3);
	/* An mtools file overwritten and extended in place. */
	CHECK_EQ_INT(fat_open(d.fs, "/hello.txt", &f), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &f, 5, ", there\n", 8), 8);
	check_fsck(&d);
	check_mtype(&d, "/Data File.bin", model, size);
	check_mtype(&d, "/hello.txt", "hello, there\n", 13);
out:
	wd_close(&d);
	free(model);
	free(src);
}

/* Reads so far, as the device counted them. */
static long device_reads(const struct blockdev *bd)
{
	return ((const struct wdisk *)bd->priv)->reads;
}

/* A file written front to back in small pieces: each piece walks from
 * where the last one ended, not from the start of the chain (that would
 * read FAT sectors in proportion to the file's length every time). */
UNIT_TEST(fatw_append_in_pieces)
{
	enum { PIECES = 3000, PIECE = 512 };
	uint8_t *src = pattern((size_t)PIECES * PIECE, 9);
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "pieces"))
		goto out;
	CHECK_EQ_INT(fat_create(d.fs, "/pieces.bin", &f), FAT_OK);
	long r0 = device_reads(&d.dev);
	for (size_t i = 0; i < PIECES; i++)
		CHECK_EQ_INT(fat_write(d.fs, &f, i * PIECE, src + i * PIECE,
				       PIECE),
			     PIECE);
	long per_piece = (device_reads(&d.dev) - r0) / PIECES;
	if (per_piece > 4) {
		printf("  %ld device reads per piece, 4 at most expected\n",
		       per_piece);
		unit_failed_checks++;
	}
	check_fsck(&d);
	check_mtype(&d, "/pieces.bin", src, (size_t)PIECES * PIECE);
out:
	wd_close(&d);
	free(src);
}

static uint32_t free_clusters(struct wdisk *d)
{
	const uint8_t *b = d->data;
	uint32_t rsvd = b[14] | b[15] << 8, bps = b[11] | b[12] << 8, n = 0;
	const uint8_t *fat = d->data + (size_t)rsvd * bps;

	for (uint32_t c = 2; c < d->fs->cluster_count + 2; c++)
		n += !(fat[c * 4] | fat[c * 4 + 1] | fat[c * 4 + 2] |
		       (fat[c * 4 + 3] & 0x0f));
	return n;
}

UNIT_TEST(fatw_truncate)
{
	uint8_t *src = pattern(100000, 2), *model = calloc(1, 100000);
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "truncate"))
		goto out;
	uint32_t before = free_clusters(&d);
	CHECK_EQ_INT(put_file(&d, "/t.bin", src, 100000), FAT_OK);
	CHECK_EQ_INT(free_clusters(&d), before - 196);
	CHECK_EQ_INT(fat_open(d.fs, "/t.bin", &f), FAT_OK);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 1000), FAT_OK);
	check_read(&d, "/t.bin", src, 1000);
	CHECK_EQ_INT(free_clusters(&d), before - 2);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 1024), FAT_OK); /* zeros */
	memcpy(model, src, 1000);
	check_read(&d, "/t.bin", model, 1024);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 5000), FAT_OK);
	check_read(&d, "/t.bin", model, 5000);
	CHECK_EQ_INT(free_clusters(&d), before - 10);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 0), FAT_OK);
	CHECK_EQ_INT(f.first_cluster, 0);
	CHECK_EQ_INT(free_clusters(&d), before);
	check_read(&d, "/t.bin", "", 0);
	/* Written again after being emptied. */
	CHECK_EQ_INT(fat_write(d.fs, &f, 0, src, 700), 700);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 700), FAT_OK);
	/* FSInfo's free count follows. */
	const uint8_t *fsinfo = d.data + 512 * d.fs->fsinfo_sector;
	CHECK_EQ_INT(fsinfo[488] | fsinfo[489] << 8 | fsinfo[490] << 16 |
			     fsinfo[491] << 24,
		     before - 2);
	check_fsck(&d);
	check_mtype(&d, "/t.bin", src, 700);
out:
	wd_close(&d);
	free(src);
	free(model);
}

UNIT_TEST(fatw_mkdir_rmdir_unlink)
{
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "dirs"))
		goto out;
	uint32_t before = free_clusters(&d);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/new", msg), FAT_OK);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/new/Deeper Dir", msg), FAT_OK);
	CHECK_EQ_INT(put_file(&d, "/new/deeper dir/f.txt", "abc", 3), FAT_OK);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/NEW", msg), FAT_ERR_EXISTS);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/hello.txt/x", msg), FAT_ERR_NOT_DIR);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/a/b", msg), FAT_ERR_NOT_FOUND);
	check_fsck(&d);
	check_mdir(&d, "/new", "::/new/Deeper Dir/\n");
	check_mtype(&d, "/new/Deeper Dir/f.txt", "abc", 3);
	CHECK_EQ_INT(fat_open(d.fs, "/new/deeper dir", &f), FAT_OK);
	CHECK(f.is_dir);
	/* Refusals. */
	CHECK_EQ_INT(fat_rmdir(d.fs, "/new", msg), FAT_ERR_NOT_EMPTY);
	CHECK(msg_has(msg, "w.img: /new: the directory is not empty"));
	CHECK_EQ_INT(fat_rmdir(d.fs, "/hello.txt", msg), FAT_ERR_NOT_DIR);
	CHECK_EQ_INT(fat_unlink(d.fs, "/new", msg), FAT_ERR_IS_DIR);
	CHECK_EQ_INT(fat_unlink(d.fs, "/nope", msg), FAT_ERR_NOT_FOUND);
	CHECK(msg_has(msg, "w.img: /nope: no \"nope\" in its"));
	CHECK_EQ_INT(fat_rmdir(d.fs, "/", msg), FAT_ERR_INVAL);
	CHECK_EQ_INT(fat_rmdir(d.fs, "/new/.", msg), FAT_ERR_INVAL);
	/* Emptied, then removed, everything given back. */
	CHECK_EQ_INT(fat_unlink(d.fs, "/NEW/Deeper Dir/F.TXT", msg), FAT_OK);
	CHECK_EQ_INT(fat_rmdir(d.fs, "/new/deeper dir/", msg), FAT_OK);
	CHECK_EQ_INT(fat_rmdir(d.fs, "new", msg), FAT_OK);
	CHECK_EQ_INT(fat_open(d.fs, "/new", &f), FAT_ERR_NOT_FOUND);
	CHECK_EQ_INT(free_clusters(&d), before);
	/* mtools' files go as well, long names with them. */
	CHECK_EQ_INT(fat_unlink(d.fs, "/dir/A Long Name.txt", msg), FAT_OK);
	CHECK_EQ_INT(fat_unlink(d.fs, "/dir/pattern.bin", msg), FAT_OK);
	CHECK_EQ_INT(fat_rmdir(d.fs, "/dir/sub", msg), FAT_OK);
	CHECK_EQ_INT(free_clusters(&d), before + 198);
	check_fsck(&d);
	check_mdir(&d, "/dir", "");
	check_mdir(&d, "/", "::/dir/\n::/hello.txt\n");
out:
	wd_close(&d);
}

/* ---- names ---- */

UNIT_TEST(fatw_names)
{
	struct wdisk d;
	struct fat_file f;
	char name[300];

	if (!wd_open(&d, "w512.img", "names"))
		goto out;
	static const char *const good[] = {
		"readme.txt",      "UPPER.TXT",
		"Mixed.Txt",       "A long name with spaces.text",
		"Grüße €.txt",     "😀 emoji",
		".hidden",         "no_ext",
		"many.dots.in.it", "ab+cd=ef;[x]",
		"1234567890",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "/dir/sub/%s", good[i]);
		CHECK_EQ_INT(put_file(&d, name, good[i], strlen(good[i])),
			     FAT_OK);
		check_read(&d, name, good[i], strlen(good[i]));
	}
	/* Case-insensitive, through either name. */
	check_read(&d, "/DIR/SUB/a LONG name WITH spaces.TEXT",
		   "A long name with spaces.text", 28);
	check_read(&d, "/dir/sub/ALONGN~1.TEX", "A long name with spaces.text",
		   28);
	check_read(&d, "/dir/sub/README.TXT", "readme.txt", 10);
	CHECK_EQ_INT(fat_create(d.fs, "/dir/sub/GRÜSSE", &f), FAT_OK);
	CHECK_EQ_INT(fat_create(d.fs, "/dir/sub/MIXED.TXT", &f),
		     FAT_ERR_EXISTS);
	static const char *const bad[] = {
		"a*b", "a?",          "x:y",  "q\"",    "lt<",     "gt>",
		"p|",  "back\\slash", "dot.", "space ", "\001ctl", "\xff\xfe"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "/%s", bad[i]);
		CHECK_EQ_INT(fat_create(d.fs, name, &f), FAT_ERR_NAME);
	}
	CHECK(msg_has(fat_file_error(&f), "not valid UTF-8"));
	CHECK_EQ_INT(fat_mkdir(d.fs, "/dir/a*", msg), FAT_ERR_NAME);
	CHECK(msg_has(msg, "character 0x2a is not allowed"));
	/* 195 UTF-16 units fit one 512-byte sector of entries, 196 do not. */
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[196] = '\0';
	CHECK_EQ_INT(put_file(&d, name, "long", 4), FAT_OK);
	check_read(&d, name, "long", 4);
	name[196] = 'n';
	name[197] = '\0';
	CHECK_EQ_INT(fat_create(d.fs, name, &f), FAT_ERR_NAME);
	CHECK(msg_has(fat_file_error(&f),
		      "a name of 196 UTF-16 units takes 17 directory entries"));
	/* Aliases stay unique: ~1..~9, then ~10 on a shorter base. */
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "/dir/Same Start %d.txt", i);
		CHECK_EQ_INT(put_file(&d, name, name, strlen(name)), FAT_OK);
	}
	check_read(&d, "/dir/SAMEST~9.TXT", "/dir/Same Start 8.txt", 21);
	check_read(&d, "/dir/SAMES~10.TXT", "/dir/Same Start 9.txt", 21);
	check_fsck(&d);
	/* mtools shows each half of a surrogate pair (the emoji) as '_'. */
	check_mdir(&d, "/dir/sub",
		   "::/dir/sub/readme.txt\n::/dir/sub/UPPER.TXT\n"
		   "::/dir/sub/Mixed.Txt\n::/dir/sub/A long name with spaces.text\n"
		   "::/dir/sub/Grüße €.txt\n::/dir/sub/__ emoji\n"
		   "::/dir/sub/.hidden\n::/dir/sub/no_ext\n"
		   "::/dir/sub/many.dots.in.it\n::/dir/sub/ab+cd=ef;[x]\n"
		   "::/dir/sub/1234567890\n::/dir/sub/GRÜSSE\n");
	check_mtype(&d, "/dir/sub/Grüße €.txt", "Grüße €.txt",
		    strlen("Grüße €.txt"));
	check_mtype(&d, "/dir/Same Start 11.txt", "/dir/Same Start 11.txt", 22);
out:
	wd_close(&d);
}

/* A directory of 512-byte clusters (16 entries) grows to many clusters;
 * every name in it stays readable. */
UNIT_TEST(fatw_directory_grows)
{
	struct wdisk d;
	struct fat_file f;
	char name[128], want[65536] = "";

	if (!wd_open(&d, "w512.img", "grow"))
		goto out;
	CHECK_EQ_INT(fat_mkdir(d.fs, "/big", msg), FAT_OK);
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof(name), "/big/File number %03d.dat", i);
		CHECK_EQ_INT(put_file(&d, name, name, strlen(name)), FAT_OK);
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "::%s\n", name);
	}
	CHECK_EQ_INT(fat_open(d.fs, "/big", &f), FAT_OK);
	uint32_t n = 0;
	for (uint32_t c = f.first_cluster; c < 0x0ffffff8; n++) {
		const uint8_t *fat = d.data + 512 * 32; /* reserved sectors */
		c = fat[c * 4] | fat[c * 4 + 1] << 8 | fat[c * 4 + 2] << 16 |
		    (uint32_t)(fat[c * 4 + 3] & 0x0f) << 24;
	}
	CHECK(n >= 120 * 3 / 16); /* three entries per name */
	check_read(&d, "/big/file number 077.dat", "/big/File number 077.dat",
		   24);
	/* Removing names leaves holes that new names fill. */
	CHECK_EQ_INT(fat_unlink(d.fs, "/big/File number 010.dat", msg), FAT_OK);
	CHECK_EQ_INT(put_file(&d, "/big/x", "x", 1), FAT_OK);
	check_fsck(&d);
	check_mtype(&d, "/big/File number 119.dat", "/big/File number 119.dat",
		    24);
out:
	wd_close(&d);
}

/* ---- limits ---- */

UNIT_TEST(fatw_disk_full)
{
	struct wdisk d;
	struct fat_file f, g;
	size_t chunk = 1 << 20;
	uint8_t *src = pattern(chunk, 3);

	if (!wd_open(&d, "w512.img", "full"))
		goto out;
	uint32_t total = free_clusters(&d);
	CHECK_EQ_INT(fat_create(d.fs, "/fill.bin", &f), FAT_OK);
	CHECK_EQ_INT(fat_create(d.fs, "/small.bin", &g), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &g, 0, "abc", 3), 3);
	/* One write larger than the free space: refused whole. */
	uint8_t *huge = pattern((size_t)(total + 1) * 512, 4);
	CHECK_EQ_INT(fat_write(d.fs, &f, 0, huge, (size_t)(total + 1) * 512),
		     FAT_ERR_NO_SPACE);
	CHECK(msg_has(fat_file_error(&f),
		      "w.img: /fill.bin: the disk is full"));
	CHECK_EQ_INT(f.size, 0);
	CHECK_EQ_INT(free_clusters(&d), total - 1);
	free(huge);
	/* Filled a MiB at a time, then what is left, to the last cluster. */
	long n;
	uint64_t off = 0;
	while ((n = fat_write(d.fs, &f, off, src, chunk)) == (long)chunk)
		off += chunk;
	CHECK_EQ_INT(n, FAT_ERR_NO_SPACE);
	for (size_t piece = chunk / 2; piece >= 512; piece /= 2)
		if ((n = fat_write(d.fs, &f, off, src, piece)) == (long)piece)
			off += piece;
	CHECK_EQ_INT(n, FAT_ERR_NO_SPACE);
	CHECK_EQ_INT(free_clusters(&d), 0);
	CHECK_EQ_INT(f.size, off);
	/* The partly filled last cluster of small.bin still takes bytes. */
	CHECK_EQ_INT(fat_write(d.fs, &g, 3, "defg", 4), 4);
	CHECK_EQ_INT(fat_write(d.fs, &g, 7, src, 512), FAT_ERR_NO_SPACE);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/d", msg), FAT_ERR_NO_SPACE);
	CHECK_EQ_INT(fat_truncate(d.fs, &g, 100000), FAT_ERR_NO_SPACE);
	/* A name in the root still fits; the root's cluster then is full. */
	int err = FAT_OK;
	char name[32];
	for (int i = 0; !err; i++) {
		snprintf(name, sizeof(name), "/E%d", i);
		err = fat_create(d.fs, name, &g);
	}
	CHECK_EQ_INT(err, FAT_ERR_NO_SPACE);
	check_fsck(&d);
	check_read(&d, "/small.bin", "abcdefg", 7);
	/* Freeing makes room again. */
	CHECK_EQ_INT(fat_truncate(d.fs, &f, (uint32_t)off - 4096), FAT_OK);
	CHECK_EQ_INT(free_clusters(&d), 8);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/d", msg), FAT_OK);
	check_fsck(&d);
	check_mtype(&d, "/small.bin", "abcdefg", 7);
out:
	wd_close(&d);
	free(src);
}

UNIT_TEST(fatw_read_only_device)
{
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "ro"))
		goto out;
	d.dev.read_only = true;
	CHECK_EQ_INT(fat_create(d.fs, "/x", &f), FAT_ERR_READ_ONLY);
	CHECK(msg_has(fat_file_error(&f), "w.img: /x: the disk is read-only"));
	CHECK_EQ_INT(fat_open(d.fs, "/hello.txt", &f), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &f, 0, "x", 1), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 0), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/d", msg), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(fat_unlink(d.fs, "/hello.txt", msg), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(fat_rmdir(d.fs, "/dir/sub", msg), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(fat_rename(d.fs, "/hello.txt", "/h", msg),
		     FAT_ERR_READ_ONLY);
	CHECK_EQ_STR(fat_strerror(FAT_ERR_READ_ONLY), "the disk is read-only");
	/* No write callback at all: the same. */
	d.dev.read_only = false;
	d.dev.write = NULL;
	CHECK_EQ_INT(fat_mkdir(d.fs, "/d", msg), FAT_ERR_READ_ONLY);
	CHECK_EQ_INT(d.writes, 0);
	check_fsck(&d);
	check_mtype(&d, "/hello.txt", "hello\n", 6);
out:
	wd_close(&d);
}

/* A device write that fails: an I/O error naming the sector, and the
 * volume still sound. */
UNIT_TEST(fatw_write_errors)
{
	uint8_t *src = pattern(20000, 5);
	struct wdisk d;
	struct fat_file f;

	if (!wd_open(&d, "w512.img", "ioerr"))
		goto out;
	CHECK_EQ_INT(fat_create(d.fs, "/a.bin", &f), FAT_OK);
	for (long k = 0;; k++) {
		d.fail_one = d.writes + k;
		long n = fat_write(d.fs, &f, 0, src, 20000);
		if (n == 20000)
			break;
		CHECK_EQ_INT(n, FAT_ERR_IO);
		CHECK(msg_has(fat_file_error(&f),
			      "w.img: /a.bin: writing sector"));
	}
	/* cppcheck-suppress redundantAssignment ; the device's write callback reads it */
	d.fail_one = -1;
	/* What failed midway may have left lost clusters, nothing worse. */
	char why[1024];
	if (!fsck_ok(&d, false, why, sizeof(why)))
		printf("  %s\n", why), unit_failed_checks++;
	check_read(&d, "/a.bin", src, 20000);
	check_mtype(&d, "/a.bin", src, 20000);
	CHECK_EQ_STR(fat_strerror(FAT_ERR_IO), "disk read or write failed");
out:
	wd_close(&d);
	free(src);
}

/* ---- rename ---- */

static uint32_t dotdot_of(struct wdisk *d, const char *dir)
{
	struct fat_file f;

	if (fat_open(d->fs, dir, &f))
		return UINT32_MAX;
	const uint8_t *e = d->data +
			   512 * (d->fs->data_start + (f.first_cluster - 2)) +
			   32;
	return (uint32_t)(e[20] | e[21] << 8) << 16 | (e[26] | e[27] << 8);
}

UNIT_TEST(fatw_rename)
{
	uint8_t *src = pattern(3000, 6);
	struct wdisk d;
	struct fat_file f, sub;

	if (!wd_open(&d, "w512.img", "rename"))
		goto out;
	CHECK_EQ_INT(put_file(&d, "/r.bin", src, 3000), FAT_OK);
	/* In place: one sector write for the names. */
	long w = d.writes;
	CHECK_EQ_INT(fat_rename(d.fs, "/r.bin", "/Renamed With A Long Name.bin",
				msg),
		     FAT_OK);
	CHECK_EQ_INT(d.writes - w, 1);
	check_read(&d, "/renamed with a long name.bin", src, 3000);
	CHECK_EQ_INT(fat_open(d.fs, "/r.bin", &f), FAT_ERR_NOT_FOUND);
	/* Case only. */
	CHECK_EQ_INT(fat_rename(d.fs, "/renamed with a long name.bin",
				"/RENAMED with a long name.bin", msg),
		     FAT_OK);
	/* Into another directory, then a directory into another. */
	CHECK_EQ_INT(fat_rename(d.fs, "/RENAMED with a long name.bin",
				"/dir/sub/moved.bin", msg),
		     FAT_OK);
	check_read(&d, "/dir/sub/moved.bin", src, 3000);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/top", msg), FAT_OK);
	CHECK_EQ_INT(fat_open(d.fs, "/dir", &f), FAT_OK);
	CHECK_EQ_INT(dotdot_of(&d, "/dir/sub"), f.first_cluster);
	CHECK_EQ_INT(fat_rename(d.fs, "/dir/sub", "/top/Sub Moved", msg),
		     FAT_OK);
	CHECK_EQ_INT(fat_open(d.fs, "/top", &f), FAT_OK);
	CHECK_EQ_INT(dotdot_of(&d, "/top/sub moved"), f.first_cluster);
	check_read(&d, "/top/Sub Moved/moved.bin", src, 3000);
	/* Back to the root: ".." is 0 there. */
	CHECK_EQ_INT(fat_rename(d.fs, "/top/Sub Moved", "/sm", msg), FAT_OK);
	CHECK_EQ_INT(dotdot_of(&d, "/sm"), 0);
	CHECK_EQ_INT(fat_open(d.fs, "/sm", &sub), FAT_OK);
	/* Refusals. */
	CHECK_EQ_INT(fat_rename(d.fs, "/sm", "/sm/x", msg), FAT_ERR_INVAL);
	CHECK(msg_has(msg, "w.img: /sm/x: a directory cannot move "
			   "into itself"));
	CHECK_EQ_INT(fat_mkdir(d.fs, "/sm/in", msg), FAT_OK);
	CHECK_EQ_INT(fat_rename(d.fs, "/SM", "/sm/in/deeper", msg),
		     FAT_ERR_INVAL);
	CHECK_EQ_INT(fat_rename(d.fs, "/dir", "/sm/in/dir", msg), FAT_OK);
	CHECK_EQ_INT(fat_rename(d.fs, "/sm/moved.bin", "/hello.txt", msg),
		     FAT_ERR_EXISTS);
	CHECK(msg_has(msg, "\"hello.txt\" exists"));
	CHECK_EQ_INT(fat_rename(d.fs, "/nope", "/x", msg), FAT_ERR_NOT_FOUND);
	CHECK_EQ_INT(fat_rename(d.fs, "/hello.txt", "/nodir/x", msg),
		     FAT_ERR_NOT_FOUND);
	CHECK_EQ_INT(fat_rename(d.fs, "/hello.txt", "/bad?", msg),
		     FAT_ERR_NAME);
	CHECK_EQ_INT(fat_rename(d.fs, "/", "/x", msg), FAT_ERR_INVAL);
	check_fsck(&d);
	check_mtype(&d, "/sm/moved.bin", src, 3000);
	check_mdir(&d, "/", "::/hello.txt\n::/top/\n::/sm/\n");
	check_mdir(&d, "/sm/in/dir",
		   "::/sm/in/dir/A Long Name.txt\n::/sm/in/dir/pattern.bin\n");
out:
	wd_close(&d);
	free(src);
}

/* 4096-byte sectors, one FAT: the same calls, checked by fsck.fat (and
 * our reader: mtools takes a FAT32 volume of fewer than 65525 clusters
 * for FAT16, and a 4096-byte-sector one that large is 256 MiB). */
UNIT_TEST(fatw_4k_sectors_one_fat)
{
	uint8_t *src = pattern(70000, 7);
	struct wdisk d;
	struct fat_file f;
	char name[300];

	if (!wd_open(&d, "w4k.img", "4k"))
		goto out;
	CHECK_EQ_INT(d.fs->fat_copies, 1);
	CHECK_EQ_INT(fat_mkdir(d.fs, "/A Directory", msg), FAT_OK);
	CHECK_EQ_INT(put_file(&d, "/a directory/Big.bin", src, 70000), FAT_OK);
	CHECK_EQ_INT(fat_open(d.fs, "/a directory/Big.bin", &f), FAT_OK);
	CHECK_EQ_INT(fat_write(d.fs, &f, 4000, src, 200), 200);
	CHECK_EQ_INT(fat_truncate(d.fs, &f, 4200), FAT_OK);
	memcpy(src + 4000, src, 200);
	check_read(&d, "/a directory/big.bin", src, 4200);
	/* 254 UTF-16 units (a path holds 255 bytes) fit a 4096-byte sector. */
	memset(name, 'q', sizeof(name));
	name[0] = '/';
	name[255] = '\0';
	CHECK_EQ_INT(put_file(&d, name, "q", 1), FAT_OK);
	CHECK_EQ_INT(fat_rename(d.fs, name, "/A Directory/q", msg), FAT_OK);
	CHECK_EQ_INT(fat_unlink(d.fs, "/A Directory/q", msg), FAT_OK);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/A Directory/entry %d", i);
		CHECK_EQ_INT(put_file(&d, name, "", 0), FAT_OK);
	}
	check_fsck(&d);
out:
	wd_close(&d);
	free(src);
}

/* ---- power cuts ---- */

#define CUT_SIZE  12000
#define CUT_PIECE 5000

/* The operations cut short: a large file written in pieces, renamed into
 * a directory, a directory made and filled, files removed, a directory
 * removed, the large file cut down and grown. Returns the first error. */
static int cut_sequence(struct wdisk *d, const uint8_t *src)
{
	struct fat_file f;
	int err;

	if ((err = fat_create(d->fs, "/Large File.bin", &f)))
		return err;
	for (uint32_t off = 0; off < CUT_SIZE; off += CUT_PIECE) {
		uint32_t n = CUT_SIZE - off < CUT_PIECE ? CUT_SIZE - off :
							  CUT_PIECE;
		long w = fat_write(d->fs, &f, off, src + off, n);
		if (w < 0)
			return (int)w;
	}
	if ((err = fat_rename(d->fs, "/Large File.bin", "/keep/Moved Large.bin",
			      msg)) ||
	    (err = fat_mkdir(d->fs, "/New Directory", msg)) ||
	    (err = put_file(d, "/New Directory/note.txt", "note", 4)) ||
	    (err = fat_unlink(d->fs, "/old.txt", msg)) ||
	    (err = fat_rename(d->fs, "/keep/short.txt",
			      "/keep/Short Now Long.txt", msg)) ||
	    (err = fat_unlink(d->fs, "/New Directory/note.txt", msg)) ||
	    (err = fat_rmdir(d->fs, "/New Directory", msg)) ||
	    (err = fat_open(d->fs, "/keep/Moved Large.bin", &f)) ||
	    (err = fat_truncate(d->fs, &f, 1234)))
		return err;
	long w = fat_write(d->fs, &f, 1234, src + 1234, 4000);
	return w < 0 ? (int)w : FAT_OK;
}

/* What a cut may leave of each file: absent, or whole as the sequence
 * had it at some step (a prefix of the source; old.txt as it was). */
static bool cut_files_sound(struct wdisk *d, const uint8_t *src, char *why,
			    size_t why_size)
{
	static const char *const large[] = { "/Large File.bin",
					     "/keep/Moved Large.bin" };
	static uint8_t got[CUT_SIZE];
	struct fat_fs *fs = calloc(1, sizeof(*fs));
	struct fat_file f;
	bool ok = fat_mount(fs, &d->dev) == FAT_OK;
	int seen = 0;

	for (size_t i = 0; ok && i < 2; i++) {
		if (fat_open(fs, large[i], &f))
			continue;
		seen++;
		ok = f.size <= CUT_SIZE &&
		     fat_read(fs, &f, 0, got, f.size) == (long)f.size &&
		     !memcmp(got, src, f.size);
		if (!ok)
			snprintf(why, why_size, "%s (%u bytes) is wrong",
				 large[i], f.size);
	}
	if (ok && seen > 1) {
		snprintf(why, why_size, "the large file is there twice");
		ok = false;
	}
	if (ok && !fat_open(fs, "/old.txt", &f) &&
	    (fat_read(fs, &f, 0, got, 100) != 4 || memcmp(got, "old\n", 4))) {
		snprintf(why, why_size, "old.txt is wrong");
		ok = false;
	}
	if (ok && fat_open(fs, "/keep/short.txt", &f) &&
	    fat_open(fs, "/keep/Short Now Long.txt", &f)) {
		/* Allowed: lost between its two entries, if the rename was
		 * not in place; ours is, so it must be there. */
		snprintf(why, why_size, "short.txt is gone");
		ok = false;
	}
	free(fs);
	return ok;
}

/* Runs the sequence whole, then once per device write with the power
 * cut at that write, each time from the same volume. */
static void power_cuts(const char *name, bool cache)
{
	uint8_t *src = pattern(CUT_SIZE, 8);
	struct wdisk d;
	uint8_t *base = NULL;
	char why[1024];
	int bad = 0;

	if (!wd_open(&d, "wcut.img", name))
		goto out;
	/* The volume the sequence starts from. */
	CHECK_EQ_INT(fat_mkdir(d.fs, "/keep", msg), FAT_OK);
	CHECK_EQ_INT(put_file(&d, "/old.txt", "old\n", 4), FAT_OK);
	CHECK_EQ_INT(put_file(&d, "/keep/short.txt", "s", 1), FAT_OK);
	check_fsck(&d);
	base = malloc(d.size);
	memcpy(base, d.data, d.size);
	d.cache = cache;
	/* Whole, to count the writes. */
	long w0 = d.writes;
	CHECK_EQ_INT(cut_sequence(&d, src), FAT_OK);
	long total = d.writes - w0;
	check_fsck(&d);
	CHECK(cut_files_sound(&d, src, why, sizeof(why)));
	CHECK(total > 50);
	for (long n = 0; n <= total && bad < 5; n++) {
		memcpy(d.data, base, d.size);
		memset(d.fs, 0, sizeof(*d.fs));
		if (fat_mount(d.fs, &d.dev)) {
			unit_failed_checks++;
			break;
		}
		d.writes = 0;
		d.cut = n;
		int err = cut_sequence(&d, src);
		d.cut = -1;
		if (n < total && err != FAT_ERR_IO) {
			printf("  cut after %ld writes: %s\n", n,
			       fat_strerror(err));
			bad++;
		}
		if (!fsck_ok(&d, false, why, sizeof(why)) ||
		    !cut_files_sound(&d, src, why, sizeof(why))) {
			printf("  cut after %ld of %ld writes: %s\n", n, total,
			       why);
			bad++;
		}
	}
	unit_failed_checks += bad;
out:
	wd_close(&d);
	free(base);
	free(src);
}

/* Writes reach the disk in the order they are made. */
UNIT_TEST(fatw_power_cut_at_every_write)
{
	power_cuts("cut", false);
}

/* Behind a write cache: of the writes since the last flush, only the
 * last one reaches the disk, so every step that must land before the
 * next has a flush between them. */
UNIT_TEST(fatw_power_cut_write_cache)
{
	power_cuts("cut-cache", true);
}

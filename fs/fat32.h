/* A FAT32 file system over a block device: reading here, writing in
 * fs/fat32_write.c (declared below).
 *
 * Everything read from the disk is checked before use: the boot sector's
 * fields, every cluster number against the FAT's bounds, every chain for
 * loops and for covering its file's size, directory entries and long
 * names. A bad disk gives an error code and a message naming the device,
 * the path and the problem (fat_error()); never a wild read.
 *
 * Freestanding and allocation-free (struct fat_fs holds the buffers), so
 * the same file builds into cvisor, the host unit tests and the fuzzer.
 * FAT32 is recognised as Linux does, by a zero 16-bit FAT size, so small
 * images made with `mkfs.fat -F 32` (fewer than 65525 clusters) work.
 *
 * Several CPUs may use one mounted volume at once (VMs reloading their
 * images as they reset): fat_open(), fat_read() and fat_readdir() each
 * hold the volume's lock across their use of its caches, and leave their
 * error message in the caller's struct fat_file. */
#ifndef FS_FAT32_H
#define FS_FAT32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/blockdev.h>
#include <kernel/spinlock.h>

enum fat_err {
	FAT_OK = 0,
	FAT_ERR_IO = -1,        /* the device failed a read or write */
	FAT_ERR_BPB = -2,       /* boot sector: not FAT32 or a bad field */
	FAT_ERR_TRUNCATED = -3, /* the file system is larger than the disk */
	FAT_ERR_NOT_FOUND = -4,
	FAT_ERR_NOT_DIR = -5,    /* a path component is a file */
	FAT_ERR_IS_DIR = -6,     /* a file was wanted */
	FAT_ERR_CHAIN = -7,      /* a cluster chain leaves the FAT, hits a
				     free or bad cluster, or is too short */
	FAT_ERR_LOOP = -8,       /* a cluster chain loops */
	FAT_ERR_PATH = -9,       /* path or name too long, or empty */
	FAT_ERR_RANGE = -10,     /* read past the end of the file */
	FAT_ERR_DIR = -11,       /* directory too large */
	FAT_ERR_EXISTS = -12,    /* the name is taken */
	FAT_ERR_NO_SPACE = -13,  /* no free cluster left */
	FAT_ERR_NAME = -14,      /* a name FAT cannot hold */
	FAT_ERR_NOT_EMPTY = -15, /* directory not empty */
	FAT_ERR_READ_ONLY = -16, /* the device refuses writes */
	FAT_ERR_INVAL = -17,     /* a directory into itself, the root... */
};

#define FAT_MAX_SECTOR 4096u
#define FAT_MAX_NAME   255u                   /* UTF-16 units of a long name */
#define FAT_NAME_BUF   (FAT_MAX_NAME * 3 + 1) /* as UTF-8, NUL-ended */
#define FAT_MAX_PATH   256u
#define FAT_MSG_SIZE   384u

/* A volume, once fat_mount() has checked it. */
struct fat_fs {
	struct blockdev *dev;
	uint32_t bytes_per_sector;
	uint32_t sectors_per_cluster;
	uint32_t cluster_size; /* bytes */
	uint32_t fat_start;    /* sector of the active FAT */
	uint32_t fat_sectors;
	uint32_t data_start;    /* sector of cluster 2 */
	uint32_t cluster_count; /* valid clusters are 2..cluster_count+1 */
	uint32_t root_cluster;
	uint32_t dev_per_sector;     /* 512-byte device sectors per sector */
	uint32_t fat_copy_start[2];  /* sectors of the FATs written to */
	uint32_t fat_copies;         /* 2 when mirrored, else the active 1 */
	uint32_t fsinfo_sector;      /* 0: none */
	spinlock_t lock;             /* over everything below */
	bool fsinfo_loaded;          /* free_count/next_free read yet */
	uint32_t free_count;         /* FSInfo's hint, UINT32_MAX unknown */
	uint32_t next_free;          /* where to look for a free cluster */
	bool fat_dirty;              /* fat_cache differs from the disk */
	uint64_t cached_fat_sector;  /* in fat_cache, or UINT64_MAX */
	uint64_t cached_data_sector; /* in data_cache, or UINT64_MAX */
	uint8_t fat_cache[FAT_MAX_SECTOR];
	uint8_t data_cache[FAT_MAX_SECTOR];
	char msg[FAT_MSG_SIZE]; /* the last error, in words */
};

/* An open file or directory. */
struct fat_file {
	uint32_t first_cluster; /* 0 for an empty file */
	uint32_t size;          /* bytes; 0 for directories */
	bool is_dir;
	uint32_t dir_cluster;    /* its directory's first cluster; 0: f is / */
	uint32_t slot;           /* its 8.3 entry's index in that directory */
	uint32_t pos_index;      /* cursor: the pos_index'th cluster */
	uint32_t pos_cluster;    /* of the chain is pos_cluster */
	char path[FAT_MAX_PATH]; /* for messages */
	char msg[FAT_MSG_SIZE];  /* the last error of a call on it */
};

/* One directory entry, as fat_readdir() returns it. */
struct fat_dirent {
	char name[FAT_NAME_BUF]; /* long name as UTF-8, else the 8.3 name */
	char short_name[13];     /* "NAME.EXT" */
	uint32_t first_cluster;
	uint32_t size;
	bool is_dir;
	uint32_t slot;  /* index of the 8.3 entry in its directory */
	uint32_t slots; /* entries it takes: 1 + its long-name entries */
};

const char *fat_strerror(int err);
/* The message of the last error on 'fs': "DEV: PATH: problem". Only for
 * fat_mount() and for volumes one CPU uses: another CPU's failing call
 * may overwrite it at any time. */
const char *fat_error(const struct fat_fs *fs);
/* The message of the last failed call on 'f' (fat_open() included),
 * whoever else uses the volume. */
const char *fat_file_error(const struct fat_file *f);

/* Checks the boot sector of 'dev' and prepares 'fs'. Before any other
 * call on 'fs', and on one CPU: it does not take the lock. */
int fat_mount(struct fat_fs *fs, struct blockdev *dev);

/* Opens a file or directory by path ("/a/b", "a/b"; "/" is the root).
 * Names match case-insensitively (ASCII), long or 8.3. A file's whole
 * cluster chain is checked here, so reads cannot meet a bad chain. */
int fat_open(struct fat_fs *fs, const char *path, struct fat_file *f);

/* Reads up to 'len' bytes at 'offset' into 'buf'; returns the number of
 * bytes read (short only at the end of the file) or a negative error. */
long fat_read(struct fat_fs *fs, struct fat_file *f, uint64_t offset, void *buf,
	      size_t len);

/* Calls fn(ctx, entry) for each entry of the directory 'dir' (not "."
 * nor ".."); stops early when fn returns false. fn runs with the volume
 * locked: it must not call into the same volume. */
int fat_readdir(struct fat_fs *fs, struct fat_file *dir,
		bool (*fn)(void *ctx, const struct fat_dirent *e), void *ctx);

/* ---- writing (fs/fat32_write.c) ----
 *
 * Paths as fat_open() takes them; the last name of a path is the one
 * created, removed or renamed. New names are checked (FAT_ERR_NAME: empty,
 * ".", "..", a control character or one of \"*:<>?|, a trailing dot or
 * space, invalid UTF-8, more UTF-16 units than one sector of directory
 * entries holds: 195 on 512-byte sectors, 255 on larger ones) and get an
 * 8.3 entry, preceded by long-name entries when 8.3 cannot hold them.
 * Each call orders its device writes so that a power cut at any point
 * leaves at worst lost clusters (docs/disk.md, "Writing"), and returns
 * once they are on stable storage. Errors: FAT_ERR_READ_ONLY,
 * FAT_ERR_NO_SPACE, FAT_ERR_NAME, FAT_ERR_EXISTS, FAT_ERR_NOT_FOUND,
 * FAT_ERR_NOT_DIR, FAT_ERR_IS_DIR, FAT_ERR_NOT_EMPTY, FAT_ERR_INVAL,
 * FAT_ERR_IO and the reader's errors for a bad disk; the message is in
 * the file given (fat_file_error()), or for the calls on paths alone in
 * 'msg' (FAT_MSG_SIZE bytes, or NULL), where another CPU's call cannot
 * overwrite it as it can fat_error(). A call that fails has changed
 * nothing, except as said for fat_write(). An open struct fat_file must
 * not be used after its file is removed or renamed. */

/* Creates an empty file and opens it into 'f'; FAT_ERR_EXISTS when the
 * name is taken (by a file or a directory). */
int fat_create(struct fat_fs *fs, const char *path, struct fat_file *f);

/* Writes 'len' bytes of 'buf' at 'offset' of the open file 'f':
 * overwrites, appends, or extends the file past a gap of zeros. Returns
 * 'len' or an error; files stop short of 4 GiB (FAT_ERR_RANGE). New
 * clusters are all found before anything is written, so FAT_ERR_NO_SPACE
 * leaves the file as it was; an I/O error may leave bytes within the old
 * size overwritten. */
long fat_write(struct fat_fs *fs, struct fat_file *f, uint64_t offset,
	       const void *buf, size_t len);

/* Sets the size of the open file 'f': clusters past it are freed, or
 * the file grows with zeros. */
int fat_truncate(struct fat_fs *fs, struct fat_file *f, uint32_t size);

/* Creates an empty directory (with its "." and ".." entries). */
int fat_mkdir(struct fat_fs *fs, const char *path, char *msg);

/* Removes a file (FAT_ERR_IS_DIR for a directory) and frees its
 * clusters. */
int fat_unlink(struct fat_fs *fs, const char *path, char *msg);

/* Removes an empty directory (FAT_ERR_NOT_EMPTY otherwise, FAT_ERR_NOT_DIR
 * for a file, FAT_ERR_INVAL for the root). */
int fat_rmdir(struct fat_fs *fs, const char *path, char *msg);

/* Renames or moves a file or directory within the volume. 'to' names the
 * new path, whose directory must exist and whose name must be free
 * (FAT_ERR_EXISTS), unless it is 'from' itself in another case. Moving a
 * directory into itself or below is FAT_ERR_INVAL. */
int fat_rename(struct fat_fs *fs, const char *from, const char *to, char *msg);

#endif

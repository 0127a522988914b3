/* A block device: what the file system reads from and writes to. The
 * virtio-blk driver provides one for the host's disk; host tests provide
 * one over a buffer. Self-contained (no kernel types) so fs/ builds for
 * the host too. */
#ifndef KERNEL_BLOCKDEV_H
#define KERNEL_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLOCKDEV_SECTOR_SIZE 512u

struct blockdev {
	const char *name; /* for messages: "disk", "virtio-blk@0xa003e00" */
	uint64_t sectors; /* capacity in 512-byte sectors */
	/* Reads 'count' sectors from 'lba' into 'buf' (any alignment).
	 * Returns 0, or -1 when the device failed or the range is outside
	 * it. Synchronous. */
	int (*read)(struct blockdev *bd, uint64_t lba, uint32_t count,
		    void *buf);
	/* Writes 'count' sectors from 'buf' at 'lba'; 0 or -1 as read.
	 * Synchronous, but the data may sit in the device's volatile cache
	 * until flush() returns. NULL on a read-only device. */
	int (*write)(struct blockdev *bd, uint64_t lba, uint32_t count,
		     const void *buf);
	/* Returns once every write that returned before the call is on
	 * stable storage: the barrier the file system orders its writes
	 * with. 0 or -1. NULL when writes are stable as they return. */
	int (*flush)(struct blockdev *bd);
	bool read_only; /* the device refuses writes (write may be NULL) */
	void *priv;
};

#endif

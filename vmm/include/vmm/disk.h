/* The host's disk and its FAT32 file system, where VMs with
 * image_location = "fs" find their images (docs/disk.md). */
#ifndef VMM_DISK_H
#define VMM_DISK_H

#include <fs/fat32.h>

/* Looks for the disk and mounts its file system: once, on the boot CPU,
 * before any VM is created. A missing disk is not an error here (only
 * for the VMs that need it); a disk without a usable FAT32 is logged. */
void disk_mount(void);

/* The mounted file system, or NULL with *why saying what is wrong (no
 * disk, or the mount error naming the disk and the problem). */
struct fat_fs *disk_fs(const char **why);

#endif

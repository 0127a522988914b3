/* The host's disk, mounted once at boot for the VMs that load from it. */
#include <drivers/virtio_blk.h>
#include <kernel/log.h>
#include <vmm/disk.h>

static struct fat_fs disk;
static bool disk_ok;
static const char *disk_why = "no disk (virtio-blk device) is attached";

void disk_mount(void)
{
	struct blockdev *bd = virtio_blk_probe("disk");

	if (!bd)
		return;
	int err = fat_mount(&disk, bd);
	if (err) {
		disk_why = fat_error(&disk);
		pr_error("%s (%s): the disk is not used", disk_why,
			 fat_strerror(err));
		return;
	}
	disk_ok = true;
	pr_info("disk: FAT32, %u clusters of %u bytes", disk.cluster_count,
		disk.cluster_size);
}

struct fat_fs *disk_fs(const char **why)
{
	*why = disk_why;
	return disk_ok ? &disk : NULL;
}

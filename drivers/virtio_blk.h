/* The host's disk: a virtio block device, on a virtio-mmio transport
 * found through the host DTB (QEMU virt on aarch64 and riscv64) or on
 * PCI (q35 on x86_64: drivers/virtio_pci.c). */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <kernel/blockdev.h>

/* Finds the first virtio-blk device, virtio-mmio ones first, and sets it
 * up (one request queue, polled, no interrupt). Returns its block
 * device, named 'name', or NULL when there is none or it cannot be set
 * up (logged). Boot CPU, once. */
struct blockdev *virtio_blk_probe(const char *name);

#endif

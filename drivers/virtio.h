/* What a virtio device's driver needs of its transport (virtio-mmio,
 * virtio-pci): the device status, feature negotiation, queue 0, its
 * notification and the device's config space. The drivers' queue and
 * request code (virtio_blk.c) is the same over both. */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <kernel/blockdev.h>
#include <kernel/types.h>

#define VIRTIO_ID_BLOCK 2

struct virtio_transport {
	const char *kind; /* for the log: "virtio-mmio v2", "virtio-pci" */
	paddr_t where;    /* its registers' address, for the log */
	/* Virtio 0.9 ("legacy"): no FEATURES_OK step and no VERSION_1,
	 * the ring in one block with the used ring page-aligned. */
	bool legacy;
	void *ctx;
	uint8_t (*get_status)(void *ctx);
	void (*set_status)(void *ctx, uint8_t status);
	/* Feature bits 32*sel .. 32*sel+31. */
	uint32_t (*device_features)(void *ctx, unsigned sel);
	void (*driver_features)(void *ctx, unsigned sel, uint32_t bits);
	/* Queue 0 with 'size' entries at those addresses (desc on a page
	 * boundary and used on the next page: the legacy layout); -1 when
	 * the device's queue is smaller. */
	int (*queue_setup)(void *ctx, unsigned size, paddr_t desc,
			   paddr_t avail, paddr_t used);
	void (*notify)(void *ctx);  /* queue 0 has new buffers */
	void (*ack_irq)(void *ctx); /* the interrupt status read and cleared */
	/* 8 bytes of the device's config space at 'off', read whole (no
	 * config change between the halves). */
	uint64_t (*config_read64)(void *ctx, unsigned off);
	void (*release)(void *ctx); /* may be NULL */
};

/* Brings up the virtio-blk device behind 't' (found, its id checked):
 * its block device named 'name', or NULL (logged; 't' released). */
struct blockdev *virtio_blk_init(const struct virtio_transport *t,
				 const char *name);

/* The transports' probes: the first virtio-blk device each finds, set
 * up, or NULL. Boot CPU, once. */
struct blockdev *virtio_mmio_blk_probe(const char *name);
struct blockdev *virtio_pci_blk_probe(const char *name);

#endif

/* virtio-blk over any virtio transport (drivers/virtio.h): virtio-mmio
 * (virtio_mmio.c) or virtio-pci (virtio_pci.c), modern or legacy.
 *
 * One virtqueue, one request at a time, polled: reads and writes go
 * through a bounce buffer in cvisor's memory, so callers may pass any
 * buffer. A device that offers VIRTIO_BLK_F_RO (QEMU's readonly=on) is
 * read-only: writes are refused before they reach it. With
 * VIRTIO_BLK_F_FLUSH the device may cache writes, and flush() asks it to
 * make them stable (the file system's ordering barrier); without it the
 * device writes through, and no flush is needed. The
 * rings and buffers are in RAM that is identity-mapped and cacheable;
 * virtio devices access memory coherently, so ordering (hal_dma_mb) is
 * all that is needed, no cache maintenance. */
#include <drivers/virtio_blk.h>
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <string.h>
#include "virtio.h"

#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define STATUS_FAILED      128u

#define F_RO           (1u << 5) /* read-only device */
#define F_FLUSH        (1u << 9) /* flush command; legacy name: WCE */
#define F_VERSION_1_HI (1u << 0) /* feature bit 32 */

#define DESC_F_NEXT  1u
#define DESC_F_WRITE 2u

#define BLK_T_IN    0u
#define BLK_T_OUT   1u
#define BLK_T_FLUSH 4u
#define BLK_S_OK    0u

#define QUEUE_SIZE        8u
#define BOUNCE_PAGES      16u /* 64 KiB per request */
#define REQUEST_TIMEOUT_S 10u

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QUEUE_SIZE];
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id, len;
	} ring[QUEUE_SIZE];
};

struct blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
};

/* The ring in the legacy layout (it suits version 2 as well): the used
 * ring starts on the page after the descriptors and the avail ring. */
struct vq_pages {
	struct vq_desc desc[QUEUE_SIZE];
	struct vq_avail avail;
	uint8_t pad[PAGE_SIZE - sizeof(struct vq_desc) * QUEUE_SIZE -
		    sizeof(struct vq_avail)];
	struct vq_used used;
} __attribute__((aligned(4096)));

struct virtio_blk {
	struct blockdev bd;
	struct virtio_transport t;
	struct vq_pages *vq;
	struct blk_req *req;
	uint8_t *bounce;
	uint32_t features; /* negotiated, bits 0..31 */
	uint16_t last_used;
	spinlock_t lock;
};

/* Feature negotiation: RO and FLUSH when offered, and VERSION_1 on a
 * modern device (which refuses a driver that does not take it). */
static int vb_features(struct virtio_blk *vb)
{
	struct virtio_transport *t = &vb->t;

	vb->features = t->device_features(t->ctx, 0) & (F_RO | F_FLUSH);
	if (t->legacy) {
		t->driver_features(t->ctx, 0, vb->features);
		return 0;
	}
	if (!(t->device_features(t->ctx, 1) & F_VERSION_1_HI))
		return -1;
	t->driver_features(t->ctx, 1, F_VERSION_1_HI);
	t->driver_features(t->ctx, 0, vb->features);
	t->set_status(t->ctx,
		      STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	return t->get_status(t->ctx) & STATUS_FEATURES_OK ? 0 : -1;
}

static int vb_setup_queue(struct virtio_blk *vb)
{
	return vb->t.queue_setup(vb->t.ctx, QUEUE_SIZE, ptr_to_pa(vb->vq->desc),
				 ptr_to_pa(&vb->vq->avail),
				 ptr_to_pa(&vb->vq->used));
}

static const char *const vb_kind[] = {
	[BLK_T_IN] = "read",
	[BLK_T_OUT] = "write",
	[BLK_T_FLUSH] = "flush",
};

/* One request: 'count' sectors at 'lba' read into or written from the
 * bounce buffer, or a flush (no data). */
static int vb_request(struct virtio_blk *vb, uint32_t type, uint64_t lba,
		      uint32_t count)
{
	struct vq_pages *q = vb->vq;
	uint64_t deadline =
		hal_timer_now() + REQUEST_TIMEOUT_S * hal_timer_freq();
	bool data = type != BLK_T_FLUSH;

	vb->req->type = type;
	vb->req->reserved = 0;
	vb->req->sector = data ? lba : 0;
	vb->req->status = 0xff;
	/* Header, data (none for a flush), status byte. The device writes
	 * into the data on a read and reads it on a write. */
	q->desc[0] = (struct vq_desc){ ptr_to_pa(vb->req), 16, DESC_F_NEXT, 1 };
	if (data)
		q->desc[1] = (struct vq_desc){
			ptr_to_pa(vb->bounce), count * BLOCKDEV_SECTOR_SIZE,
			(type == BLK_T_IN ? DESC_F_WRITE : 0) | DESC_F_NEXT, 2
		};
	q->desc[data ? 2 : 1] = (struct vq_desc){ ptr_to_pa(&vb->req->status),
						  1, DESC_F_WRITE, 0 };
	q->avail.ring[q->avail.idx % QUEUE_SIZE] = 0;
	hal_dma_mb();
	WRITE_ONCE(q->avail.idx, (uint16_t)(q->avail.idx + 1));
	hal_dma_mb();
	vb->t.notify(vb->t.ctx);
	while (READ_ONCE(q->used.idx) == vb->last_used) {
		if (hal_timer_now() > deadline) {
			pr_error("%s: %s of %u sectors at %llu timed out",
				 vb->bd.name, vb_kind[type], count,
				 (unsigned long long)lba);
			return -1;
		}
		hal_cpu_relax();
	}
	hal_dma_mb();
	vb->last_used++;
	vb->t.ack_irq(vb->t.ctx);
	if (READ_ONCE(vb->req->status) != BLK_S_OK) {
		pr_error("%s: %s of %u sectors at %llu failed (status %u)",
			 vb->bd.name, vb_kind[type], count,
			 (unsigned long long)lba, READ_ONCE(vb->req->status));
		return -1;
	}
	return 0;
}

static int vb_read_sectors(struct blockdev *bd, uint64_t lba, uint32_t count,
			   void *buf)
{
	struct virtio_blk *vb = bd->priv;
	const uint32_t max = BOUNCE_PAGES * PAGE_SIZE / BLOCKDEV_SECTOR_SIZE;
	uint8_t *out = buf;
	int err = 0;

	if (lba > bd->sectors || count > bd->sectors - lba)
		return -1;
	spin_lock(&vb->lock);
	while (count && !err) {
		uint32_t n = MIN(count, max);
		err = vb_request(vb, BLK_T_IN, lba, n);
		if (!err)
			memcpy(out, vb->bounce,
			       (size_t)n * BLOCKDEV_SECTOR_SIZE);
		out += (size_t)n * BLOCKDEV_SECTOR_SIZE;
		lba += n;
		count -= n;
	}
	spin_unlock(&vb->lock);
	return err;
}

static int vb_write_sectors(struct blockdev *bd, uint64_t lba, uint32_t count,
			    const void *buf)
{
	struct virtio_blk *vb = bd->priv;
	const uint32_t max = BOUNCE_PAGES * PAGE_SIZE / BLOCKDEV_SECTOR_SIZE;
	const uint8_t *in = buf;
	int err = 0;

	if (bd->read_only || lba > bd->sectors || count > bd->sectors - lba)
		return -1;
	spin_lock(&vb->lock);
	while (count && !err) {
		uint32_t n = MIN(count, max);
		memcpy(vb->bounce, in, (size_t)n * BLOCKDEV_SECTOR_SIZE);
		err = vb_request(vb, BLK_T_OUT, lba, n);
		in += (size_t)n * BLOCKDEV_SECTOR_SIZE;
		lba += n;
		count -= n;
	}
	spin_unlock(&vb->lock);
	return err;
}

static int vb_flush(struct blockdev *bd)
{
	struct virtio_blk *vb = bd->priv;

	spin_lock(&vb->lock);
	int err = vb_request(vb, BLK_T_FLUSH, 0, 0);
	spin_unlock(&vb->lock);
	return err;
}

/* On a writable disk, once at boot: the last sector is rewritten with
 * its own bytes, flushed and read back. The bounce buffer holds sector 0
 * when the write starts, so a write that sent the wrong bytes or went to
 * the wrong place would change the image (the disk scenarios compare it
 * byte for byte); a device that refuses writes says so here, before the
 * file system depends on it. */
static void vb_check_writes(struct virtio_blk *vb)
{
	uint8_t last[BLOCKDEV_SECTOR_SIZE], again[BLOCKDEV_SECTOR_SIZE];
	uint64_t lba = vb->bd.sectors - 1;
	bool ok = vb->bd.sectors > 1 &&
		  !vb_read_sectors(&vb->bd, lba, 1, last) &&
		  !vb_read_sectors(&vb->bd, 0, 1, again) &&
		  !vb_write_sectors(&vb->bd, lba, 1, last) &&
		  (!vb->bd.flush || !vb->bd.flush(&vb->bd)) &&
		  !vb_read_sectors(&vb->bd, lba, 1, again) &&
		  !memcmp(last, again, sizeof(last));

	if (ok) {
		pr_info("%s: write path checked (sector %llu rewritten in place)",
			vb->bd.name, (unsigned long long)lba);
		return;
	}
	pr_error("%s: rewriting sector %llu failed: the disk is used read-only",
		 vb->bd.name, (unsigned long long)lba);
	vb->bd.read_only = true;
	vb->bd.write = NULL;
}

#define VQ_PAGES (sizeof(struct vq_pages) / PAGE_SIZE)

static void vb_free(struct virtio_blk *vb)
{
	if (vb->t.release)
		vb->t.release(vb->t.ctx);
	if (vb->vq)
		page_free(ptr_to_pa(vb->vq), VQ_PAGES);
	if (vb->req)
		page_free(ptr_to_pa(vb->req), 1);
	if (vb->bounce)
		page_free(ptr_to_pa(vb->bounce), BOUNCE_PAGES);
	kfree(vb);
}

static bool vb_alloc(struct virtio_blk *vb)
{
	vb->vq = pa_to_ptr(page_alloc(VQ_PAGES, PAGE_SIZE));
	vb->req = pa_to_ptr(page_alloc(1, PAGE_SIZE));
	vb->bounce = pa_to_ptr(page_alloc(BOUNCE_PAGES, PAGE_SIZE));
	return vb->vq && vb->req && vb->bounce;
}

struct blockdev *virtio_blk_init(const struct virtio_transport *t,
				 const char *name)
{
	struct virtio_blk *vb = kzalloc(sizeof(*vb));

	if (vb)
		vb->t = *t; /* vb_free() releases it from here on */
	if (!vb || !vb_alloc(vb)) {
		pr_error("virtio-blk at %#llx: out of memory",
			 (unsigned long long)t->where);
		if (vb)
			vb_free(vb);
		else if (t->release)
			t->release(t->ctx);
		return NULL;
	}
	vb->lock = (spinlock_t)SPINLOCK_INIT;
	t->set_status(t->ctx, 0);
	t->set_status(t->ctx, STATUS_ACKNOWLEDGE);
	t->set_status(t->ctx, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	if (vb_features(vb) || vb_setup_queue(vb)) {
		t->set_status(t->ctx, STATUS_FAILED);
		pr_error("virtio-blk at %#llx: the device refused the driver's "
			 "features or queue",
			 (unsigned long long)t->where);
		t->set_status(t->ctx, 0); /* reset: it lets go of the ring */
		vb_free(vb);
		return NULL;
	}
	t->set_status(t->ctx,
		      (uint8_t)(t->get_status(t->ctx) | STATUS_DRIVER_OK));
	vb->bd.name = name;
	vb->bd.sectors = t->config_read64(t->ctx, 0); /* capacity */
	vb->bd.read = vb_read_sectors;
	vb->bd.read_only = vb->features & F_RO;
	vb->bd.write = vb->bd.read_only ? NULL : vb_write_sectors;
	vb->bd.flush = (vb->features & F_FLUSH) ? vb_flush : NULL;
	vb->bd.priv = vb;
	pr_info("%s: virtio-blk at %#llx (%s), %llu KiB, %s", name,
		(unsigned long long)t->where, t->kind,
		(unsigned long long)vb->bd.sectors / 2,
		vb->bd.read_only       ? "read-only" :
		vb->features & F_FLUSH ? "writable, write cache flushed" :
					 "writable, write-through");
	if (!vb->bd.read_only)
		vb_check_writes(vb);
	return &vb->bd;
}

struct blockdev *virtio_blk_probe(const char *name)
{
	struct blockdev *bd = virtio_mmio_blk_probe(name);

	return bd ? bd : virtio_pci_blk_probe(name);
}

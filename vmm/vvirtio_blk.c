/* A virtio block device over virtio-mmio (virtio 1.x, version 2 of the
 * MMIO transport) whose disk is a file: the VM's kernel.disk_path, read
 * from where its images come from (cvisor's FAT32 disk, or embedded).
 *
 * The disk is read-only (VIRTIO_BLK_F_RO): cvisor's FAT32 writes files
 * whole (data, then FAT, then entry) and has no in-place update a guest's
 * sector writes could go through safely; a write request gets
 * VIRTIO_BLK_S_IOERR.
 *
 * One queue, processed when the guest notifies it, on the notifying vCPU.
 * Everything the guest hands over — descriptor, ring and buffer
 * addresses, lengths, indexes, chains — is checked before use: a bad one
 * fails that request (or marks the device broken, DEVICE_NEEDS_RESET,
 * for a bad ring), never touches memory the VM could not itself. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/image_file.h>
#include <vmm/vm.h>

#define VIRTIO_MMIO_SIZE 0x200

enum {
	R_MAGIC = 0x000,
	R_VERSION = 0x004,
	R_DEVICE_ID = 0x008,
	R_VENDOR_ID = 0x00c,
	R_DEV_FEATURES = 0x010,
	R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020,
	R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030,
	R_QUEUE_NUM_MAX = 0x034,
	R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044,
	R_QUEUE_NOTIFY = 0x050,
	R_INT_STATUS = 0x060,
	R_INT_ACK = 0x064,
	R_STATUS = 0x070,
	R_QUEUE_DESC = 0x080,   /* low, high at +4 */
	R_QUEUE_DRIVER = 0x090, /* the available ring */
	R_QUEUE_DEVICE = 0x0a0, /* the used ring */
	R_CONFIG_GEN = 0x0fc,
	R_CONFIG = 0x100,
};

#define MAGIC_VIRT       0x74726976u /* "virt" */
#define VENDOR_CVISOR    0x53495643u /* "CVIS" */
#define QUEUE_MAX        128u
#define STATUS_NEEDS_RST 0x40u
#define INT_USED_BUFFER  1u

#define F_BLK_SEG_MAX  (1ull << 2)
#define F_BLK_RO       (1ull << 5)
#define F_BLK_BLK_SIZE (1ull << 6)
#define F_VERSION_1    (1ull << 32)
#define DEV_FEATURES   (F_BLK_SEG_MAX | F_BLK_RO | F_BLK_BLK_SIZE | F_VERSION_1)

#define DESC_F_NEXT     1u
#define DESC_F_WRITE    2u
#define DESC_F_INDIRECT 4u

#define BLK_T_IN     0u
#define BLK_T_OUT    1u
#define BLK_T_FLUSH  4u
#define BLK_T_GET_ID 8u
#define BLK_S_OK     0u
#define BLK_S_IOERR  1u
#define BLK_S_UNSUPP 2u
#define SECTOR       512u
#define SEG_MAX      (QUEUE_MAX - 2)

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vvirtio_blk {
	struct vm *vm;
	unsigned irq;
	spinlock_t lock;
	struct image_file disk;
	uint64_t sectors;
	uint32_t status, int_status;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	uint32_t queue_num, queue_ready;
	uint64_t desc, driver, device; /* guest-physical */
	uint16_t last_avail;
	bool line;
};

/* [gpa, gpa+len) as the VM may access it ('need': VMCFG_MEM_READ or
 * _WRITE), else NULL. */
static void *vblk_guest(struct vvirtio_blk *b, uint64_t gpa, uint64_t len,
			uint32_t need)
{
	return addrspace_gpa_to_host_perm(&b->vm->as, gpa, len ? len : 1, need);
}

static void vblk_update_irq(struct vvirtio_blk *b)
{
	bool level = b->int_status != 0;

	if (level != b->line) {
		b->line = level;
		vm_arch_set_irq_line(b->vm, b->irq, level);
	}
}

static void vblk_queue_reset(struct vvirtio_blk *b)
{
	b->queue_num = b->queue_ready = 0;
	b->desc = b->driver = b->device = 0;
	b->last_avail = 0;
}

/* The ring's three parts, checked whole when the queue is made ready. */
static bool vblk_rings_ok(struct vvirtio_blk *b)
{
	uint64_t n = b->queue_num;

	return n && n <= QUEUE_MAX && !(n & (n - 1)) && !(b->desc & 15) &&
	       !(b->driver & 1) && !(b->device & 3) &&
	       vblk_guest(b, b->desc, 16 * n, VMCFG_MEM_READ) &&
	       vblk_guest(b, b->driver, 6 + 2 * n, VMCFG_MEM_READ) &&
	       vblk_guest(b, b->device, 6 + 8 * n,
			  VMCFG_MEM_READ | VMCFG_MEM_WRITE);
}

/* Reads or fails one data segment: 'len' bytes of the disk at byte
 * 'off' into the guest's buffer. */
static bool vblk_read_seg(struct vvirtio_blk *b, const struct vq_desc *d,
			  uint64_t off)
{
	void *dst;

	if (!(d->flags & DESC_F_WRITE) || d->len % SECTOR ||
	    off > b->disk.size || d->len > b->disk.size - off)
		return false;
	dst = vblk_guest(b, d->addr, d->len, VMCFG_MEM_WRITE);
	return dst && !image_file_read(b->vm, &b->disk, off, dst, d->len);
}

/* One request: its header, data segments and status byte, a chain of at
 * most SEG_MAX + 2 descriptors. Returns the bytes written to the guest. */
static uint32_t vblk_request(struct vvirtio_blk *b, const struct vq_desc *tbl,
			     uint16_t head)
{
	struct vq_desc chain[SEG_MAX + 2];
	unsigned n = 0;
	uint16_t i = head;

	for (;;) {
		if (i >= b->queue_num || n == SEG_MAX + 2)
			return 0; /* a loop or an index out of the table */
		chain[n] = tbl[i];
		if (chain[n].flags & DESC_F_INDIRECT)
			return 0; /* not offered */
		if (!(chain[n++].flags & DESC_F_NEXT))
			break;
		i = chain[n - 1].next;
	}
	const struct vq_desc *st = &chain[n - 1];
	uint8_t *status = st->len && (st->flags & DESC_F_WRITE) ?
				  vblk_guest(b, st->addr, 1, VMCFG_MEM_WRITE) :
				  NULL;
	const uint8_t *hdr =
		n >= 2 && chain[0].len >= 16 &&
				!(chain[0].flags & DESC_F_WRITE) ?
			vblk_guest(b, chain[0].addr, 16, VMCFG_MEM_READ) :
			NULL;
	if (!status)
		return 0;
	if (!hdr) {
		*status = BLK_S_IOERR;
		return 1;
	}
	/* Copied once: the guest may change its memory meanwhile. */
	uint32_t type, written = 1;
	uint64_t sector;
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	uint64_t off = sector * SECTOR;
	uint8_t result = BLK_S_OK;

	if (type == BLK_T_IN) {
		if (sector > b->sectors)
			result = BLK_S_IOERR;
		for (unsigned k = 1; k + 1 < n && result == BLK_S_OK; k++) {
			if (!vblk_read_seg(b, &chain[k], off))
				result = BLK_S_IOERR;
			off += chain[k].len;
			written += chain[k].len;
		}
	} else if (type == BLK_T_GET_ID && n == 3) {
		static const char id[20] = "cvisor-disk";
		char *dst = (chain[1].flags & DESC_F_WRITE) ?
				    vblk_guest(b, chain[1].addr,
					       MIN(chain[1].len, 20u),
					       VMCFG_MEM_WRITE) :
				    NULL;
		if (dst) {
			memcpy(dst, id, MIN(chain[1].len, 20u));
			written += MIN(chain[1].len, 20u);
		} else {
			result = BLK_S_IOERR;
		}
	} else if (type == BLK_T_OUT) {
		result = BLK_S_IOERR; /* read-only: VIRTIO_BLK_F_RO */
	} else if (type != BLK_T_FLUSH) {
		result = BLK_S_UNSUPP;
	}
	*status = result;
	return written;
}

/* Takes every request the guest made available, in order. */
static void vblk_notify(struct vvirtio_blk *b)
{
	uint64_t n = b->queue_num;
	const struct vq_desc *tbl;
	uint16_t *avail;
	uint8_t *used;

	if (!b->queue_ready || (b->status & STATUS_NEEDS_RST))
		return;
	/* Checked when made ready; the regions stay while the VM lives. */
	tbl = vblk_guest(b, b->desc, 16 * n, VMCFG_MEM_READ);
	avail = vblk_guest(b, b->driver, 6 + 2 * n, VMCFG_MEM_READ);
	used = vblk_guest(b, b->device, 6 + 8 * n,
			  VMCFG_MEM_READ | VMCFG_MEM_WRITE);
	uint16_t avail_idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
	if ((uint16_t)(avail_idx - b->last_avail) > n) {
		/* More than the ring holds: the driver is broken. */
		b->status |= STATUS_NEEDS_RST;
		pr_debug("VM %s: virtio-blk: available index %u jumps past "
			 "%u; device needs a reset",
			 b->vm->name, avail_idx, b->last_avail);
		return;
	}
	uint16_t used_idx = *(uint16_t *)(used + 2);
	bool any = false;
	while (b->last_avail != avail_idx) {
		uint16_t head = avail[2 + b->last_avail % n];
		uint32_t len = vblk_request(b, tbl, head);
		uint32_t *elem = (uint32_t *)(used + 4 + 8 * (used_idx % n));
		elem[0] = head;
		elem[1] = len;
		b->last_avail++;
		used_idx++;
		any = true;
	}
	if (!any)
		return;
	__atomic_store_n((uint16_t *)(used + 2), used_idx, __ATOMIC_RELEASE);
	b->int_status |= INT_USED_BUFFER;
	vblk_update_irq(b);
}

static uint64_t vblk_config_read(struct vvirtio_blk *b, uint64_t off,
				 unsigned width)
{
	uint8_t cfg[24] = { 0 };
	uint32_t seg_max = SEG_MAX, blk_size = SECTOR;
	uint64_t v = 0;

	memcpy(cfg, &b->sectors, 8); /* capacity */
	memcpy(cfg + 12, &seg_max, 4);
	memcpy(cfg + 20, &blk_size, 4);
	if (off < sizeof(cfg) && width <= sizeof(cfg) - off)
		memcpy(&v, cfg + off, width);
	return v;
}

static bool vblk_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vvirtio_blk *b = ctx;
	uint32_t v = 0;

	if (off >= R_CONFIG) {
		*val = vblk_config_read(b, off - R_CONFIG, width);
		return true;
	}
	if (width != 4 || (off & 3))
		return false;
	spin_lock(&b->lock);
	switch (off) {
	case R_MAGIC:
		v = MAGIC_VIRT;
		break;
	case R_VERSION:
		v = 2;
		break;
	case R_DEVICE_ID:
		v = 2; /* block */
		break;
	case R_VENDOR_ID:
		v = VENDOR_CVISOR;
		break;
	case R_DEV_FEATURES:
		v = b->dev_features_sel < 2 ?
			    (uint32_t)(DEV_FEATURES >>
				       (32 * b->dev_features_sel)) :
			    0;
		break;
	case R_QUEUE_NUM_MAX:
		v = b->queue_sel == 0 ? QUEUE_MAX : 0;
		break;
	case R_QUEUE_READY:
		v = b->queue_sel == 0 ? b->queue_ready : 0;
		break;
	case R_INT_STATUS:
		v = b->int_status;
		break;
	case R_STATUS:
		v = b->status;
		break;
	case R_CONFIG_GEN:
		v = 0; /* the config never changes */
		break;
	default:
		v = 0; /* write-only and reserved registers */
		break;
	}
	spin_unlock(&b->lock);
	*val = v;
	return true;
}

static void vblk_reset_locked(struct vvirtio_blk *b)
{
	b->status = b->int_status = 0;
	b->dev_features_sel = b->drv_features_sel = b->queue_sel = 0;
	b->drv_features = 0;
	vblk_queue_reset(b);
	vblk_update_irq(b);
}

/* The queue's address registers: written only while it is not ready. */
static void vblk_set_addr(struct vvirtio_blk *b, uint64_t *addr, bool high,
			  uint32_t v)
{
	if (b->queue_sel || b->queue_ready)
		return;
	*addr = high ? (*addr & 0xffffffffull) | (uint64_t)v << 32 :
		       (*addr & ~0xffffffffull) | v;
}

static bool vblk_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vvirtio_blk *b = ctx;
	uint32_t v = (uint32_t)val;

	if (off >= R_CONFIG)
		return true; /* the block config is read-only */
	if (width != 4 || (off & 3))
		return false;
	spin_lock(&b->lock);
	switch (off) {
	case R_DEV_FEATURES_SEL:
		b->dev_features_sel = v;
		break;
	case R_DRV_FEATURES:
		if (b->drv_features_sel < 2)
			b->drv_features =
				(b->drv_features &
				 ~(0xffffffffull
				   << (32 * b->drv_features_sel))) |
				((uint64_t)v << (32 * b->drv_features_sel));
		break;
	case R_DRV_FEATURES_SEL:
		b->drv_features_sel = v;
		break;
	case R_QUEUE_SEL:
		b->queue_sel = v;
		break;
	case R_QUEUE_NUM:
		if (!b->queue_sel && !b->queue_ready)
			b->queue_num = v;
		break;
	case R_QUEUE_READY:
		if (b->queue_sel)
			break;
		if (!(v & 1)) {
			b->queue_ready = 0;
		} else if (vblk_rings_ok(b)) {
			b->queue_ready = 1;
		} else {
			b->status |= STATUS_NEEDS_RST;
			pr_debug("VM %s: virtio-blk: queue of %u at %#llx/"
				 "%#llx/%#llx is not in its RAM; device "
				 "needs a reset",
				 b->vm->name, b->queue_num,
				 (unsigned long long)b->desc,
				 (unsigned long long)b->driver,
				 (unsigned long long)b->device);
		}
		break;
	case R_QUEUE_NOTIFY:
		if (v == 0)
			vblk_notify(b);
		break;
	case R_INT_ACK:
		b->int_status &= ~v;
		vblk_update_irq(b);
		break;
	case R_STATUS:
		if (v == 0)
			vblk_reset_locked(b);
		else
			b->status = v | (b->status & STATUS_NEEDS_RST);
		break;
	case R_QUEUE_DESC:
	case R_QUEUE_DESC + 4:
		vblk_set_addr(b, &b->desc, off & 4, v);
		break;
	case R_QUEUE_DRIVER:
	case R_QUEUE_DRIVER + 4:
		vblk_set_addr(b, &b->driver, off & 4, v);
		break;
	case R_QUEUE_DEVICE:
	case R_QUEUE_DEVICE + 4:
		vblk_set_addr(b, &b->device, off & 4, v);
		break;
	default:
		break; /* read-only and reserved: ignored */
	}
	spin_unlock(&b->lock);
	return true;
}

static void vblk_reset(void *ctx)
{
	struct vvirtio_blk *b = ctx;

	spin_lock(&b->lock);
	vblk_reset_locked(b);
	spin_unlock(&b->lock);
}

static void vblk_destroy(void *ctx)
{
	kfree(ctx);
}

int vvirtio_blk_create(struct vm *vm, gpaddr_t base, unsigned irq,
		       const char *path)
{
	struct vvirtio_blk *b = kzalloc(sizeof(*b));

	if (!b)
		return -1;
	b->vm = vm;
	b->irq = irq;
	b->lock = (spinlock_t)SPINLOCK_INIT;
	if (image_file_open(vm, "kernel.disk_path", path, &b->disk)) {
		kfree(b);
		return -1;
	}
	b->sectors = b->disk.size / SECTOR;
	if (b->disk.size % SECTOR)
		pr_warn("VM %s: disk %s: %llu bytes, not whole 512-byte "
			"sectors; the last %llu are not seen",
			vm->name, path, (unsigned long long)b->disk.size,
			(unsigned long long)(b->disk.size % SECTOR));
	struct io_device d = { .name = "virtio-blk",
			       .base = base,
			       .size = VIRTIO_MMIO_SIZE,
			       .ctx = b,
			       .read = vblk_read,
			       .write = vblk_write,
			       .reset = vblk_reset,
			       .destroy = vblk_destroy };
	if (!io_register(&vm->mmio, &d)) {
		kfree(b);
		return -1;
	}
	pr_info("VM %s: disk %s (%llu sectors, read-only) as virtio-blk at "
		"%#llx",
		vm->name, path, (unsigned long long)b->sectors,
		(unsigned long long)base);
	return 0;
}

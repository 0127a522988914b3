/* The virtio-pci transport, modern interface (virtio 1.0): a virtio
 * device on the host's PCI bus 0 (QEMU q35's virtio-blk-pci, transitional
 * or modern-only), its registers found through its vendor capabilities
 * (common config, notify, ISR, device config) in memory BARs that the
 * firmware assigned. Config space through hal_pci_read32/write32. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include "virtio.h"

#define PCI_VENDOR_VIRTIO   0x1af4u
#define PCI_DEV_BLK_TRANS   0x1001u /* transitional virtio-blk */
#define PCI_DEV_MODERN_BASE 0x1040u /* + the virtio device id */
#define PCI_COMMAND         0x04
#define PCI_CMD_MEMORY      (1u << 1)
#define PCI_CMD_MASTER      (1u << 2)
#define PCI_STATUS_CAPS     (1u << 20) /* in the dword at 0x04 */
#define PCI_BAR0            0x10
#define PCI_CAP_PTR         0x34
#define PCI_CAP_VENDOR      0x09

/* virtio_pci_cap.cfg_type */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR    3
#define CAP_DEVICE 4

/* The common configuration structure */
#define CC_DFSELECT    0x00
#define CC_DF          0x04
#define CC_GFSELECT    0x08
#define CC_GF          0x0c
#define CC_STATUS      0x14
#define CC_CFGGEN      0x15
#define CC_Q_SELECT    0x16
#define CC_Q_SIZE      0x18
#define CC_Q_ENABLE    0x1c
#define CC_Q_NOTIFYOFF 0x1e
#define CC_Q_DESC      0x20
#define CC_Q_AVAIL     0x28
#define CC_Q_USED      0x30

struct vpci {
	volatile uint8_t *common, *notify, *isr, *device;
	uint32_t notify_mult;
	volatile uint8_t *queue_notify; /* queue 0's, once set up */
};

static uint8_t cfg8(unsigned bus, unsigned dev, unsigned off)
{
	return (uint8_t)(hal_pci_read32(bus, dev, 0, off & ~3u) >>
			 8 * (off & 3));
}

static uint32_t cfg32(unsigned bus, unsigned dev, unsigned off)
{
	return hal_pci_read32(bus, dev, 0, off);
}

static void wr64(volatile uint8_t *at, uint64_t value)
{
	hal_mmio_write32(at, (uint32_t)value);
	hal_mmio_write32(at + 4, (uint32_t)(value >> 32));
}

static uint8_t pci_get_status(void *ctx)
{
	struct vpci *v = ctx;

	return hal_mmio_read8(v->common + CC_STATUS);
}

static void pci_set_status(void *ctx, uint8_t status)
{
	struct vpci *v = ctx;

	hal_mmio_write8(v->common + CC_STATUS, status);
}

static uint32_t pci_device_features(void *ctx, unsigned sel)
{
	struct vpci *v = ctx;

	hal_mmio_write32(v->common + CC_DFSELECT, sel);
	return hal_mmio_read32(v->common + CC_DF);
}

static void pci_driver_features(void *ctx, unsigned sel, uint32_t bits)
{
	struct vpci *v = ctx;

	hal_mmio_write32(v->common + CC_GFSELECT, sel);
	hal_mmio_write32(v->common + CC_GF, bits);
}

static int pci_queue_setup(void *ctx, unsigned size, paddr_t desc,
			   paddr_t avail, paddr_t used)
{
	struct vpci *v = ctx;

	hal_mmio_write16(v->common + CC_Q_SELECT, 0);
	if (hal_mmio_read16(v->common + CC_Q_SIZE) < size)
		return -1;
	hal_mmio_write16(v->common + CC_Q_SIZE, (uint16_t)size);
	wr64(v->common + CC_Q_DESC, desc);
	wr64(v->common + CC_Q_AVAIL, avail);
	wr64(v->common + CC_Q_USED, used);
	v->queue_notify = v->notify + (uint32_t)hal_mmio_read16(
					      v->common + CC_Q_NOTIFYOFF) *
					      v->notify_mult;
	hal_mmio_write16(v->common + CC_Q_ENABLE, 1);
	return 0;
}

static void pci_notify(void *ctx)
{
	struct vpci *v = ctx;

	hal_mmio_write16(v->queue_notify, 0);
}

static void pci_ack_irq(void *ctx)
{
	struct vpci *v = ctx;

	(void)hal_mmio_read8(v->isr); /* reading clears it */
}

static uint64_t pci_config_read64(void *ctx, unsigned off)
{
	struct vpci *v = ctx;
	uint8_t gen;
	uint32_t lo, hi;

	do {
		gen = hal_mmio_read8(v->common + CC_CFGGEN);
		lo = hal_mmio_read32(v->device + off);
		hi = hal_mmio_read32(v->device + off + 4);
	} while (gen != hal_mmio_read8(v->common + CC_CFGGEN));
	return (uint64_t)hi << 32 | lo;
}

static void pci_release(void *ctx)
{
	kfree(ctx);
}

/* The address of memory BAR 'bar' of bus:dev, 0 when it is not one or
 * not assigned. */
static paddr_t bar_address(unsigned bus, unsigned dev, unsigned bar)
{
	if (bar > 5)
		return 0;
	uint32_t lo = cfg32(bus, dev, PCI_BAR0 + 4 * bar);
	if (lo & 1)
		return 0; /* I/O space */
	paddr_t a = lo & ~0xfu;
	if ((lo >> 1 & 3) == 2 && bar < 5)
		a |= (paddr_t)cfg32(bus, dev, PCI_BAR0 + 4 * bar + 4) << 32;
	return a;
}

/* Walks the capabilities for the four structures the driver needs; the
 * first of each type counts (the spec's order of preference). */
static bool find_caps(unsigned bus, unsigned dev, struct vpci *v,
		      paddr_t *common_pa)
{
	unsigned guard = 48; /* a looping list ends */

	if (!(cfg32(bus, dev, PCI_COMMAND) & PCI_STATUS_CAPS))
		return false;
	for (unsigned at = cfg8(bus, dev, PCI_CAP_PTR) & ~3u; at && guard--;
	     at = cfg8(bus, dev, at + 1) & ~3u) {
		if (cfg8(bus, dev, at) != PCI_CAP_VENDOR)
			continue;
		unsigned type = cfg8(bus, dev, at + 3);
		paddr_t bar = bar_address(bus, dev, cfg8(bus, dev, at + 4));
		paddr_t pa = bar + cfg32(bus, dev, at + 8);
		if (!bar || type < CAP_COMMON || type > CAP_DEVICE)
			continue;
		volatile uint8_t **slot = type == CAP_COMMON ? &v->common :
					  type == CAP_NOTIFY ? &v->notify :
					  type == CAP_ISR    ? &v->isr :
							       &v->device;
		if (*slot)
			continue;
		*slot = pa_to_ptr(pa);
		if (type == CAP_COMMON)
			*common_pa = pa;
		if (type == CAP_NOTIFY)
			v->notify_mult = cfg32(bus, dev, at + 16);
	}
	return v->common && v->notify && v->isr && v->device;
}

static struct blockdev *pci_blk_init(unsigned bus, unsigned dev,
				     const char *name)
{
	struct vpci *v = kzalloc(sizeof(*v));
	paddr_t common_pa = 0;

	if (!v) {
		pr_error("virtio-blk at PCI %02x:%02x: out of memory", bus,
			 dev);
		return NULL;
	}
	if (!find_caps(bus, dev, v, &common_pa)) {
		pr_error("virtio-blk at PCI %02x:%02x: no modern (virtio 1.0) "
			 "interface: its capabilities or BARs are missing",
			 bus, dev);
		kfree(v);
		return NULL;
	}
	/* A VM given this device keeps it. */
	if (hostres_claim(common_pa, 0x38, HOSTRES_CVISOR, "cvisor's disk",
			  NULL)) {
		kfree(v);
		return NULL;
	}
	hal_pci_write32(bus, dev, 0, PCI_COMMAND,
			(cfg32(bus, dev, PCI_COMMAND) & 0xffff) |
				PCI_CMD_MEMORY | PCI_CMD_MASTER);
	struct virtio_transport t = {
		.kind = "virtio-pci",
		.where = common_pa,
		.ctx = v,
		.get_status = pci_get_status,
		.set_status = pci_set_status,
		.device_features = pci_device_features,
		.driver_features = pci_driver_features,
		.queue_setup = pci_queue_setup,
		.notify = pci_notify,
		.ack_irq = pci_ack_irq,
		.config_read64 = pci_config_read64,
		.release = pci_release,
	};
	return virtio_blk_init(&t, name);
}

struct blockdev *virtio_pci_blk_probe(const char *name)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = cfg32(0, dev, 0);
		unsigned vendor = id & 0xffff, device = id >> 16;
		if (vendor != PCI_VENDOR_VIRTIO ||
		    (device != PCI_DEV_BLK_TRANS &&
		     device != PCI_DEV_MODERN_BASE + VIRTIO_ID_BLOCK))
			continue;
		return pci_blk_init(0, dev, name);
	}
	return NULL;
}

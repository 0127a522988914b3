/* The virtio-mmio transport, version 2 ("modern") and version 1
 * (legacy, what QEMU's virt machine offers unless told
 * -global virtio-mmio.force-legacy=false), its devices found through the
 * host DTB's "virtio,mmio" nodes. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <lib/fdt.h>
#include "virtio.h"

#define VMMIO_MAGIC           0x000
#define VMMIO_VERSION         0x004
#define VMMIO_DEVICE_ID       0x008
#define VMMIO_DEVICE_FEATURES 0x010
#define VMMIO_DEVICE_FEAT_SEL 0x014
#define VMMIO_DRIVER_FEATURES 0x020
#define VMMIO_DRIVER_FEAT_SEL 0x024
#define VMMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VMMIO_QUEUE_SEL       0x030
#define VMMIO_QUEUE_NUM_MAX   0x034
#define VMMIO_QUEUE_NUM       0x038
#define VMMIO_QUEUE_ALIGN     0x03c /* legacy */
#define VMMIO_QUEUE_PFN       0x040 /* legacy */
#define VMMIO_QUEUE_READY     0x044
#define VMMIO_QUEUE_NOTIFY    0x050
#define VMMIO_INT_STATUS      0x060
#define VMMIO_INT_ACK         0x064
#define VMMIO_STATUS          0x070
#define VMMIO_QUEUE_DESC      0x080 /* low, high at +4 */
#define VMMIO_QUEUE_DRIVER    0x090
#define VMMIO_QUEUE_DEVICE    0x0a0
#define VMMIO_CONFIG_GEN      0x0fc
#define VMMIO_CONFIG          0x100
#define VMMIO_REGS_SIZE       0x200 /* registers and the block config */

#define VMMIO_MAGIC_VALUE 0x74726976u /* "virt" */

/* ctx is the registers' base; legacy or not is read from VERSION. */
static uint32_t rd(void *ctx, unsigned reg)
{
	return hal_mmio_read32((volatile uint8_t *)ctx + reg);
}

static void wr(void *ctx, unsigned reg, uint32_t value)
{
	hal_mmio_write32((volatile uint8_t *)ctx + reg, value);
}

static void wr64(void *ctx, unsigned reg, uint64_t value)
{
	wr(ctx, reg, (uint32_t)value);
	wr(ctx, reg + 4, (uint32_t)(value >> 32));
}

static bool is_legacy(void *ctx)
{
	return rd(ctx, VMMIO_VERSION) == 1;
}

static uint8_t mmio_get_status(void *ctx)
{
	return (uint8_t)rd(ctx, VMMIO_STATUS);
}

static void mmio_set_status(void *ctx, uint8_t status)
{
	wr(ctx, VMMIO_STATUS, status);
}

static uint32_t mmio_device_features(void *ctx, unsigned sel)
{
	wr(ctx, VMMIO_DEVICE_FEAT_SEL, sel);
	return rd(ctx, VMMIO_DEVICE_FEATURES);
}

static void mmio_driver_features(void *ctx, unsigned sel, uint32_t bits)
{
	wr(ctx, VMMIO_DRIVER_FEAT_SEL, sel);
	wr(ctx, VMMIO_DRIVER_FEATURES, bits);
}

static int mmio_queue_setup(void *ctx, unsigned size, paddr_t desc,
			    paddr_t avail, paddr_t used)
{
	wr(ctx, VMMIO_QUEUE_SEL, 0);
	if (rd(ctx, VMMIO_QUEUE_NUM_MAX) < size)
		return -1;
	wr(ctx, VMMIO_QUEUE_NUM, size);
	if (is_legacy(ctx)) {
		wr(ctx, VMMIO_GUEST_PAGE_SIZE, PAGE_SIZE);
		wr(ctx, VMMIO_QUEUE_ALIGN, PAGE_SIZE);
		wr(ctx, VMMIO_QUEUE_PFN, (uint32_t)(desc >> PAGE_SHIFT));
		return 0;
	}
	wr64(ctx, VMMIO_QUEUE_DESC, desc);
	wr64(ctx, VMMIO_QUEUE_DRIVER, avail);
	wr64(ctx, VMMIO_QUEUE_DEVICE, used);
	wr(ctx, VMMIO_QUEUE_READY, 1);
	return 0;
}

static void mmio_notify(void *ctx)
{
	wr(ctx, VMMIO_QUEUE_NOTIFY, 0);
}

static void mmio_ack_irq(void *ctx)
{
	wr(ctx, VMMIO_INT_ACK, rd(ctx, VMMIO_INT_STATUS));
}

/* Read until the config generation is stable (version 2). */
static uint64_t mmio_config_read64(void *ctx, unsigned off)
{
	bool legacy = is_legacy(ctx);
	uint32_t gen, lo, hi;

	do {
		gen = legacy ? 0 : rd(ctx, VMMIO_CONFIG_GEN);
		lo = rd(ctx, VMMIO_CONFIG + off);
		hi = rd(ctx, VMMIO_CONFIG + off + 4);
	} while (!legacy && gen != rd(ctx, VMMIO_CONFIG_GEN));
	return (uint64_t)hi << 32 | lo;
}

struct blockdev *virtio_mmio_blk_probe(const char *name)
{
	const void *blob = hal_host_dtb();
	struct fdt f;
	struct fdt_prop p;
	uint64_t base;
	int depth = 0;

	if (!blob || fdt_open(&f, blob, 1 << 20) != FDT_OK)
		return NULL;
	/* One walk from the root (fdt_find_compatible() does not go on
	 * past the subtree of the node it is given). */
	for (int node = fdt_next_node(&f, 0, &depth); node >= 0;
	     node = fdt_next_node(&f, node, &depth)) {
		if (fdt_get_prop(&f, node, "compatible", &p) != FDT_OK ||
		    !fdt_prop_has_string(&p, "virtio,mmio") ||
		    fdt_get_prop(&f, node, "reg", &p) != FDT_OK ||
		    !fdt_prop_cells(&p, 0, 2, &base))
			continue;
		void *regs = pa_to_ptr(base);
		uint32_t version = rd(regs, VMMIO_VERSION);
		if (rd(regs, VMMIO_MAGIC) != VMMIO_MAGIC_VALUE ||
		    rd(regs, VMMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		if (version != 1 && version != 2) {
			pr_warn("virtio-blk at %#llx: virtio-mmio version %u is "
				"not supported",
				(unsigned long long)base, version);
			continue;
		}
		/* A VM given this device keeps it. */
		if (hostres_claim(base, VMMIO_REGS_SIZE, HOSTRES_CVISOR,
				  "cvisor's disk", NULL))
			continue;
		struct virtio_transport t = {
			.kind = version == 1 ? "virtio-mmio v1" :
					       "virtio-mmio v2",
			.where = base,
			.legacy = version == 1,
			.ctx = regs,
			.get_status = mmio_get_status,
			.set_status = mmio_set_status,
			.device_features = mmio_device_features,
			.driver_features = mmio_driver_features,
			.queue_setup = mmio_queue_setup,
			.notify = mmio_notify,
			.ack_irq = mmio_ack_irq,
			.config_read64 = mmio_config_read64,
		};
		return virtio_blk_init(&t, name);
	}
	return NULL;
}

/* Unit tests of vmm/ptdev_dma.c: which host ranges hold a device that can
 * do DMA, on a host tree written here after QEMU's virt machine (fw-cfg,
 * virtio-mmio, the GIC ITS under the GIC, a PCIe host bridge and its
 * windows), with a translating bus and one whose children are not
 * memory-mapped. */
#include <stdint.h>
#include <string.h>

#include <lib/fdt.h>
#include <lib/fdt_write.h>
#include <vmm/ptdev.h>
#include "unit.h"

static uint8_t blob[8192];
static struct fdt host;

#define STRLIST(s) s, sizeof(s)

static void node_reg(struct fdtw *w, const char *name, uint64_t base,
		     uint64_t size, const char *compat, const char *dma_prop)
{
	uint64_t reg[2] = { base, size };

	fdtw_begin_node_at(w, name, base);
	fdtw_prop_string(w, "compatible", compat);
	fdtw_prop_reg64(w, "reg", reg, 1);
	if (dma_prop)
		fdtw_prop_empty(w, dma_prop);
	fdtw_end_node(w);
}

static void write_pcie(struct fdtw *w)
{
	static const uint32_t ranges[] = {
		0x1000000, 0, 0,          0, 0x3eff0000, 0, 0x10000,
		0x2000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000,
	};
	uint64_t ecam[2] = { 0x4010000000, 0x10000000 };

	fdtw_begin_node_at(w, "pcie", 0x10000000);
	fdtw_prop_string(w, "compatible", "pci-host-ecam-generic");
	fdtw_prop_string(w, "device_type", "pci");
	fdtw_prop_u32(w, "#address-cells", 3);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_reg64(w, "reg", ecam, 1);
	fdtw_prop_cells(w, "ranges", ranges, 14);
	fdtw_end_node(w);
}

static void write_gic(struct fdtw *w)
{
	uint64_t reg[4] = { 0x8000000, 0x10000, 0x80a0000, 0xf60000 };

	fdtw_begin_node_at(w, "intc", 0x8000000);
	fdtw_prop_string(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_empty(w, "ranges");
	fdtw_prop_reg64(w, "reg", reg, 2);
	node_reg(w, "its", 0x8080000, 0x20000, "arm,gic-v3-its", NULL);
	fdtw_end_node(w);
}

/* bus@c000000 maps its children's 0.. to 0xc000000; i2c@9050000 has no
 * "ranges": what sits on it is not memory-mapped. */
static void write_buses(struct fdtw *w)
{
	static const uint32_t ranges[] = { 0, 0, 0xc000000, 0x2000000 };
	static const uint32_t dma_reg[] = { 0x1000, 0x1000 };
	static const uint32_t quiet_reg[] = { 0x2000, 0x1000 };
	static const uint32_t i2c_reg[] = { 0x9030000, 0x1000 };

	fdtw_begin_node_at(w, "bus", 0xc000000);
	fdtw_prop_string(w, "compatible", "simple-bus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 1);
	fdtw_prop_cells(w, "ranges", ranges, 4);
	fdtw_begin_node_at(w, "dma", 0x1000);
	fdtw_prop_cells(w, "reg", dma_reg, 2);
	fdtw_prop_u32(w, "#dma-cells", 1);
	fdtw_end_node(w);
	fdtw_begin_node_at(w, "quiet", 0x2000);
	fdtw_prop_cells(w, "reg", quiet_reg, 2);
	fdtw_end_node(w);
	fdtw_end_node(w);
	fdtw_begin_node_at(w, "i2c", 0x9050000);
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 1);
	fdtw_begin_node_at(w, "odd", 0x9030000);
	fdtw_prop_cells(w, "reg", i2c_reg, 2);
	fdtw_prop_empty(w, "dma-coherent");
	fdtw_end_node(w);
	fdtw_end_node(w);
}

static void write_host(void)
{
	struct fdtw w;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node_at(&w, "pl031", 0x9010000);
	fdtw_prop(&w, "compatible", STRLIST("arm,pl031\0arm,primecell"));
	uint64_t reg[2] = { 0x9010000, 0x1000 };
	fdtw_prop_reg64(&w, "reg", reg, 1);
	fdtw_end_node(&w);
	node_reg(&w, "fw-cfg", 0x9020000, 0x18, "qemu,fw-cfg-mmio",
		 "dma-coherent");
	node_reg(&w, "virtio_mmio", 0xa000000, 0x200, "virtio,mmio", NULL);
	node_reg(&w, "eth", 0xb000000, 0x1000, "vendor,eth", "iommus");
	write_gic(&w);
	write_pcie(&w);
	write_buses(&w);
	fdtw_end_node(&w);
	int size = fdtw_finish(&w);
	CHECK(size > 0);
	CHECK_EQ_INT(fdt_open(&host, blob, sizeof(blob)), FDT_OK);
}

/* [hpa, hpa+size) must hold the DMA device 'path' (why, its range), or
 * none when path is NULL. */
static void expect_dma(uint64_t hpa, uint64_t size, const char *path,
		       const char *why, uint64_t base, uint64_t len,
		       bool window)
{
	struct ptdev_dma d;
	bool hit = ptdev_dma_find(&host, hpa, size, &d);

	if (hit != (path != NULL))
		printf("  %#llx+%#llx: %s\n", (unsigned long long)hpa,
		       (unsigned long long)size,
		       hit ? d.path : "no DMA device");
	CHECK(hit == (path != NULL));
	if (!hit || !path)
		return;
	CHECK_EQ_STR(d.path, path);
	CHECK_EQ_STR(d.why, why);
	CHECK_EQ_INT(d.base, base);
	CHECK_EQ_INT(d.size, len);
	CHECK_EQ_INT(d.window, window);
}

UNIT_TEST(ptdev_dma_by_compatible_and_property)
{
	write_host();
	expect_dma(0x9010000, 0x1000, NULL, NULL, 0, 0, false);
	expect_dma(0x9020000, 0x1000, "/fw-cfg@9020000", "qemu,fw-cfg-mmio",
		   0x9020000, 0x18, false);
	expect_dma(0xa000000, 0x1000, "/virtio_mmio@a000000", "virtio,mmio",
		   0xa000000, 0x200, false);
	expect_dma(0xb000000, 0x1000, "/eth@b000000", "iommus", 0xb000000,
		   0x1000, false);
	/* A range over several devices: the first DMA one in the tree. */
	expect_dma(0x9000000, 0x2000000, "/fw-cfg@9020000", "qemu,fw-cfg-mmio",
		   0x9020000, 0x18, false);
	/* Touching is not overlapping. */
	expect_dma(0x9021000, 0x1000, NULL, NULL, 0, 0, false);
}

UNIT_TEST(ptdev_dma_its_under_the_gic)
{
	write_host();
	expect_dma(0x8080000, 0x1000, "/intc@8000000/its@8080000",
		   "arm,gic-v3-its", 0x8080000, 0x20000, false);
	expect_dma(0x8070000, 0x11000, "/intc@8000000/its@8080000",
		   "arm,gic-v3-its", 0x8080000, 0x20000, false);
	/* The GIC's own frames are not DMA (cvisor keeps them anyway). */
	expect_dma(0x8000000, 0x10000, NULL, NULL, 0, 0, false);
}

UNIT_TEST(ptdev_dma_pci_host_and_windows)
{
	write_host();
	expect_dma(0x4010000000, 0x1000, "/pcie@10000000",
		   "pci-host-ecam-generic", 0x4010000000, 0x10000000, false);
	/* Device BARs in the MMIO window and the I/O window. */
	expect_dma(0x20000000, 0x1000, "/pcie@10000000",
		   "pci-host-ecam-generic", 0x10000000, 0x2eff0000, true);
	expect_dma(0x3eff0000, 0x1000, "/pcie@10000000",
		   "pci-host-ecam-generic", 0x3eff0000, 0x10000, true);
}

UNIT_TEST(ptdev_dma_through_buses)
{
	write_host();
	expect_dma(0xc001000, 0x1000, "/bus@c000000/dma@1000", "#dma-cells",
		   0xc001000, 0x1000, false);
	expect_dma(0xc002000, 0x1000, NULL, NULL, 0, 0, false);
	/* i2c@9050000 has no "ranges": its 0x9030000 is no host address. */
	expect_dma(0x9030000, 0x1000, NULL, NULL, 0, 0, false);
}

UNIT_TEST(ptdev_dma_edges)
{
	struct ptdev_dma d;

	write_host();
	CHECK(!ptdev_dma_find(NULL, 0x9020000, 0x1000, &d));
	CHECK(!ptdev_dma_find(&host, 0x9020000, 0, &d));
	expect_dma(0xfffffffffffff000ull, 0x1000, NULL, NULL, 0, 0, false);
	expect_dma(0, 0xffffffffffffffffull, "/fw-cfg@9020000",
		   "qemu,fw-cfg-mmio", 0x9020000, 0x18, false);
}

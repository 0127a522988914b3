/* Unit tests of the FDT writer (lib/fdt_write.c), read back with the
 * reader (lib/fdt.c), one test per writer error, and of the guest DTB
 * generator's rules (vmm/guest_dtb.c). */
#include <stdint.h>
#include <string.h>

#include <lib/fdt.h>
#include <lib/fdt_write.h>
#include <vmm/guest_dtb.h>
#include "unit.h"

static uint8_t buf[16384];

UNIT_TEST(fdtw_round_trip)
{
	struct fdtw w;
	struct fdt f;
	struct fdt_prop p;
	uint64_t v;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_begin_node_at(&w, "memory", 0x40000000);
	fdtw_prop_string(&w, "device_type", "memory");
	uint64_t reg[2] = { 0x40000000, 0x1000000 };
	fdtw_prop_reg64(&w, "reg", reg, 1);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	fdtw_prop_u64(&w, "linux,initrd-start", 0x123456789ull);
	fdtw_prop_empty(&w, "flag");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	int size = fdtw_finish(&w);
	CHECK(size > 0);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	int mem = fdt_path_offset(&f, "/memory");
	CHECK(mem > 0);
	CHECK_EQ_STR(fdt_node_name(&f, mem), "memory@40000000");
	CHECK_EQ_INT(fdt_get_prop(&f, mem, "reg", &p), FDT_OK);
	CHECK(fdt_prop_cells(&p, 2, 2, &v) && v == 0x1000000);
	int chosen = fdt_path_offset(&f, "/chosen");
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "linux,initrd-start", &p),
		     FDT_OK);
	CHECK(fdt_prop_cells(&p, 0, 2, &v) && v == 0x123456789ull);
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "flag", &p), FDT_OK);
	CHECK_EQ_INT(p.len, 0);
	/* Property names are stored once. */
	CHECK_EQ_INT(w.strings_len,
		     sizeof("#address-cells") + sizeof("device_type") +
			     sizeof("reg") + sizeof("linux,initrd-start") +
			     sizeof("flag"));
}

UNIT_TEST(fdtw_props_in_order)
{
	struct fdtw w;
	struct fdt f;
	struct fdt_prop p;
	int cur = 0;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "a", 1);
	fdtw_prop_u32(&w, "b", 2);
	fdtw_end_node(&w);
	int size = fdtw_finish(&w);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	CHECK_EQ_INT(fdt_next_prop(&f, 0, &cur, &p), FDT_OK);
	CHECK_EQ_STR(p.name, "a");
	CHECK_EQ_INT(fdt_next_prop(&f, 0, &cur, &p), FDT_OK);
	CHECK_EQ_STR(p.name, "b");
	CHECK_EQ_INT(fdt_next_prop(&f, 0, &cur, &p), FDT_ERR_NOTFOUND);
}

UNIT_TEST(fdtw_err_nospace)
{
	struct fdtw w;

	fdtw_init(&w, buf, 80);
	fdtw_begin_node(&w, "");
	fdtw_prop_string(&w, "model", "a model name longer than the buffer");
	fdtw_end_node(&w);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NOSPACE);
	fdtw_init(&w, buf, 10);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NOSPACE);
}

UNIT_TEST(fdtw_err_nesting)
{
	struct fdtw w;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "open");
	fdtw_end_node(&w);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NESTING); /* root left open */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_end_node(&w);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NESTING);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	fdtw_begin_node(&w, ""); /* a second root */
	fdtw_end_node(&w);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NESTING);
	fdtw_init(&w, buf, sizeof(buf));
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NESTING); /* no root */
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_prop_u32(&w, "outside", 1); /* property, no node */
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NESTING);
}

UNIT_TEST(fdtw_err_name)
{
	struct fdtw w;
	char longname[200];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "named-root");
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NAME);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "");
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NAME);
	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, longname, 1);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_NAME);
	CHECK(strstr(fdtw_strerror(FDTW_ERR_NAME), "name"));
}

UNIT_TEST(fdtw_err_strings)
{
	struct fdtw w;
	char name[40];

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "a-rather-long-property-name-%d",
			 i);
		fdtw_prop_empty(&w, name);
	}
	fdtw_end_node(&w);
	CHECK_EQ_INT(fdtw_finish(&w), FDTW_ERR_STRINGS);
}

/* ---- guest DTB rules */

static struct vm_config gcfg;

static int build(const void *base, size_t base_size, uint64_t initrd_end)
{
	struct guest_dtb_input in = {
		.cfg = &gcfg,
		.plat = &guest_dtb_aarch64,
		.irqchip_version = 3,
		.initrd_start = 0x48000000,
		.initrd_end = initrd_end,
		.base = base,
		.base_size = base_size,
	};

	for (unsigned i = 0; i < gcfg.cpu_num; i++)
		in.cpu_hwid[i] = i == 1 ? 0x100000000ull : i;
	return guest_dtb_build(&in, buf, sizeof(buf));
}

static void guest_cfg(void)
{
	memset(&gcfg, 0, sizeof(gcfg));
	gcfg.cpu_num = 1;
	gcfg.region_count = 2;
	gcfg.regions[0] = (struct vmcfg_region){ 0x40000000, 0x10000000, 7, 0 };
	gcfg.regions[1] = (struct vmcfg_region){
		0x0a000000, 0x1000,
		VMCFG_MEM_READ | VMCFG_MEM_WRITE | VMCFG_MEM_DEVICE, 2
	};
}

UNIT_TEST(guest_dtb_memory_skips_device_regions)
{
	struct fdt f;

	guest_cfg();
	int size = build(NULL, 0, 0);
	CHECK(size > 0);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	CHECK(fdt_path_offset(&f, "/memory@40000000") > 0);
	CHECK_EQ_INT(fdt_path_offset(&f, "/memory@a000000"), FDT_ERR_NOTFOUND);
}

UNIT_TEST(guest_dtb_chosen_from_config)
{
	struct fdt f;
	struct fdt_prop p;
	uint64_t v;

	guest_cfg();
	strcpy(gcfg.cmdline, "console=ttyAMA0");
	int size = build(NULL, 0, 0x48100000);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	int chosen = fdt_path_offset(&f, "/chosen");
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "bootargs", &p), FDT_OK);
	CHECK_EQ_STR((const char *)p.data, "console=ttyAMA0");
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "linux,initrd-end", &p), FDT_OK);
	CHECK(fdt_prop_cells(&p, 0, 2, &v) && v == 0x48100000);
	/* No command line, no initrd: no properties for them. */
	gcfg.cmdline[0] = '\0';
	size = build(NULL, 0, 0);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	chosen = fdt_path_offset(&f, "/chosen");
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "bootargs", &p),
		     FDT_ERR_NOTFOUND);
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "linux,initrd-start", &p),
		     FDT_ERR_NOTFOUND);
	CHECK_EQ_INT(fdt_get_prop(&f, chosen, "stdout-path", &p), FDT_OK);
}

UNIT_TEST(guest_dtb_cpu_ids_over_32_bits)
{
	struct fdt f;
	struct fdt_prop p;
	uint64_t v;

	guest_cfg();
	gcfg.cpu_num = 2;
	int size = build(NULL, 0, 0);
	CHECK_EQ_INT(fdt_open(&f, buf, (size_t)size), FDT_OK);
	int cpus = fdt_path_offset(&f, "/cpus");
	CHECK_EQ_INT(fdt_get_prop(&f, cpus, "#address-cells", &p), FDT_OK);
	CHECK(fdt_prop_cells(&p, 0, 1, &v) && v == 2);
	int cpu = fdt_path_offset(&f, "/cpus/cpu@100000000");
	CHECK(cpu > 0);
	CHECK_EQ_INT(fdt_get_prop(&f, cpu, "reg", &p), FDT_OK);
	CHECK(p.len == 8 && fdt_prop_cells(&p, 0, 2, &v) &&
	      v == 0x100000000ull);
}

/* A base tree with one-cell addresses cannot take the /memory nodes. */
UNIT_TEST(guest_dtb_rewrite_errors)
{
	static uint8_t base[1024];
	struct fdtw w;

	guest_cfg();
	fdtw_init(&w, base, sizeof(base));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 1);
	fdtw_end_node(&w);
	int n = fdtw_finish(&w);
	CHECK(n > 0);
	int err = build(base, (size_t)n, 0);
	CHECK(err < 0);
	CHECK(strstr(guest_dtb_strerror(err), "#address-cells"));
	CHECK_EQ_INT(build("not a device tree, just text........................",
			   52, 0),
		     FDT_ERR_BADMAGIC);
	CHECK_EQ_INT(build(base, 20, 0), FDT_ERR_TRUNCATED);
	/* Too small an output buffer is an error, not an overflow. */
	struct guest_dtb_input in = { .cfg = &gcfg,
				      .plat = &guest_dtb_aarch64 };
	CHECK_EQ_INT(guest_dtb_build(&in, buf, 200), FDTW_ERR_NOSPACE);
	CHECK(strstr(guest_dtb_strerror(FDTW_ERR_NOSPACE), "buffer"));
}

/* libFuzzer target: rewriting a user's DTB (dtb_path) into the guest DTB,
 * and writing one whose passthrough devices are described from the host's.
 *
 * The input is both the user's DTB and the host's. Besides "never crash",
 * a tree built must be one the reader accepts from end to end, with the
 * config's /chosen bootargs and one cpu node per vCPU. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/fdt.h>
#include <vmm/guest_dtb.h>

static struct vm_config cfg = {
	.cpu_num = 2,
	.cmdline = "console=ttyAMA0",
	.region_count = 1,
	.regions = { { 0x40000000, 0x1000000, 7, VMCFG_MAP_ALLOC } },
};

/* The same VM with passthrough devices, by range and by host node. */
static struct vm_config pt_cfg = {
	.cpu_num = 2,
	.cmdline = "console=ttyAMA0",
	.region_count = 1,
	.regions = { { 0x40000000, 0x1000000, 7, VMCFG_MAP_ALLOC } },
	.interrupt_mode = VMCFG_IRQ_PASSTHROUGH,
	.pt_device_count = 3,
	.pt_devices = {
		{ .name = "rtc", .base_gpa = 0xc000000, .base_hpa = 0x9010000,
		  .length = 0x1000, .irq = 34 },
		{ .name = "/pl031@9010000", .is_dt_path = true },
		{ .name = "/soc/gpio@9030000", .is_dt_path = true },
	},
};

static void check_output(const uint8_t *out, int size)
{
	struct fdt f;
	struct fdt_prop p;
	int depth = 0, node = 0, cpus = 0;

	if (fdt_open(&f, out, (size_t)size) != FDT_OK)
		abort();
	while ((node = fdt_next_node(&f, node, &depth)) >= 0) {
		const char *name = fdt_node_name(&f, node);
		if (!name)
			abort();
		if (depth == 2 && !strncmp(name, "cpu@", 4))
			cpus++;
	}
	if (node != FDT_ERR_NOTFOUND || cpus < 2)
		abort();
	node = fdt_path_offset(&f, "/chosen");
	if (node < 0 || fdt_get_prop(&f, node, "bootargs", &p) != FDT_OK ||
	    p.len != sizeof("console=ttyAMA0") ||
	    memcmp(p.data, "console=ttyAMA0", p.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[64 * 1024];
	struct guest_dtb_input in = {
		.cfg = &cfg,
		.plat = &guest_dtb_aarch64,
		.irqchip_version = 3,
		.cpu_hwid = { 0, 1 },
		.base = data,
		.base_size = size,
	};

	int n = guest_dtb_build(&in, out, sizeof(out));
	if (n > 0)
		check_output(out, n);
	else if (!guest_dtb_strerror(n)[0])
		abort();

	in.cfg = &pt_cfg;
	in.base = NULL;
	in.host = data;
	in.host_size = size;
	/* The host's nodes may carry names the writer refuses: an error
	 * then, with a message, never a broken tree. */
	n = guest_dtb_build(&in, out, sizeof(out));
	if (n > 0)
		check_output(out, n);
	else if (!n || !guest_dtb_strerror(n)[0])
		abort();
	return 0;
}

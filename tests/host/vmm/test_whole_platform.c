/* A whole-platform VM (passthrough_devices = [["/"]]): the host's devices
 * it may have become its passthrough devices before its DTB is written;
 * what cvisor keeps, what can do DMA, what is excluded and what another
 * VM has are left out, each named on one warning line; the part of a
 * passthrough_addresses range that cvisor keeps is left out too. */
#include <kernel/hostres.h>
#include <lib/fdt_write.h>
#include "sim_test.h"

#define WHOLE_VM_TOML(extra)                                                 \
	"[base]\nid = 1\nname = \"whole\"\nvm_type = 1\n"                    \
	"cpu_num = 1\nphys_cpu_ids = [0]\n"                                  \
	"[kernel]\nentry_point = 0x4008_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"sim.bin\"\nkernel_load_addr = 0x4008_0000\n"        \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n"              \
	"[devices]\ninterrupt_mode = \"passthrough\"\n"                      \
	"passthrough_devices = [[\"/\"]]\n"                                  \
	"excluded_devices = [[\"/pcie@10000000\"]]\n" extra

static uint8_t host_dtb[4096];

/* 119 bytes, with "@9050000" a node name of the most a DTB allows
 * (127): its path, "/" before it, does not fit in 128 bytes with NUL. */
#define LONG_NAME                                                      \
	"a-device-whose-name-with-its-address-takes-the-127-bytes-a-d" \
	"evice-tree-allows-one-byte-more-than-a-path-cvisor-keepsxxx"

static void node(struct fdtw *w, const char *name, uint64_t base,
		 const char *compat, int spi)
{
	uint64_t reg[2] = { base, 0x1000 };

	fdtw_begin_node_at(w, name, base);
	fdtw_prop_string(w, "compatible", compat);
	fdtw_prop_reg64(w, "reg", reg, 1);
	if (spi >= 0) {
		uint32_t irq[3] = { 0, (uint32_t)spi, 4 };
		fdtw_prop_cells(w, "interrupts", irq, 3);
	}
	fdtw_end_node(w);
}

/* QEMU virt's shape: memory and cpus (no devices), cvisor's console
 * UART, an RTC and a virtio-mmio transport, an excluded PCIe bridge with
 * a child, a simple-bus with a GPIO under it, a disabled device. */
static void host_dtb_build(void)
{
	struct fdtw w;
	uint64_t mem[2] = { 0x40000000, 0x4000000 };

	fdtw_init(&w, host_dtb, sizeof(host_dtb));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node_at(&w, "memory", 0x40000000);
	fdtw_prop_string(&w, "device_type", "memory");
	fdtw_prop_reg64(&w, "reg", mem, 1);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "cpus");
	fdtw_end_node(&w);
	/* A path too long to name: skipped with its child, the walk goes on. */
	fdtw_begin_node_at(&w, LONG_NAME, 0x09050000);
	uint64_t bus[2] = { 0x09050000, 0x1000 };
	fdtw_prop_string(&w, "compatible", "simple-bus");
	fdtw_prop_reg64(&w, "reg", bus, 1);
	fdtw_prop_empty(&w, "ranges");
	node(&w, "child", 0x09060000, "x", -1);
	fdtw_end_node(&w);
	node(&w, "pl011", 0x09000000, "arm,pl011", 1);
	node(&w, "pl031", 0x09010000, "arm,pl031", 2);
	node(&w, "sram", 0x40100000, "mmio-sram", -1);
	node(&w, "wdt", 0x09080000, "arm,sbsa-gwdt", -1);
	/* QEMU riscv64 virt's power-off and reset register, as a syscon. */
	fdtw_begin_node_at(&w, "test", 0x00100000);
	uint64_t test_reg[2] = { 0x00100000, 0x1000 };
	fdtw_prop_string(&w, "compatible", "syscon");
	fdtw_prop_reg64(&w, "reg", test_reg, 1);
	fdtw_prop_u32(&w, "phandle", 4);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "reboot");
	fdtw_prop_string(&w, "compatible", "syscon-reboot");
	fdtw_prop_u32(&w, "regmap", 4);
	fdtw_end_node(&w);
	fdtw_begin_node_at(&w, "ppi-dev", 0x09070000);
	uint64_t ppi_reg[2] = { 0x09070000, 0x1000 };
	uint32_t ppi[3] = { 1, 9, 4 }; /* a PPI: no VM gets one */
	fdtw_prop_reg64(&w, "reg", ppi_reg, 1);
	fdtw_prop_cells(&w, "interrupts", ppi, 3);
	fdtw_end_node(&w);
	node(&w, "virtio_mmio", 0x0a000000, "virtio,mmio", 16);
	fdtw_begin_node_at(&w, "pcie", 0x10000000);
	fdtw_prop_string(&w, "compatible", "pci-host-ecam-generic");
	uint64_t ecam[2] = { 0x10000000, 0x1000 };
	fdtw_prop_reg64(&w, "reg", ecam, 1);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "soc");
	fdtw_prop_string(&w, "compatible", "simple-bus");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_empty(&w, "ranges");
	node(&w, "pl061", 0x09030000, "arm,pl061", 7);
	fdtw_begin_node_at(&w, "off", 0x09040000);
	uint64_t off[2] = { 0x09040000, 0x1000 };
	fdtw_prop_reg64(&w, "reg", off, 1);
	fdtw_prop_string(&w, "status", "disabled");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK(fdtw_finish(&w) > 0);
	sim_set_host_dtb(host_dtb);
}

/* Runs the whole-platform VM of 'configs', cvisor's console UART claimed
 * as hal/aarch64/pl011.c claims it at boot, or not ('claim_uart'). */
static bool run_whole(const struct embedded_file *configs, bool claim_uart)
{
	static struct sim_guest guests[] = {
		{ .vm = "whole", .vcpu = 0, .steps = {
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	host_dtb_build();
	if (claim_uart)
		CHECK_EQ_INT(hostres_claim(0x09000000, 0x1000, HOSTRES_CVISOR,
					   "cvisor's console UART", NULL),
			     0);
	return sim_test_run(1, configs, guests, 20000);
}

SIM_TEST(vmm_whole_platform_gives_the_free_devices)
{
	static const struct embedded_file cfgs[] = {
		SIM_CONFIG("whole.toml", WHOLE_VM_TOML("")),
		{ NULL, NULL, 0 },
	};

	CHECK(run_whole(cfgs, true));
	CHECK(sim_console_has("VM whole: whole platform: /pl011@9000000 is "
			      "cvisor's console UART, which cvisor keeps; the "
			      "VM's emulated pl011 is in its place"));
	CHECK(sim_console_has("VM whole: whole platform: /virtio_mmio@a000000 "
			      "(virtio,mmio) can do DMA and cvisor has no "
			      "IOMMU; left out"));
	CHECK(sim_console_has("VM whole: whole platform: /pcie@10000000 left "
			      "out (excluded_devices)"));
	CHECK(sim_console_has("VM whole: passthrough /pl031@9010000: host "
			      "0x9010000+0x1000 at guest 0x9010000, its "
			      "interrupts forwarded"));
	CHECK(sim_console_has("VM whole: passthrough /soc/pl061@9030000: host "
			      "0x9030000+0x1000 at guest 0x9030000"));
	CHECK(!strstr(sim_console(), "off@9040000"));
	CHECK(!strstr(sim_console(), "child@9060000"));
	CHECK(!strstr(sim_console(), "/a-device-whose-name"));
	CHECK(!strstr(sim_console(), "memory@40000000"));
	CHECK(sim_console_has("VM whole: whole platform: /sram@40100000 lies "
			      "in the VM's memory; left out"));
	CHECK(sim_console_has("VM whole: whole platform: /wdt@9080000 (a "
			      "watchdog) can reset or power off the machine; "
			      "left out"));
	CHECK(sim_console_has("VM whole: whole platform: /test@100000 "
			      "(syscon-reboot) can reset or power off the "
			      "machine; left out"));
	CHECK(sim_console_has("VM whole: whole platform: /ppi-dev@9070000 has "
			      "an interrupt a VM cannot be given; left out"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* The address range covers cvisor's UART and a free page beside it. */
SIM_TEST(vmm_whole_platform_addresses_less_what_cvisor_keeps)
{
	static const struct embedded_file cfgs[] = {
		SIM_CONFIG("whole.toml",
			   WHOLE_VM_TOML("passthrough_addresses = "
					 "[[0x0900_0000, 0x2000]]\n")),
		{ NULL, NULL, 0 },
	};

	CHECK(run_whole(cfgs, true));
	CHECK(sim_console_has("VM whole: passthrough_addresses[0]: "
			      "0x9000000+0x1000 is /pl011@9000000 (cvisor's "
			      "console UART), which cvisor keeps; not passed "
			      "through"));
	CHECK(!strstr(sim_console(), "VM whole not created"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* A device of the host that cvisor does not use, where the VM has an
 * emulated device: emulated in its place; an address range there too. */
SIM_TEST(vmm_whole_platform_emulated_in_place)
{
	static const struct embedded_file cfgs[] = {
		SIM_CONFIG("whole.toml",
			   WHOLE_VM_TOML("passthrough_addresses = "
					 "[[0x0900_0000, 0x2000]]\n")),
		{ NULL, NULL, 0 },
	};

	CHECK(run_whole(cfgs, false));
	CHECK(sim_console_has("VM whole: whole platform: /pl011@9000000: the "
			      "VM's emulated pl011 is in its place"));
	CHECK(sim_console_has("VM whole: passthrough_addresses[0]: "
			      "0x9000000+0x1000 is the VM's emulated pl011; "
			      "not passed through"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* Without a host device tree there is nothing to give: refused. */
SIM_TEST(vmm_whole_platform_without_a_host_dtb_is_refused)
{
	static const struct embedded_file cfgs[] = {
		SIM_CONFIG("whole.toml", WHOLE_VM_TOML("")),
		SIM_CONFIG("other.toml", SIM_VM_TOML(2, "other", 1, "[0]")),
		{ NULL, NULL, 0 },
	};
	static struct sim_guest guests[] = {
		{ .vm = "other", .vcpu = 0, .steps = {
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(1, cfgs, guests, 20000));
	CHECK(sim_console_has("VM whole: passthrough device /: there is no "
			      "host device tree to give; VM refused"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* Not the whole platform: entries that name devices, as AxVisor's
 * riscv64 and x86_64 QEMU files do (their PLIC, UART, IOAPIC, local
 * APIC), on the same host. */
#define NAMED_VM_TOML(devices)                                               \
	"[base]\nid = 1\nname = \"whole\"\nvm_type = 1\n"                    \
	"cpu_num = 1\nphys_cpu_ids = [0]\n"                                  \
	"[kernel]\nentry_point = 0x4008_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"sim.bin\"\nkernel_load_addr = 0x4008_0000\n"        \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n"              \
	"[devices]\ninterrupt_mode = \"passthrough\"\n" devices

/* Runs NAMED_VM_TOML 'toml' on the host of host_dtb_build(), cvisor's
 * console UART claimed; checks the VM ran and gave its memory back, or
 * was not created ('runs'). */
static void run_named(const char *toml, bool runs)
{
	static struct embedded_file cfgs[2];

	cfgs[0] = (struct embedded_file){ "named.toml", (const uint8_t *)toml,
					  strlen(toml) };
	CHECK(run_whole(cfgs, true));
	CHECK(!strstr(sim_console(), "VM whole not created") == runs);
	if (runs)
		CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* cvisor's console UART named where the VM has its emulated one: that
 * one is in its place, on a warning line, and the VM runs. */
SIM_TEST(vmm_passthrough_cvisors_device_kept_in_place)
{
	run_named(NAMED_VM_TOML("passthrough_devices = [[\"UART@9000000\", "
				"0x0900_0000, 0x0900_0000, 0x1000, 1]]\n"),
		  true);
	CHECK(sim_console_has("VM whole: passthrough UART@9000000 at "
			      "0x9000000+0x1000 is cvisor's console UART, "
			      "which cvisor keeps; the VM's emulated pl011 is "
			      "in its place"));
	CHECK(!strstr(sim_console(), "passthrough UART@9000000: host"));
}

/* The same host range at another guest address: nothing of the VM's is
 * there to stand in for it, and cvisor's range is not given: refused. */
SIM_TEST(vmm_passthrough_cvisors_device_elsewhere_refused)
{
	run_named(NAMED_VM_TOML("passthrough_devices = [[\"uart\", "
				"0x0c00_0000, 0x0900_0000, 0x1000, 1]]\n"),
		  false);
	CHECK(sim_console_has("VM whole: passthrough uart at 0x9000000+0x1000: "
			      "the host range is cvisor's console UART"));
}

/* A device that can do DMA, by its node and by an address range over
 * it and a free page beside it: left out, one warning each and how to
 * give it once; the free page and the RTC are given; the VM runs. */
SIM_TEST(vmm_passthrough_dma_left_out)
{
	run_named(NAMED_VM_TOML("passthrough_devices = "
				"[[\"/virtio_mmio@a000000\"], "
				"[\"/pl031@9010000\"]]\n"
				"passthrough_addresses = "
				"[[0x0a00_0000, 0x2000]]\n"),
		  true);
	CHECK(sim_console_has(
		"VM whole: passthrough /virtio_mmio@a000000 at "
		"0xa000000+0x1000: /virtio_mmio@a000000 "
		"(virtio,mmio) at 0xa000000+0x1000 can do DMA and "
		"cvisor has no IOMMU; left out"));
	CHECK(sim_console_has("list \"/virtio_mmio@a000000\" in "
			      "devices.dma_passthrough"));
	CHECK(sim_console_has(
		"VM whole: passthrough address at "
		"0xa000000+0x1000: /virtio_mmio@a000000 "
		"(virtio,mmio) at 0xa000000+0x1000 can do DMA and "
		"cvisor has no IOMMU; left out"));
	CHECK(sim_console_has("VM whole: passthrough /pl031@9010000: host "
			      "0x9010000+0x1000 at guest 0x9010000, its "
			      "interrupts forwarded"));
	CHECK(!strstr(sim_console(), "passthrough /virtio_mmio@a000000: host"));
}

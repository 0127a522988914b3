/* Kernels of each format on the host arch, which boots what aarch64
 * boots: a raw binary and an arm64 Image are placed and run; a bzImage, a
 * Multiboot kernel and a riscv64 Image are refused, naming the VM, the
 * file and the format, while the others run. */
#include <config/vm_config.h>
#include <kernel/mm.h>
#include "sim_test.h"

#define ARCH_BOOTS "sim boots an arm64 Image or a raw binary"

SIM_TEST(vmm_kernel_formats_booted_or_refused)
{
	static const struct embedded_file configs[] = {
		SIM_CONFIG("raw.toml", SIM_VM_TOML(1, "raw", 1, "[0]")),
		SIM_CONFIG("arm64.toml",
			   SIM_VM_TOML_KERNEL(2, "arm64", 1, "[1]",
					      "sim.Image")),
		SIM_CONFIG("bz.toml", SIM_VM_TOML_KERNEL(3, "bz", 1, "[0]",
							 "sim.bzImage")),
		SIM_CONFIG("mb.toml", SIM_VM_TOML_KERNEL(4, "mb", 1, "[1]",
							 "sim.multiboot")),
		SIM_CONFIG("rv.toml", SIM_VM_TOML_KERNEL(5, "rv", 1, "[0]",
							 "sim-riscv64.Image")),
		{ NULL, NULL, 0 },
	};
	static struct sim_guest guests[] = {
		{ .vm = "raw", .vcpu = 0, .steps = {
			STEP(SIM_PUTS, .s = "raw runs\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "arm64", .vcpu = 0, .steps = {
			STEP(SIM_PUTS, .s = "arm64 Image runs\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, configs, guests, 10000));
	CHECK(sim_console_has("VM bz: kernel sim.bzImage is an x86 bzImage "
			      "(boot protocol 2.15); " ARCH_BOOTS));
	CHECK(sim_console_has("VM mb: kernel sim.multiboot is a Multiboot "
			      "image; " ARCH_BOOTS));
	CHECK(sim_console_has("VM rv: kernel sim-riscv64.Image is a riscv64 "
			      "Image; " ARCH_BOOTS));
	CHECK(sim_console_has("VM arm64: Linux Image sim.Image at 0x40080000 "
			      "(8 KiB of guest RAM), entered at 0x40080000"));
	CHECK(sim_console_has("raw runs"));
	CHECK(sim_console_has("arm64 Image runs"));
	CHECK(sim_console_has("VM 1 (raw) powered off"));
	CHECK(sim_console_has("VM 2 (arm64) powered off"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
	CHECK(!strstr(sim_console(), "VM 3 (bz)"));
	CHECK(!strstr(sim_console(), "[cvisor W"));
	CHECK_EQ_INT(guests[0].runs, 1);
	CHECK_EQ_INT(guests[1].runs, 1);
}

/* vm_create() alone, on a CPU of the simulated machine: where the images
 * went is read from the VM before it is destroyed. */
struct create_case {
	const char *toml;
	bool created;
	struct vm_boot boot;
	bool bytes_there; /* the file's bytes at boot.kernel */
	const uint8_t *file;
	size_t file_size;
};

static void create_one(void *arg)
{
	struct create_case *cc = arg;
	struct vm_config *cfg = kzalloc(sizeof(*cfg));
	void *arena = kzalloc(VMCFG_ARENA_SIZE);

	CHECK(cfg && arena);
	CHECK_EQ_INT(vmcfg_parse("images.toml", cc->toml, strlen(cc->toml),
				 arena, VMCFG_ARENA_SIZE, cfg, NULL, NULL),
		     0);
	kfree(arena);
	struct vm *vm = vm_create(cfg);
	cc->created = vm != NULL;
	if (vm) {
		cc->boot = vm->boot;
		const void *at = addrspace_gpa_to_host(&vm->as, vm->boot.kernel,
						       cc->file_size);
		cc->bytes_there = at && !memcmp(at, cc->file, cc->file_size);
		vm_destroy(vm);
	}
	kfree(cfg);
}

SIM_TEST(vmm_kernel_placed_by_its_header)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };
	/* kernel_load_addr and entry_point at the start of RAM: the Image
	 * goes text_offset past it and is entered there, with warnings. */
	struct create_case image = {
		.toml = "[base]\nid = 7\nname = \"moved\"\ncpu_num = 1\n"
			"[kernel]\nentry_point = 0x4000_0000\n"
			"image_location = \"memory\"\nkernel_path = \"sim.Image\"\n"
			"kernel_load_addr = 0x4000_0000\n"
			"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n",
		.file = sim_arm64_image,
		.file_size = sizeof(sim_arm64_image),
	};
	/* A raw binary where the config says, entered at entry_point. */
	struct create_case raw = {
		.toml = SIM_VM_TOML(8, "raw", 1, "[0]"),
		.file = (const uint8_t[16]){ 0 },
		.file_size = 16,
	};

	sim_boot(1, 64, none, sim_test_images);
	sim_on_cpu(0, create_one, &image);
	CHECK(image.created);
	CHECK_EQ_INT(image.boot.kernel, 0x40080000);
	CHECK_EQ_INT(image.boot.kernel_size, 0x2000);
	CHECK_EQ_INT(image.boot.entry, 0x40080000);
	CHECK(image.bytes_there);
	CHECK(sim_console_has(
		"VM moved: kernel sim.Image: kernel_load_addr "
		"0x40000000 is not where its header lets it go "
		"(text_offset 0x80000 past a 2 MiB boundary at or "
		"above kernel_load_addr 0x40000000); loaded at "
		"0x40080000"));
	CHECK(sim_console_has(
		"VM moved: kernel sim.Image is an arm64 Image: "
		"entered at 0x40080000 as its header says, not at "
		"entry_point 0x40000000"));
	sim_on_cpu(0, create_one, &raw);
	CHECK(raw.created);
	CHECK_EQ_INT(raw.boot.kernel, 0x40080000);
	CHECK_EQ_INT(raw.boot.kernel_size, 16);
	CHECK_EQ_INT(raw.boot.entry, 0x40080000);
	CHECK(raw.bytes_there);
}

/* kernel.boot_protocol decides over the header: "multiboot" wants a
 * Multiboot header (and then refuses it on this arch), "uefi" takes the
 * file as the firmware's, raw, whatever its header. */
SIM_TEST(vmm_boot_protocol_chooses_the_loader)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };
#define FIRMWARE(proto, kernel)                                              \
	"[base]\nid = 9\nname = \"fw\"\ncpu_num = 1\n"                       \
	"[kernel]\nentry_point = 0x4010_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"" kernel "\"\nkernel_load_addr = 0x4008_0000\n"     \
	"enable_bios = true\nboot_protocol = \"" proto "\"\n"                \
	"uefi_firmware_path = \"sim.bin\"\nbios_load_addr = 0x4010_0000\n"   \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n"
	struct create_case raw_mb = { .toml = FIRMWARE("multiboot",
						       "sim.bin") };
	struct create_case mb = { .toml = FIRMWARE("multiboot",
						   "sim.multiboot") };
	struct create_case uefi = {
		.toml = FIRMWARE("uefi", "sim.bzImage"),
		.file = sim_arm64_image,
		.file_size = 0,
	};
#undef FIRMWARE

	sim_boot(1, 64, none, sim_test_images);
	sim_on_cpu(0, create_one, &raw_mb);
	CHECK(!raw_mb.created);
	CHECK(sim_console_has("VM fw: kernel sim.bin is a raw binary with no "
			      "Multiboot header, which kernel.boot_protocol "
			      "\"multiboot\" needs"));
	sim_on_cpu(0, create_one, &mb);
	CHECK(!mb.created);
	CHECK(sim_console_has(
		"VM fw: kernel sim.multiboot is a Multiboot image; " ARCH_BOOTS));
	sim_on_cpu(0, create_one, &uefi);
	CHECK(uefi.created);
	CHECK_EQ_INT(uefi.boot.kernel, 0x40080000);
	CHECK_EQ_INT(uefi.boot.kernel_size, 4096);
	CHECK_EQ_INT(uefi.boot.entry, 0x40100000);
}

/* An arch that runs no first stage (vm_arch_boot.bios_end 0, as on
 * aarch64 and riscv64) refuses a bios_path rather than load it unused. */
SIM_TEST(vmm_bios_path_refused_without_a_first_stage)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };
	struct create_case fw = {
		.toml = "[base]\nid = 9\nname = \"fw\"\ncpu_num = 1\n"
			"[kernel]\nentry_point = 0x4008_0000\n"
			"image_location = \"memory\"\nkernel_path = \"sim.bin\"\n"
			"kernel_load_addr = 0x4008_0000\n"
			"bios_path = \"sim.bin\"\nbios_load_addr = 0x4010_0000\n"
			"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n",
	};

	sim_boot(1, 64, none, sim_test_images);
	sim_on_cpu(0, create_one, &fw);
	CHECK(!fw.created);
	CHECK(sim_console_has("VM fw: kernel.bios_path sim.bin: sim runs no "
			      "first-stage firmware; VM refused"));
}

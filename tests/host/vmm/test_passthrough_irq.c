/* A passthrough device's host interrupt, forwarded to its VM: taken by
 * the guest while the VM runs, and harmless at any moment of the VM's
 * teardown (its handler goes, drained, before the VM's memory does). */
#include "sim_test.h"

#define PT_IRQ 40

#define PT_VM_TOML(id, name, pcpu)                                           \
	"[base]\nid = " #id "\nname = \"" name "\"\nvm_type = 1\n"           \
	"cpu_num = 1\nphys_cpu_ids = [" #pcpu "]\n"                          \
	"[kernel]\nentry_point = 0x4008_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"sim.bin\"\nkernel_load_addr = 0x4008_0000\n"        \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n"              \
	"[devices]\ninterrupt_mode = \"passthrough\"\n"                      \
	"passthrough_devices = [[\"dev\", 0x0a00_0000, 0x0a00_0000, "        \
	"0x1000, 40]]\n"

static const struct embedded_file pt_and_other[] = {
	SIM_CONFIG("pt.toml", PT_VM_TOML(1, "pt", 0)),
	SIM_CONFIG("other.toml", SIM_VM_TOML(2, "other", 1, "[1]")),
	{ NULL, NULL, 0 },
};

SIM_TEST(vmm_forwarded_irq_reaches_the_guest)
{
	static struct sim_guest guests[] = {
		{ .vm = "pt", .vcpu = 0, .steps = {
			STEP(SIM_WFI),
			STEP(SIM_PUTS, .s = "pt: its device interrupted\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "other", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 80),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	sim_raise_irq_at(40, PT_IRQ);
	CHECK(sim_test_run(2, pt_and_other, guests, 20000));
	CHECK_EQ_INT(guests[0].irqs, 1);
	CHECK(sim_console_has("pt: its device interrupted"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* The VM powers off at once; its device's interrupt comes at each turn
 * from before the power-off to after the teardown, while the other VM
 * runs on. */
static void raise_at(void *arg)
{
	struct sim_guest guests[] = {
		{ .vm = "pt", .vcpu = 0, .steps = {
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "other", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 60),
			STEP(SIM_PUTS, .s = "other: done\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	sim_raise_irq_at(*(const unsigned *)arg, PT_IRQ);
	CHECK(sim_test_run(2, pt_and_other, guests, 20000));
	CHECK(sim_console_has("other: done"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

UNIT_TEST(vmm_forwarded_irq_during_teardown)
{
	for (unsigned turn = 1; turn <= 30; turn++) {
		bool ok = sim_in_child(raise_at, &turn);
		if (!ok)
			printf("  the interrupt at turn %u: failed\n", turn);
		CHECK(ok);
		if (!ok)
			return;
	}
}

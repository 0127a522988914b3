/* VM lifecycle on the host arch: boot, run, power off, memory back. */
#include "sim_test.h"

SIM_TEST(vmm_one_vm_boots_prints_and_powers_off)
{
	static const struct embedded_file configs[] = {
		SIM_CONFIG("a.toml", SIM_VM_TOML(1, "a", 1, "[0]")),
		{ NULL, NULL, 0 },
	};
	static struct sim_guest guests[] = {
		{ .vm = "a", .vcpu = 0, .steps = {
			STEP(SIM_PUTS, .s = "hello from a\n"),
			STEP(SIM_HYPERCALL, .a = 2, .b = 1, .c = 2, EXPECT(0)),
			STEP(SIM_HYPERCALL, .a = 99, EXPECT(~0ull)),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(1, configs, guests, 10000));
	CHECK(sim_console_has("hello from a"));
	CHECK(sim_console_has("VM 1 vCPU 0: debug hypercall (0x1, 0x2, 0)"));
	CHECK(sim_console_has("VM 1 (a) powered off"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[0].runs, 1);
}

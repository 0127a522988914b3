/* A VM going away takes everything of it along, while others run on. */
#include "sim_test.h"

static const struct embedded_file two_vms[] = {
	SIM_CONFIG("quits.toml", SIM_VM_TOML(1, "quits", 2, "[0, 1]")),
	SIM_CONFIG("stays.toml", SIM_VM_TOML(2, "stays", 2, "[0, 1]")),
	{ NULL, NULL, 0 },
};

/* Both vCPUs of "quits" arm their timers 1 ms ahead; vCPU 1 turns itself
 * off, vCPU 0 powers the VM off. "stays" runs on both pCPUs past the
 * deadline. Were the timer events left armed, they would fire into the
 * freed vCPUs (AddressSanitizer reports it: the heap poisons what it
 * frees). */
SIM_TEST(vmm_timer_events_do_not_outlive_their_vm)
{
	static struct sim_guest guests[] = {
		{ .vm = "quits", .vcpu = 0, .steps = {
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_OK)),
			STEP(SIM_ARM_TIMER, .a = 1000000),
			STEP(SIM_SPIN, .a = 20),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "quits", .vcpu = 1, .steps = {
			STEP(SIM_ARM_TIMER, .a = 1000000),
			STEP(SIM_CPU_OFF),
		} },
		{ .vm = "stays", .vcpu = 0, .steps = {
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_OK)),
			STEP(SIM_SPIN, .a = 400),
			STEP(SIM_PUTS, .s = "stays: still here\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "stays", .vcpu = 1, .steps = {
			STEP(SIM_SPIN, .a = 400),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, two_vms, guests, 20000));
	CHECK(sim_console_has("VM 1 (quits) powered off"));
	CHECK(sim_console_has("stays: still here"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ_INT(guests[i].mismatches, 0);
}

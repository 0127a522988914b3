/* Reboot and power-off asked at once, by two vCPUs on two pCPUs, at every
 * relative timing the scripts can give: the VM ends, cvisor goes on, all
 * memory comes back. */
#include "sim_test.h"

static const struct embedded_file racer[] = {
	SIM_CONFIG("racer.toml", SIM_VM_TOML(1, "racer", 2, "[0, 1]")),
	SIM_CONFIG("calm.toml", SIM_VM_TOML(2, "calm", 1, "[1]")),
	{ NULL, NULL, 0 },
};

static bool race(unsigned delay0, unsigned delay1)
{
	struct sim_guest guests[] = {
		{ .vm = "racer", .vcpu = 0, .steps = {
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_OK)),
			STEP(SIM_SPIN, .a = delay0),
			STEP(SIM_SYSTEM_RESET),
			/* after the reboot (the script goes on) */
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "racer", .vcpu = 1, .steps = {
			STEP(SIM_SPIN, .a = delay1),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "calm", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 60),
			STEP(SIM_PUTS, .s = "calm: done\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};
	bool ok = sim_test_run(2, racer, guests, 50000) &&
		  sim_console_has("calm: done") &&
		  sim_console_has("memory: all that the VMs took is back") &&
		  !guests[0].mismatches;
	return ok;
}

struct race_timing {
	unsigned d0, d1;
};

static void race_run(void *arg)
{
	const struct race_timing *t = arg;

	CHECK(race(t->d0, t->d1));
}

UNIT_TEST(vmm_reset_and_power_off_race)
{
	for (unsigned d0 = 1; d0 <= 6; d0++) {
		for (unsigned d1 = 1; d1 <= 6; d1++) {
			struct race_timing t = { d0, d1 };
			bool ok = sim_in_child(race_run, &t);
			if (!ok)
				printf("  race: reset after %u turns, power-off "
				       "after %u: failed\n",
				       d0, d1);
			CHECK(ok);
			if (!ok)
				return; /* the others would tell no more */
		}
	}
}

/* The VM registry's lifecycle (vmm/vms.c), driven from a controlling VM's
 * script as the shell would drive it: a suspended VM is held and goes on
 * where it was, a suspend racing the guest's own reset, CPU_OFF or power
 * off ends as each asks, and a stopped VM starts again from its config. */
#include <string.h>
#include <vmm/vms.h>
#include "sim_test.h"

static const struct embedded_file pair[] = {
	SIM_CONFIG("ctl.toml", SIM_VM_TOML(1, "ctl", 1, "[0]")),
	SIM_CONFIG("worker.toml", SIM_VM_TOML(2, "worker", 2, "[1, 1]")),
	{ NULL, NULL, 0 },
};

static uint64_t suspend(uint64_t id)
{
	return vms_suspend(id) == NULL;
}

static uint64_t resume(uint64_t id)
{
	return vms_resume(id) == NULL;
}

static uint64_t stop(uint64_t id)
{
	return vms_stop(id) == NULL;
}

static uint64_t start(uint64_t id)
{
	return vms_start(id) == NULL;
}

static uint64_t state(uint64_t id)
{
	struct vms_info info;

	return vms_info(id, &info) ? info.state : 99;
}

static uint64_t printed(uint64_t text)
{
	return sim_console_has((const char *)(uintptr_t)text);
}

#define CALL(f, arg, want) \
	STEP(SIM_CALL, .fn = (f), .a = (uint64_t)(arg), EXPECT(want))

SIM_TEST(vmm_suspended_vm_is_held_and_goes_on)
{
	static struct sim_guest guests[] = {
		{ .vm = "ctl", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 20),
			CALL(resume, 2, 0), /* not suspended */
			CALL(suspend, 2, 1),
			CALL(suspend, 2, 0), /* already */
			CALL(state, 2, VMS_SUSPENDED),
			STEP(SIM_SPIN, .a = 400),
			CALL(printed, (uintptr_t)"worker: 2", 0),
			CALL(resume, 2, 1),
			CALL(state, 2, VMS_RUNNING),
			STEP(SIM_SPIN, .a = 400),
			CALL(printed, (uintptr_t)"worker: 3", 1),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "worker", .vcpu = 0, .steps = {
			STEP(SIM_PUTS, .s = "worker: 1\n"),
			STEP(SIM_SPIN, .a = 60),
			STEP(SIM_PUTS, .s = "worker: 2\n"),
			STEP(SIM_SPIN, .a = 10),
			STEP(SIM_PUTS, .s = "worker: 3\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, pair, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[1].runs, 1); /* held, not rebooted */
	CHECK(sim_console_has("VM 1 (ctl) powered off"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

SIM_TEST(vmm_stopped_vm_starts_again_from_its_config)
{
	static struct sim_guest guests[] = {
		{ .vm = "ctl", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 20),
			CALL(start, 2, 0), /* running */
			CALL(stop, 2, 1),
			STEP(SIM_SPIN, .a = 200),
			CALL(state, 2, VMS_STOPPED),
			CALL(stop, 2, 0), /* stopped already */
			CALL(start, 2, 1),
			CALL(state, 2, VMS_RUNNING),
			STEP(SIM_SPIN, .a = 200),
			CALL(stop, 2, 1),
			STEP(SIM_SPIN, .a = 200),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "worker", .vcpu = 0, .steps = {
			STEP(SIM_PUTS, .s = "worker: up\n"),
			STEP(SIM_SPIN, .a = 30),
			STEP(SIM_GOTO, .a = 1),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, pair, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[1].runs, 2); /* made again, booted again */
	CHECK(sim_console_has("VM 2 (worker) stopped from the shell"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* The worker asks for 'what' (a reset, CPU_OFF of vCPU 1, power off)
 * after 'd1' turns while the controller suspends it after 'd0' and
 * resumes it later: each ends as asked, nothing is lost. */
static bool suspend_race(enum sim_op what, unsigned d0, unsigned d1)
{
	struct sim_guest guests[] = {
		{ .vm = "ctl", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = d0),
			STEP(SIM_CALL, .fn = suspend, .a = 2),
			STEP(SIM_SPIN, .a = 30),
			STEP(SIM_CALL, .fn = resume, .a = 2),
			STEP(SIM_SPIN, .a = 300),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "worker", .vcpu = 0, .steps = {
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC),
			STEP(SIM_SPIN, .a = d1),
			STEP(what == SIM_CPU_OFF ? SIM_SPIN : what, .a = 1),
			STEP(SIM_SPIN, .a = 20),
			STEP(SIM_PUTS, .s = "worker: after\n"),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "worker", .vcpu = 1, .steps = {
			STEP(SIM_SPIN, .a = d1),
			STEP(what == SIM_CPU_OFF ? SIM_CPU_OFF : SIM_SPIN, .a = 1),
			STEP(SIM_SPIN, .a = 1000),
		} },
		{ 0 },
	};
	bool ok = sim_test_run(2, pair, guests, 100000) &&
		  sim_console_has("memory: all that the VMs took is back") &&
		  sim_console_has("VM 1 (ctl) powered off");
	/* A reset boots the worker again; power off ends it there. */
	if (what == SIM_SYSTEM_RESET)
		ok = ok && guests[1].runs == 2;
	if (what == SIM_SYSTEM_OFF)
		ok = ok && !strstr(sim_console(), "worker: after");
	else
		ok = ok && sim_console_has("worker: after");
	return ok;
}

struct race_case {
	enum sim_op what;
	unsigned d0, d1;
};

static void suspend_race_run(void *arg)
{
	const struct race_case *c = arg;

	CHECK(suspend_race(c->what, c->d0, c->d1));
}

UNIT_TEST(vmm_suspend_races_the_guests_own_requests)
{
	static const enum sim_op whats[] = { SIM_SYSTEM_RESET, SIM_CPU_OFF,
					     SIM_SYSTEM_OFF };

	for (unsigned w = 0; w < 3; w++) {
		for (unsigned d0 = 2; d0 <= 12; d0 += 2) {
			struct race_case c = { whats[w], d0, 6 };
			bool ok = sim_in_child(suspend_race_run, &c);
			if (!ok)
				printf("  suspend race: op %u, suspend after %u "
				       "turns: failed\n",
				       (unsigned)c.what, d0);
			CHECK(ok);
			if (!ok)
				return;
		}
	}
}

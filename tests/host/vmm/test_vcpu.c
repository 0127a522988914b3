/* The vCPU loop on scripted exits: CPU_ON's arguments, the last vCPU
 * going off, MMIO and port accesses that nothing answers, a guest fault. */
#include "sim_test.h"

static const struct embedded_file one_vm[] = {
	SIM_CONFIG("a.toml", SIM_VM_TOML(1, "a", 2, "[0, 1]")),
	{ NULL, NULL, 0 },
};

#define RAM_END 0x40200000ull

SIM_TEST(vmm_cpu_on_refuses_each_bad_argument)
{
	static struct sim_guest guests[] = {
		{ .vm = "a", .vcpu = 0, .steps = {
			/* no vCPU has that id */
			STEP(SIM_CPU_ON, .a = 7, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_NO_SUCH_CPU)),
			/* entry outside RAM, misaligned, straddling its end */
			STEP(SIM_CPU_ON, .a = 1, .b = 0x1000, EXPECT(VCPU_ON_BAD_ENTRY)),
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC + 2, EXPECT(VCPU_ON_BAD_ENTRY)),
			STEP(SIM_CPU_ON, .a = 1, .b = RAM_END - 2, EXPECT(VCPU_ON_BAD_ENTRY)),
			STEP(SIM_CPU_ON, .a = 1, .b = ~0ull - 1, EXPECT(VCPU_ON_BAD_ENTRY)),
			/* the last word of RAM is fine */
			STEP(SIM_CPU_ON, .a = 1, .b = RAM_END - 4, .c = 42, EXPECT(VCPU_ON_OK)),
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_ALREADY_ON)),
			STEP(SIM_CPU_ON, .a = 0, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_ALREADY_ON)),
			STEP(SIM_WFI),          /* vCPU 1 says it is done */
			/* off now: it can be started again */
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_OK)),
			STEP(SIM_WFI),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "a", .vcpu = 1, .steps = {
			STEP(SIM_SPIN, .a = 5),
			STEP(SIM_IPI, .a = 0),
			STEP(SIM_CPU_OFF),
			STEP(SIM_IPI, .a = 0),
			STEP(SIM_CPU_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, one_vm, guests, 20000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[1].runs, 2);
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* Nobody is left to turn a vCPU on again: the VM ends, and its memory
 * comes back (it was kept forever with both vCPUs parked). */
SIM_TEST(vmm_last_vcpu_off_ends_the_vm)
{
	static struct sim_guest guests[] = {
		{ .vm = "a", .vcpu = 0, .steps = {
			STEP(SIM_CPU_ON, .a = 1, .b = SIM_GUEST_PC, EXPECT(VCPU_ON_OK)),
			STEP(SIM_CPU_OFF),
		} },
		{ .vm = "a", .vcpu = 1, .steps = {
			STEP(SIM_SPIN, .a = 5),
			STEP(SIM_CPU_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, one_vm, guests, 20000));
	CHECK(sim_console_has("VM 1 (a) stopped its last vCPU"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

SIM_TEST(vmm_unanswered_accesses_abort_or_read_ones)
{
	static struct sim_guest guests[] = {
		{ .vm = "a", .vcpu = 0, .steps = {
			/* MMIO where nothing is: an abort, each width */
			STEP(SIM_MMIO_READ, .a = 0x0a000000, .b = 4, EXPECT(SIM_ABORT)),
			STEP(SIM_MMIO_WRITE, .a = 0x0a000000, .b = 8, .c = 1, EXPECT(SIM_ABORT)),
			/* the UART answers; straddling its end does not */
			STEP(SIM_MMIO_READ, .a = SIM_UART_BASE + 0xfe0, .b = 4, EXPECT(0x11)),
			STEP(SIM_MMIO_READ, .a = SIM_UART_BASE + 0xffc, .b = 8, EXPECT(SIM_ABORT)),
			/* ports: no device, reads all ones, writes dropped */
			STEP(SIM_PIO_READ, .a = 0x3f8, .b = 1, EXPECT(0xff)),
			STEP(SIM_PIO_READ, .a = 0x3f8, .b = 2, EXPECT(0xffff)),
			STEP(SIM_PIO_READ, .a = 0xcf8, .b = 4, EXPECT(0xffffffff)),
			STEP(SIM_PIO_WRITE, .a = 0x80, .b = 1, .c = 0x55, EXPECT(0)),
			STEP(SIM_FAULT),
			STEP(SIM_PUTS, .s = "never printed\n"),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, one_vm, guests, 20000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK(sim_console_has("VM 1 vCPU 0: read of 4 bytes at 0xa000000"));
	CHECK(sim_console_has("a fault the test made"));
	CHECK(sim_console_has("VM 1 (a) stopped after a fault"));
	CHECK(!strstr(sim_console(), "never printed"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

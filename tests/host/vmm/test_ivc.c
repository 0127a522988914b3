/* Inter-VM channels (vmm/ivc.c): each call and each misuse, the views
 * that outlive the VM that published or subscribed, the limits (a VM's
 * window, the table), and all memory back at the end, every time. The
 * calls are made from the vCPUs' scripts (SIM_CALL), with the guest's
 * pointers in its RAM. */
#include <vmm/ivc.h>
#include <vmm/vms.h>
#include "sim_test.h"

#define PTR_BASE 0x40100000ull /* in each sim VM's RAM */
#define PTR_SIZE 0x40100008ull
#define ERR      (~0ull)

enum { PUB = 3, SUB = 4, UNPUB = 5, UNSUB = 6, NOTIFY = 16 };

/* One call: VM 'vm' makes hypercall 'nr' with 'a' (key, or publisher)
 * and 'b' (key), *PTR_SIZE set to 'size' first. */
struct ivc_op {
	uint64_t vm, nr, a, b, size;
};

static uint64_t ivc_do(uint64_t arg)
{
	const struct ivc_op *op = (const struct ivc_op *)(uintptr_t)arg;
	struct vm *vm = vms_get(op->vm);
	uint64_t r = 0x5a5a;

	if (!vm)
		return r;
	vm_write_guest(vm, PTR_SIZE, &op->size, 8);
	switch (op->nr) {
	case PUB:
		r = ivc_publish(vm, op->a, PTR_BASE, PTR_SIZE);
		break;
	case SUB:
		r = ivc_subscribe(vm, op->a, op->b, PTR_BASE, PTR_SIZE);
		break;
	case UNPUB:
		r = ivc_unpublish(vm, op->a);
		break;
	case UNSUB:
		r = ivc_unsubscribe(vm, op->a, op->b);
		break;
	case NOTIFY:
		r = ivc_notify(vm, op->a, op->b);
		break;
	}
	vms_put(vm);
	return r;
}

/* A step: VM 'v' makes call 'nr' (a, b, size as struct ivc_op). */
#define IVC(want, v, nr_, a_, b_, size_)                    \
	STEP(SIM_CALL, .fn = ivc_do,                        \
	     .a = (uint64_t)(uintptr_t) &                   \
		  (const struct ivc_op){ .vm = (v),         \
					 .nr = (nr_),       \
					 .a = (a_),         \
					 .b = (b_),         \
					 .size = (size_) }, \
	     EXPECT(want))

static const struct embedded_file pair[] = {
	SIM_CONFIG("p.toml", SIM_VM_TOML(1, "p", 1, "[0]")),
	SIM_CONFIG("s.toml", SIM_VM_TOML(2, "s", 1, "[1]")),
	{ NULL, NULL, 0 },
};

SIM_TEST(vmm_ivc_calls_and_their_misuse)
{
	struct sim_guest guests[] = {
		{ .vm = "p", .vcpu = 0, .steps = {
			IVC(ERR, 1, PUB, 7, 0, 0),          /* size 0 */
			IVC(ERR, 1, PUB, 7, 0, 4097),       /* not pages */
			IVC(ERR, 1, PUB, 7, 0, 128 << 20),  /* too large */
			IVC(0, 1, PUB, 7, 0, 8192),
			IVC(ERR, 1, PUB, 7, 0, 8192),       /* again */
			IVC(ERR, 1, UNPUB, 9, 0, 0),              /* not its own */
			IVC(ERR, 1, SUB, 1, 7, 0),          /* its own */
			IVC(0, 1, NOTIFY, 1, 7, 0),            /* nobody else */
			STEP(SIM_WFI),                      /* s notifies */
			IVC(0, 1, UNPUB, 7, 0, 0),
			IVC(ERR, 1, UNPUB, 7, 0, 0),
			IVC(ERR, 1, NOTIFY, 1, 7, 0),          /* not published */
			STEP(SIM_SYSTEM_OFF),
		} },
		{ .vm = "s", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 30),
			IVC(ERR, 2, SUB, 1, 8, 0),          /* no such key */
			IVC(ERR, 2, SUB, 3, 7, 0),          /* no such VM */
			IVC(0, 2, SUB, 1, 7, 0),
			IVC(ERR, 2, SUB, 1, 7, 0),          /* again */
			IVC(0, 2, NOTIFY, 1, 7, 0),            /* raises p's */
			STEP(SIM_SPIN, .a = 100),           /* p unpublishes */
			IVC(0, 2, NOTIFY, 1, 7, 0),            /* nobody else */
			IVC(0, 2, UNSUB, 1, 7, 0),             /* the view stayed */
			IVC(ERR, 2, UNSUB, 1, 7, 0),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, pair, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[1].mismatches, 0);
	CHECK_EQ_INT(guests[0].irqs, 1);
	CHECK(sim_console_has("VM 1: IVC channel 0x7 published, 8 KiB at "
			      "0x100000000"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* The publisher powers off with its channel published, the subscriber
 * later: its view stays until then, and the pages go with the last. */
SIM_TEST(vmm_ivc_views_outlive_the_vm_that_goes)
{
	struct sim_guest guests[] = {
		{ .vm = "p", .vcpu = 0, .steps = {
			IVC(0, 1, PUB, 7, 0, 4096),
			IVC(0, 1, PUB, 8, 0, 4096),
			STEP(SIM_SPIN, .a = 60),
			STEP(SIM_SYSTEM_OFF), /* 7 still published */
		} },
		{ .vm = "s", .vcpu = 0, .steps = {
			STEP(SIM_SPIN, .a = 20),
			IVC(0, 2, SUB, 1, 7, 0),
			IVC(0, 2, SUB, 1, 8, 0),
			STEP(SIM_SPIN, .a = 200), /* p is gone */
			IVC(ERR, 2, NOTIFY, 1, 9, 0),
			IVC(0, 2, UNSUB, 1, 7, 0),
			STEP(SIM_SYSTEM_OFF), /* still subscribed to 8 */
		} },
		{ 0 },
	};

	CHECK(sim_test_run(2, pair, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK_EQ_INT(guests[1].mismatches, 0);
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* A VM whose config gives it a 16 KiB IVC window, and the table's own
 * limit: each runs out with an error, and room comes back. */
static const struct embedded_file small[] = {
	SIM_CONFIG("w.toml",
		   SIM_VM_TOML(1, "w", 1,
			       "[0]") "emu_devices = [[\"ivc\", 0x2_0000_0000, 0x4000, 40, "
				      "0xA, []]]\n"),
	{ NULL, NULL, 0 },
};

SIM_TEST(vmm_ivc_limits)
{
	struct sim_guest guests[] = {
		{ .vm = "w", .vcpu = 0, .steps = {
			IVC(0, 1, PUB, 1, 0, 8192),
			IVC(0, 1, PUB, 2, 0, 8192),
			IVC(ERR, 1, PUB, 3, 0, 4096), /* the window is full */
			IVC(0, 1, UNPUB, 1, 0, 0),
			IVC(0, 1, PUB, 3, 0, 4096),   /* room again */
			IVC(0, 1, PUB, 4, 0, 4096),
			IVC(0, 1, UNPUB, 2, 0, 0),
			IVC(0, 1, UNPUB, 3, 0, 0),
			IVC(0, 1, UNPUB, 4, 0, 0),
			STEP(SIM_SYSTEM_OFF),
		} },
		{ 0 },
	};

	CHECK(sim_test_run(1, small, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK(sim_console_has("VM 1: IVC channel 0x1 published, 8 KiB at "
			      "0x200000000"));
	CHECK(sim_console_has("VM 1: IVC channel 0x4 published, 4 KiB at "
			      "0x200001000"));
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

static uint64_t publish_many(uint64_t n)
{
	struct vm *vm = vms_get(1);
	uint64_t ok = 0, size = 4096;

	for (uint64_t key = 100; key < 100 + n; key++) {
		vm_write_guest(vm, PTR_SIZE, &size, 8);
		ok += ivc_publish(vm, key, PTR_BASE, PTR_SIZE) == 0;
	}
	vms_put(vm);
	return ok;
}

SIM_TEST(vmm_ivc_table_full)
{
	struct sim_guest guests[] = {
		{ .vm = "p", .vcpu = 0, .steps = {
			STEP(SIM_CALL, .fn = publish_many,
			     .a = IVC_MAX_CHANNELS + 1,
			     EXPECT(IVC_MAX_CHANNELS)),
			STEP(SIM_SYSTEM_OFF), /* all still published */
		} },
		{ .vm = "s", .vcpu = 0, .steps = { STEP(SIM_SYSTEM_OFF) } },
		{ 0 },
	};

	CHECK(sim_test_run(2, pair, guests, 50000));
	CHECK_EQ_INT(guests[0].mismatches, 0);
	CHECK(sim_console_has("memory: all that the VMs took is back"));
}

/* A VM whose creation fails half-way, at any allocation, unwinds with no
 * memory lost; one that is created and destroyed unused gives all back;
 * one whose RAM covers one of its devices is refused. */
#include <config/vm_config.h>
#include <kernel/mm.h>
#include "sim_test.h"

static const char two_vcpus[] =
	SIM_VM_TOML(1, "unwinds", 2,
		    "[0, 1]") "passthrough_addresses = [[0x0a00_0000, 0x1000]]\n";

static struct vm_config *parse(const char *text)
{
	struct vm_config *cfg = kzalloc(sizeof(*cfg));
	void *arena = kzalloc(VMCFG_ARENA_SIZE);

	CHECK(cfg && arena);
	CHECK_EQ_INT(vmcfg_parse("unwinds.toml", text, strlen(text), arena,
				 VMCFG_ARENA_SIZE, cfg, NULL, NULL),
		     0);
	kfree(arena);
	return cfg;
}

struct create_run {
	const char *toml;      /* NULL: two_vcpus */
	unsigned long fail_at; /* 0: never */
	bool created;
	size_t used_before, used_after;
};

static void create_once(void *arg)
{
	struct create_run *r = arg;
	struct vm_config *cfg = parse(r->toml ? r->toml : two_vcpus);

	r->used_before = mm_used_bytes();
	sim_fail_page_alloc_after(r->fail_at);
	struct vm *vm = vm_create(cfg);
	sim_fail_page_alloc_after(0);
	r->created = vm != NULL;
	if (vm)
		vm_destroy(vm);
	r->used_after = mm_used_bytes();
	kfree(cfg);
}

SIM_TEST(vmm_create_fails_at_each_allocation_and_loses_nothing)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };
	unsigned long n;

	sim_boot(2, 64, none, sim_test_images);
	for (n = 1; n < 1000; n++) {
		struct create_run r = { .fail_at = n };
		sim_on_cpu(0, create_once, &r);
		CHECK_EQ_INT(r.used_after, r.used_before);
		if (r.created)
			break;
	}
	/* It failed at every allocation before the n-th, then succeeded. */
	CHECK(n > 10 && n < 1000);
	printf("  vm_create: %lu allocations, each failure unwound\n", n - 1);
}

/* RAM over the UART's window (the sim's is at 0x0900_0000, a page): the
 * VM is refused, as an address is a device or memory, not both, with
 * nothing lost; RAM that ends where the window starts is fine. */
#define RAM_UNDER_UART(size)                                                 \
	"[base]\nid = 2\nname = \"ram-on-uart\"\nvm_type = 1\n"              \
	"cpu_num = 1\nphys_cpu_ids = [0]\n"                                  \
	"[kernel]\nentry_point = 0x4008_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"sim.bin\"\nkernel_load_addr = 0x4008_0000\n"        \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0],\n"              \
	"                  [0x0800_0000, " size ", 0x7, 0]]\n"

SIM_TEST(vmm_create_refuses_ram_over_a_device)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };
	struct create_run over = { .toml = RAM_UNDER_UART("0x100_1000") };
	struct create_run under = { .toml = RAM_UNDER_UART("0x100_0000") };

	sim_boot(1, 64, none, sim_test_images);
	sim_on_cpu(0, create_once, &over);
	CHECK(!over.created);
	CHECK_EQ_INT(over.used_after, over.used_before);
	sim_on_cpu(0, create_once, &under);
	CHECK(under.created);
	CHECK_EQ_INT(under.used_after, under.used_before);
}

/* A VM whose creation fails half-way, at any allocation, unwinds with no
 * memory lost; one that is created and destroyed unused gives all back. */
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
	unsigned long fail_at; /* 0: never */
	bool created;
	size_t used_before, used_after;
};

static void create_once(void *arg)
{
	struct create_run *r = arg;
	struct vm_config *cfg = parse(two_vcpus);

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

/* A VM's RAM zeroed as it is first used (vmm/addrspace.c): a chunk is
 * neither mapped nor zeroed until the guest faults on it or cvisor asks
 * for a host pointer into it, and then reads zero whatever the host
 * memory held; a VM with a passthrough entry gets all of it at once. */
#include <config/vm_config.h>
#include <kernel/mm.h>
#include <vmm/addrspace.h>
#include "../../../vmm/arch/aarch64/stage2_pte.h"
#include "sim_test.h"

#define RAM  0x40000000ull
#define SIZE (3 * AS_CHUNK)

static bool mapped(struct addrspace *as, gpaddr_t gpa)
{
	bool block = false;
	uint64_t *pte = stage2_leaf(&as->s2, gpa, &block);

	return pte && *pte;
}

/* Every byte of chunk 'i' of region 0 is 'v'. */
static bool chunk_is(struct addrspace *as, unsigned i, uint8_t v)
{
	const uint8_t *p = pa_to_ptr(as->regions[0].hpa + i * AS_CHUNK);

	for (size_t n = 0; n < AS_CHUNK; n++)
		if (p[n] != v)
			return false;
	return true;
}

static void on_first_use(void *arg)
{
	static struct vm_config cfg;
	static struct addrspace as;
	(void)arg;

	cfg.region_count = 2;
	cfg.regions[0] = (struct vmcfg_region){ RAM, SIZE, 0x7, 0 };
	/* read-only, and not on 2 MiB boundaries: zeroed whole */
	cfg.regions[1] = (struct vmcfg_region){ RAM + SIZE, 0x3000, 0x1, 0 };
	CHECK_EQ_INT(addrspace_init(&as, &cfg, "lazy"), 0);
	CHECK(as.regions[0].unzeroed && !as.regions[1].unzeroed);
	CHECK(!mapped(&as, RAM) && !mapped(&as, RAM + AS_CHUNK));
	CHECK(mapped(&as, RAM + SIZE));
	/* What the host memory held before the VM: someone else's. */
	memset(pa_to_ptr(as.regions[0].hpa), 0xa5, SIZE);

	/* The guest's first access to chunk 1: zeroed and mapped, the
	 * others left as they were. */
	CHECK(addrspace_fault_in(&as, RAM + AS_CHUNK + 8, VMCFG_MEM_WRITE));
	CHECK(mapped(&as, RAM + AS_CHUNK) && chunk_is(&as, 1, 0));
	CHECK(!mapped(&as, RAM) && chunk_is(&as, 0, 0xa5));
	/* A second fault on it (another vCPU's, taken meanwhile): answered
	 * as RAM, the chunk left as it is. */
	*(uint8_t *)pa_to_ptr(as.regions[0].hpa + AS_CHUNK) = 1;
	CHECK(addrspace_fault_in(&as, RAM + AS_CHUNK, VMCFG_MEM_READ));
	CHECK(*(uint8_t *)pa_to_ptr(as.regions[0].hpa + AS_CHUNK) == 1);

	/* cvisor's access across chunks 0 and 1 zeroes chunk 0 only. */
	uint8_t *p = addrspace_gpa_to_host(&as, RAM + AS_CHUNK - 4, 8);
	CHECK(p && p[0] == 0 && p[4] == 1);
	CHECK(mapped(&as, RAM) && chunk_is(&as, 0, 0));
	CHECK(!mapped(&as, RAM + 2 * AS_CHUNK) && chunk_is(&as, 2, 0xa5));

	/* Not RAM, or an access the region does not allow: not ours. */
	CHECK(!addrspace_fault_in(&as, RAM - 8, VMCFG_MEM_READ));
	CHECK(!addrspace_fault_in(&as, RAM + SIZE, VMCFG_MEM_WRITE));
	addrspace_destroy(&as);

	/* With a passthrough entry: all of it zeroed and mapped now. */
	cfg.region_count = 1;
	cfg.pt_address_count = 1;
	CHECK_EQ_INT(addrspace_init(&as, &cfg, "eager"), 0);
	CHECK(!as.regions[0].unzeroed);
	CHECK(mapped(&as, RAM) && mapped(&as, RAM + 2 * AS_CHUNK));
	CHECK(chunk_is(&as, 2, 0));
	addrspace_destroy(&as);
}

SIM_TEST(vmm_ram_zeroed_on_first_use)
{
	static const struct embedded_file none[] = { { NULL, NULL, 0 } };

	sim_boot(1, 64, none, sim_test_images);
	size_t before = mm_used_bytes();
	sim_on_cpu(0, on_first_use, NULL);
	CHECK_EQ_INT(mm_used_bytes(), before);
}

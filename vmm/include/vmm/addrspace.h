/* A VM's guest-physical address space: the config's memory regions backed
 * by host memory, and the arch's stage-2 tables that map them. */
#ifndef VMM_ADDRSPACE_H
#define VMM_ADDRSPACE_H

#include <config/vm_config.h>
#include <kernel/types.h>
#include <vmm/stage2.h>

struct as_region {
	gpaddr_t gpa;
	uint64_t size;
	paddr_t hpa;
	uint32_t flags; /* VMCFG_MEM_* */
	enum vmcfg_map_type map_type;
	bool owned; /* pages to give back at teardown */
};

struct addrspace {
	struct stage2 s2;
	unsigned count;
	struct as_region regions[VMCFG_MAX_REGIONS];
};

/* Backs and maps every region of 'cfg'. Returns 0, or -1 after logging
 * which region of VM 'vm_name' failed; partial work is undone. */
int addrspace_init(struct addrspace *as, const struct vm_config *cfg,
		   const char *vm_name);
void addrspace_destroy(struct addrspace *as);
/* Host pointer for [gpa, gpa+size) when it lies in one RAM region, else
 * NULL. */
void *addrspace_gpa_to_host(struct addrspace *as, gpaddr_t gpa, uint64_t size);
/* The same, when the region also gives the guest the access 'need'
 * (VMCFG_MEM_READ, _WRITE, _EXEC): what cvisor does for a guest (SBI's
 * and IVC's buffers, a vCPU's entry point) it may do only where the
 * guest itself could. */
void *addrspace_gpa_to_host_perm(struct addrspace *as, gpaddr_t gpa,
				 uint64_t size, uint32_t need);

#endif

/* A VM's guest-physical address space: the config's memory regions backed
 * by host memory, and the arch's stage-2 tables that map them. */
#ifndef VMM_ADDRSPACE_H
#define VMM_ADDRSPACE_H

#include <config/vm_config.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <vmm/stage2.h>

/* A VM's RAM is zeroed as it is first used, 2 MiB at a time: the first
 * access (the guest's, through a stage-2 fault, or cvisor's, through
 * addrspace_gpa_to_host) zeroes the chunk and maps it. A Linux VM of
 * 256 MiB touches a fraction of it as it boots, and zeroing all of it at
 * creation was most of cvisor's own boot time. */
#define AS_CHUNK (2ul << 20)

struct as_region {
	gpaddr_t gpa;
	uint64_t size;
	paddr_t hpa;
	uint32_t flags; /* VMCFG_MEM_* */
	enum vmcfg_map_type map_type;
	bool owned; /* pages to give back at teardown */
	/* A bit per AS_CHUNK not yet zeroed, and so not mapped; NULL when
	 * the whole region was zeroed and mapped at creation. */
	uint64_t *unzeroed;
};

struct addrspace {
	struct stage2 s2;
	spinlock_t zero_lock; /* zeroing a chunk and mapping it */
	unsigned count;
	struct as_region regions[VMCFG_MAX_REGIONS];
};

/* Backs and maps every region of 'cfg'. Returns 0, or -1 after logging
 * which region of VM 'vm_name' failed; partial work is undone. RAM
 * regions on 2 MiB boundaries are zeroed as they are used, unless the
 * VM is given a passthrough device, whose DMA no stage-2 fault sees:
 * then all of its RAM is zeroed and mapped here. */
int addrspace_init(struct addrspace *as, const struct vm_config *cfg,
		   const char *vm_name);
void addrspace_destroy(struct addrspace *as);
/* A stage-2 fault at 'gpa' by an access that needs 'need' (VMCFG_MEM_READ,
 * _WRITE or _EXEC) of the region: true when the address is RAM that
 * allows it, zeroed and mapped now if it was not yet, so that the guest
 * retries the access (riscv64 first forgets its cached translations:
 * the hart may keep a failed one); false when it is no such RAM, for
 * the arch's usual answer (a device, or an abort). */
bool addrspace_fault_in(struct addrspace *as, gpaddr_t gpa, uint32_t need);
/* Host pointer for [gpa, gpa+size) when it lies in one RAM region, else
 * NULL; the range is zeroed first where the VM has not used it yet. */
void *addrspace_gpa_to_host(struct addrspace *as, gpaddr_t gpa, uint64_t size);
/* The same, when the region also gives the guest the access 'need'
 * (VMCFG_MEM_READ, _WRITE, _EXEC): what cvisor does for a guest (SBI's
 * and IVC's buffers, a vCPU's entry point) it may do only where the
 * guest itself could. */
void *addrspace_gpa_to_host_perm(struct addrspace *as, gpaddr_t gpa,
				 uint64_t size, uint32_t need);

#endif

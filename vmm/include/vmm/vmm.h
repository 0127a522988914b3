/* The VMM's top level: the VMs of this boot. */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <kernel/types.h>

struct vcpu;

/* Called by the last vCPU task of 'vm' to end (vm_vcpu_exited): the VM
 * is torn down (now, or when the last reference to it goes), and cvisor
 * powers off when no VM runs any more (vmm/vms.c). */
struct vm;
void vmm_vm_stopped(struct vm *vm);
/* cvisor's hypercalls (DESIGN.md): the value for the guest's result
 * register. */
uint64_t hypercall_handle(struct vcpu *v, uint64_t nr, const uint64_t *args);

#endif

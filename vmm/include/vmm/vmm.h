/* The VMM's top level: the VMs of this boot. */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <kernel/types.h>

/* Called by the last vCPU task of 'vm' to end (vm_vcpu_exited): the VM
 * is torn down (now, or when the last reference to it goes), and cvisor
 * powers off when no VM runs any more (vmm/vms.c). */
struct vm;
void vmm_vm_stopped(struct vm *vm);

#endif

/* The VMM's top level: the VMs of this boot. */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <kernel/types.h>

struct vcpu;

/* Called when a VM has stopped and been torn down; powers the machine off
 * when it was the last. */
void vmm_vm_stopped(void);
/* cvisor's hypercalls (DESIGN.md): the value for the guest's result
 * register. */
uint64_t hypercall_handle(struct vcpu *v, uint64_t nr, const uint64_t *args);

#endif

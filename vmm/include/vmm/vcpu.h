/* The generic vCPU run loop. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

struct vm;
struct vcpu;

/* Body of each vCPU's task: runs the guest and handles its exits until
 * the vCPU is stopped. */
void vcpu_task_main(void *vcpu);
/* Makes 'v' notice new work (an interrupt for it) soon: wakes it from a
 * WFI, or makes it leave the guest if it runs on another pCPU. */
void vcpu_kick(struct vcpu *v);
/* A vCPU task's last act: the VM goes when its last vCPU has gone. */
void vm_vcpu_exited(struct vm *vm);

#endif

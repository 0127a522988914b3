/* Passthrough devices and addresses: host device ranges mapped into a
 * VM's stage 2 (device memory, read/write, never executable) and, with
 * interrupt_mode "passthrough", the devices' host interrupts forwarded to
 * the VM. Each host range and interrupt has one owner: a range cvisor or
 * another VM uses, or one in cvisor's memory, is refused. */
#ifndef VMM_PASSTHROUGH_H
#define VMM_PASSTHROUGH_H

struct vm;

/* 0, or -1 after logging which device of the VM is refused and why. */
int passthrough_init(struct vm *vm);
/* Gives the VM's host ranges back (its interrupts go with the arch's
 * interrupt controller state). */
void passthrough_destroy(struct vm *vm);

#endif

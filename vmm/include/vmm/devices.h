/* Emulated devices that a VM gets. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <kernel/types.h>

struct vm;

/* The VM's console: an ARM PL011 at 'base' whose interrupt output drives
 * the VM's interrupt line 'irq' (vm_arch_set_irq_line). It takes console
 * input while the VM has the console's focus (kernel/console_input.h). */
int vuart_pl011_create(struct vm *vm, gpaddr_t base, unsigned irq);

#endif

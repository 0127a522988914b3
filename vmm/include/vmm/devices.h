/* Emulated devices that a VM gets. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <kernel/types.h>

struct vm;

/* The VM's console: an ARM PL011 at 'base' (TX and the registers a driver
 * probes; RX arrives with the interrupt controller). */
int vuart_pl011_create(struct vm *vm, gpaddr_t base);

#endif

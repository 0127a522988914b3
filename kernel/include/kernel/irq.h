/* Host interrupt dispatch: handlers by interrupt id. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

#define IRQ_MAX 1024

typedef void (*irq_handler_t)(unsigned irq, void *arg);

/* cvisor's own handlers, at start: a clash is a bug in cvisor. */
void irq_register(unsigned irq, irq_handler_t fn, void *arg);
/* A handler for an interrupt given away at run time (a VM's passthrough
 * device); false when the id is out of range or already has one. */
bool irq_claim(unsigned irq, irq_handler_t fn, void *arg);
/* Removes the handler; when it returns no CPU is still running it. */
void irq_unregister(unsigned irq);
/* Takes every pending host interrupt: called from the arch's IRQ vector
 * and from the vCPU loop after an interrupt exit. */
void irq_dispatch(void);
/* Runs the handler of host interrupt 'irq', acknowledged already (by an
 * exit path that looked at it first), and ends it. */
void irq_handle(unsigned irq);

#endif

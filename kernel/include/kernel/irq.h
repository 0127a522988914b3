/* Host interrupt dispatch: handlers by interrupt id. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

#define IRQ_MAX 1024

typedef void (*irq_handler_t)(unsigned irq, void *arg);

void irq_register(unsigned irq, irq_handler_t fn, void *arg);
/* Takes every pending host interrupt: called from the arch's IRQ vector
 * and from the vCPU loop after an interrupt exit. */
void irq_dispatch(void);

#endif

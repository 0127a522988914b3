/* Inside the host arch (vmm/arch/sim/). */
#ifndef VMM_ARCH_SIM_VMM_H
#define VMM_ARCH_SIM_VMM_H

#include <kernel/types.h>

/* A VM of the host arch looks, to the core, like QEMU's aarch64 virt
 * machine: its UART (the generic PL011 model) and its guest DTB. */
#define SIM_UART_BASE 0x09000000ull
#define SIM_UART_IRQ  33u
#define SIM_GUEST_PC  0x40080000ull /* + 4 x the step's index */
/* The answer a step gets when the core injects an abort instead. */
#define SIM_ABORT 0xab0a7ed0ab0a7ed0ull

#endif

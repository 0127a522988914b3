/* Offsets shared by guest_entry.S and C; checked by static_asserts in
 * vcpu.c. */
#ifndef VMM_AARCH64_GUEST_ENTRY_H
#define VMM_AARCH64_GUEST_ENTRY_H

#include <arch/asm_offsets.h>

/* What vcpu_arch_exit() returns: back to the vCPU loop, or straight back
 * into the guest, reloading all its registers or (KEEP) all but x19-x29,
 * which nothing wrote and the C code preserved. */
#define GUEST_TO_LOOP     0
#define GUEST_RESUME      1
#define GUEST_RESUME_KEEP 2

/* struct guest_regs */
#define GREGS_X0   0
#define GREGS_ELR  248
#define GREGS_SPSR 256

/* arch_guest_run()'s frame on the host stack */
#define GFRAME_SIZE 112
#define GFRAME_REGS 96  /* struct guest_regs * */
#define GFRAME_EXIT 104 /* struct vcpu_exit * */

#endif

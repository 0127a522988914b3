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

/* vcpu_arch_exit()'s kind, besides the vectors' (asm_offsets.h): the
 * virtual timer's fast path filled a list register since the last exit
 * that reached C (vgic.c: struct vgic_fast). */
#define GUEST_EXIT_CATCHUP 4
/* ... or: the exit was handled before the guest's registers were saved
 * (vcpu.c: vcpu_arch_sgi), and goes to the loop; the vGIC has nothing to
 * catch up with then (the main vector table took it). */
#define GUEST_EXIT_DONE (8 | GUEST_EXIT_CATCHUP) /* one test finds both */

/* ESR_EL2 of a trapped MSR to ICC_SGI1R_EL1 (EC 0x18, op0 3, op2 5, op1
 * 0, CRn 12, CRm 11, a write), Rt and IL aside. */
#define ESR_SGI1R_MASK  0xfc3ffc1f
#define ESR_SGI1R_WRITE 0x603a3016

/* The virtual timer's fast path: struct percpu's vmm (the loaded vCPU),
 * the vCPU's struct vgic_fast and its count of interrupt exits. */
#define PERCPU_VMM     88
#define VCPU_FAST      1328
#define FAST_LR        0
#define FAST_FILLED    8
#define FAST_ACKED     12
#define VCPU_EXITS_IRQ 96
#define FAST_PPI       27 /* VTIMER_PPI */

/* struct guest_regs */
#define GREGS_X0   0
#define GREGS_ELR  248
#define GREGS_SPSR 256

/* arch_guest_run()'s frame on the host stack */
#define GFRAME_SIZE 112
#define GFRAME_REGS 96  /* struct guest_regs * */
#define GFRAME_EXIT 104 /* struct vcpu_exit * */

#endif

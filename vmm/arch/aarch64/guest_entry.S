/* Entering and leaving the guest.
 *
 * void arch_guest_run(struct guest_regs *regs, struct vcpu_exit *e) saves
 * the host's callee-saved registers on the stack, loads the guest's
 * general registers, ELR and SPSR, and ERETs. The next exception from the
 * guest lands in the lower-EL vectors with SP_EL2 where we left it; the
 * guest's registers go back into *regs and vcpu_arch_exit(regs, kind, e)
 * decodes the exit into *e. An exit it handles whole (a hypercall, an
 * emulated MMIO access...) re-enters the guest at once, without reloading
 * x19-x29 when it wrote none of them (the C code preserved them); the
 * others return from arch_guest_run to the vCPU loop, as if it had been
 * an ordinary call. EL1 system registers are not touched here: they stay
 * live in the CPU while the vCPU is loaded. */
#include "guest_entry.h"

	.text
	.global arch_guest_run
arch_guest_run:
	sub	sp, sp, #GFRAME_SIZE
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	x0, x1, [sp, #GFRAME_REGS]     /* regs, e */
guest_enter:                                /* x0 = regs */
	ldp	x1, x2, [x0, #GREGS_ELR]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret

/* From the vectors: guest x0/x1 pushed on the stack, x1 = exit kind. */
	.global arch_guest_exit
arch_guest_exit:
	ldr	x0, [sp, #(16 + GFRAME_REGS)]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GREGS_ELR]
	ldr	x2, [sp, #GFRAME_EXIT]          /* x1 = kind, from the vector */
	bl	vcpu_arch_exit                  /* (regs, kind, e) */
	cbz	w0, 1f                          /* GUEST_TO_LOOP */
	ldr	x1, [sp, #GFRAME_REGS]          /* handled: straight back in */
	tbnz	w0, #1, guest_resume_keep       /* GUEST_RESUME_KEEP */
	mov	x0, x1
	b	guest_enter
1:	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #GFRAME_SIZE
	ret

/* Re-entry after an exit handled whole that wrote none of the guest's
 * x19-x29: vcpu_arch_exit(), C, preserved them, so they still hold the
 * guest's values. x1 = regs. */
guest_resume_keep:
	ldp	x2, x3, [x1, #GREGS_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [x1, #16]
	ldp	x4, x5, [x1, #32]
	ldp	x6, x7, [x1, #48]
	ldp	x8, x9, [x1, #64]
	ldp	x10, x11, [x1, #80]
	ldp	x12, x13, [x1, #96]
	ldp	x14, x15, [x1, #112]
	ldp	x16, x17, [x1, #128]
	ldr	x18, [x1, #144]
	ldr	x30, [x1, #240]
	ldp	x0, x1, [x1, #0]
	eret

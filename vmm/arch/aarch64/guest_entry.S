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
 * live in the CPU while the vCPU is loaded. The IPI's exits (the guest's
 * SGI, the receiver's host IPI) are handled before any of this, with
 * only the registers C clobbers saved (arch_guest_sysreg,
 * guest_irq_lean); so are an HVC's and an emulated MMIO access's, with
 * x19-x29 left in the registers (arch_guest_hvc, arch_guest_dabt). */
#include "guest_entry.h"

/* The guest's x2-x17 into struct guest_regs at x0. */
.macro store_x2_x17
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
.endm

/* Back into the guest with x0-x18 and x30 from struct guest_regs at x1
 * (x19-x29, ELR and SPSR as they are). */
.macro load_x0_x18_x30_eret
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
.endm

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
	store_x2_x17
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
	cbz	w0, guest_to_loop
	ldr	x1, [sp, #GFRAME_REGS]          /* handled: straight back in */
	tbnz	w0, #1, guest_resume_keep       /* GUEST_RESUME_KEEP */
	mov	x0, x1
	b	guest_enter
guest_to_loop:                              /* as arch_guest_run returns */
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #GFRAME_SIZE
	ret

/* An HVC (hypercalls, PSCI), from the main vector table: guest x0 and x1
 * pushed, x0 = ESR_EL2. Its handlers read and write x0-x6 only, and
 * leave ELR (past the HVC) and SPSR as they are: only x0-x18 and x30 go
 * into struct guest_regs (the handlers find their arguments there), and
 * vcpu_arch_hvc(regs) runs with the guest's x19-x29 still in the
 * registers, which C preserves. Handled (1): x0-x18 and x30 back, ERET.
 * For the loop (0): the rest of the guest's state into struct guest_regs
 * first. Any other exception class with bit 5 clear: the usual exit. */
	.global arch_guest_hvc
arch_guest_hvc:
	lsr	w1, w0, #26
	cmp	w1, #0x16                       /* EC: HVC64 */
	b.ne	9f
	ldr	x0, [sp, #(16 + GFRAME_REGS)]
	store_x2_x17
	str	x18, [x0, #144]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	bl	vcpu_arch_hvc                   /* (regs) */
	ldr	x1, [sp, #GFRAME_REGS]
	cbz	w0, 1f
	load_x0_x18_x30_eret
1:	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #GREGS_ELR]
guest_lean_to_loop:                 /* x1 = regs: x19-x29 in, to the loop */
	str	x19, [x1, #152]
	stp	x20, x21, [x1, #160]
	stp	x22, x23, [x1, #176]
	stp	x24, x25, [x1, #192]
	stp	x26, x27, [x1, #208]
	stp	x28, x29, [x1, #224]
	b	guest_to_loop
9:	mov	x1, #GUEST_EXIT_SYNC
	b	arch_guest_exit

/* A data abort (EC 0x24), from the main vector table: guest x0 and x1
 * pushed, x0 = ESR_EL2. One with a syndrome (ISV), a translation fault
 * (an address no RAM region maps: MMIO), from AArch64 and through x0-x18,
 * x30 or XZR (SRT) is emulated by vcpu_arch_dabt(regs, esr) as an HVC
 * is handled: only x0-x18 and x30 in struct guest_regs, x19-x29, ELR and
 * SPSR left in the CPU. Handled (1): ELR is already past the access;
 * x0-x18 and x30 back, ERET. For the loop (0): C has filled in ELR and
 * SPSR, x19-x29 follow. Anything else (an instruction abort, a fault
 * on an access through x19-x29, a permission fault, an AArch32 guest's):
 * the usual exit. */
	.global arch_guest_dabt
arch_guest_dabt:
	lsr	w1, w0, #24
	cmp	w1, #(0x24 << 2 | 3)            /* EC: a lower EL's data abort; */
	b.ne	9b                              /* IL: 32 bits; ISV */
	and	w1, w0, #0x3c
	cmp	w1, #0x04                       /* DFSC: translation, any level */
	b.ne	9b
	ubfx	w1, w0, #16, #5                 /* SRT */
	sub	w1, w1, #19
	cmp	w1, #(29 - 19)
	b.ls	9b                              /* x19-x29 */
	mrs	x1, spsr_el2
	tbnz	w1, #4, 9b                      /* AArch32 */
	mov	x1, x0
	ldr	x0, [sp, #(16 + GFRAME_REGS)]
	store_x2_x17
	str	x18, [x0, #144]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	bl	vcpu_arch_dabt                  /* (regs, esr) */
	ldr	x1, [sp, #GFRAME_REGS]
	cbz	w0, guest_lean_to_loop
	load_x0_x18_x30_eret

/* Re-entry after an exit handled whole that wrote none of the guest's
 * x19-x29: vcpu_arch_exit(), C, preserved them, so they still hold the
 * guest's values. x1 = regs. */
guest_resume_keep:
	ldp	x2, x3, [x1, #GREGS_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	load_x0_x18_x30_eret

/* The lean exits' frame of 144 bytes (x2 and x3 stored at its base as it
 * is made): the rest of what C clobbers, x4-x18 and x30. */
.macro save_x4_x18_x30
	stp	x4, x5, [sp, #16]
	stp	x6, x7, [sp, #32]
	stp	x8, x9, [sp, #48]
	stp	x10, x11, [sp, #64]
	stp	x12, x13, [sp, #80]
	stp	x14, x15, [sp, #96]
	stp	x16, x17, [sp, #112]
	stp	x18, x30, [sp, #128]
.endm
.macro restore_x4_x18_x30
	ldp	x4, x5, [sp, #16]
	ldp	x6, x7, [sp, #32]
	ldp	x8, x9, [sp, #48]
	ldp	x10, x11, [sp, #64]
	ldp	x12, x13, [sp, #80]
	ldp	x14, x15, [sp, #96]
	ldp	x16, x17, [sp, #112]
	ldp	x18, x30, [sp, #128]
.endm

/* A trapped MSR or MRS (EC 0x18), from the main vector table: guest x0
 * and x1 pushed, x0 = ESR_EL2. The guest's SGI (ICC_SGI1R_EL1), the IPI's
 * exit, is sent by vcpu_arch_sgi(vcpu, value) with only the registers C
 * clobbers saved, on the stack; its value is read from the register the
 * MSR named, through a table of two instructions a register. Anything
 * else, or an SGI it leaves (0), is the usual exit. */
	.global arch_guest_sysreg
arch_guest_sysreg:
	stp	x2, x3, [sp, #-144]!
	mov	w1, #(ESR_SGI1R_MASK & 0xffff)
	movk	w1, #(ESR_SGI1R_MASK >> 16), lsl #16
	and	w1, w0, w1
	mov	w2, #(ESR_SGI1R_WRITE & 0xffff)
	movk	w2, #(ESR_SGI1R_WRITE >> 16), lsl #16
	cmp	w1, w2
	b.ne	8f
	save_x4_x18_x30
	ubfx	x1, x0, #5, #5                  /* Rt */
	adr	x2, 1f
	add	x2, x2, x1, lsl #3
	br	x2
1:	ldr	x1, [sp, #144]                  /* x0, x1: pushed */
	b	2f
	ldr	x1, [sp, #152]
	b	2f
	ldr	x1, [sp, #0]                    /* x2: used here */
	b	2f
	.irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x1, x\n
	b	2f
	.endr
	mov	x1, xzr
2:	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PERCPU_VMM]
	bl	vcpu_arch_sgi
	restore_x4_x18_x30
	cbz	w0, 8f                          /* not sent */
	mrs	x1, elr_el2                     /* sent: past the MSR */
	add	x1, x1, #4
	msr	elr_el2, x1
	ldp	x2, x3, [sp], #144
	cmp	w0, #1
	b.ne	3f
	ldp	x0, x1, [sp], #16
	eret
3:	mov	x1, #(GUEST_EXIT_SYNC | GUEST_EXIT_DONE)
	b	arch_guest_exit
8:	ldp	x2, x3, [sp], #144
	mov	x1, #GUEST_EXIT_SYNC
	b	arch_guest_exit

/* ---- the virtual timer's fast path (vgic.c: struct vgic_fast) ----
 * GICv3 registers by their encodings. */
#define ICC_IAR1  S3_0_C12_C12_0
#define ICC_EOIR1 S3_0_C12_C12_1
#define ICH_HCR   S3_4_C12_C11_0
#define ICH_ELRSR S3_4_C12_C11_5
#define ICH_VMCR  S3_4_C12_C11_7
#define ICH_LR0   S3_4_C12_C12_0
#define HCR_TALL  0x1800 /* TALL0, TALL1 */
#define CTL_UP    5      /* CNTV_CTL: ENABLE, ISTATUS, not IMASK */

/* An interrupt while the guest runs (from either vector table: guest x0
 * and x1 pushed). If the vGIC armed it, list register 0 is free and the
 * host interrupt is the virtual timer's, it goes into list register 0
 * linked to the host PPI, which stays active until the guest deactivates
 * it; the guest's acknowledge traps unless the guest takes the interrupt
 * as it enters (vgic.c: lr_taken_at_entry). The PPI acknowledged means
 * the timer's level is up: level-sensitive, it would have read 1023
 * otherwise, and only the guest can lower it. Anything else: the usual
 * exit. */
	.global arch_guest_irq
arch_guest_irq:
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PERCPU_VMM]
	ldr	x1, [x0, #(VCPU_FAST + FAST_LR)]
	cbz	x1, guest_irq_lean              /* not armed */
	stp	x2, x3, [sp, #-16]!
	mrs	x2, ICH_ELRSR
	tbz	x2, #0, 8f                      /* list register 0 held */
	mrs	x2, ICC_IAR1
	cmp	x2, #FAST_PPI
	b.ne	7f
	msr	ICH_LR0, x1
	mrs	x3, spsr_el2
	tbnz	x3, #7, 1f                      /* IRQs masked */
	mrs	x3, ICH_VMCR
	tbz	x3, #1, 1f                      /* group 1 off */
	lsr	x3, x3, #24                     /* the priority mask */
	ubfx	x1, x1, #48, #8                 /* the PPI's priority */
	cmp	x1, x3
	b.lo	2f                              /* taken as the guest enters */
1:	mrs	x3, ICH_HCR                     /* else its acknowledge traps */
	orr	x3, x3, #HCR_TALL
	msr	ICH_HCR, x3
2:	mov	w3, #1
	str	w3, [x0, #(VCPU_FAST + FAST_FILLED)]
	ldr	x3, [x0, #VCPU_EXITS_IRQ]
	add	x3, x3, #1
	str	x3, [x0, #VCPU_EXITS_IRQ]
	adrp	x3, vgic_fast_vectors           /* until the vGIC catches up */
	add	x3, x3, :lo12:vgic_fast_vectors
	msr	vbar_el2, x3
	msr	ICC_EOIR1, x2                   /* priority drop only */
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret
7:	add	w2, w2, #1                      /* another one: the exit's */
	str	w2, [x0, #(VCPU_FAST + FAST_ACKED)]
8:	ldp	x2, x3, [sp], #16
9:	ldr	w1, [x0, #(VCPU_FAST + FAST_FILLED)]
	lsl	w1, w1, #2                      /* GUEST_EXIT_CATCHUP */
	orr	w1, w1, #GUEST_EXIT_IRQ
	b	arch_guest_exit

/* An interrupt the timer's fast path does not take, the vGIC caught up
 * with it: vcpu_arch_irq(vcpu) with only the registers C clobbers saved,
 * on the stack (x0 and x1 are already). A kick the vCPU stays in for
 * (1) goes straight back into the guest; else (0) the usual exit. */
guest_irq_lean:
	ldr	w1, [x0, #(VCPU_FAST + FAST_FILLED)]
	cbnz	w1, 9b
	stp	x2, x3, [sp, #-144]!
	save_x4_x18_x30
	bl	vcpu_arch_irq
	mov	w1, w0
	restore_x4_x18_x30
	ldp	x2, x3, [sp], #144
	cbz	w1, 1f
	ldp	x0, x1, [sp], #16
	eret
1:	mov	x1, #GUEST_EXIT_IRQ
	b	arch_guest_exit

/* A synchronous exit while the vGIC has not caught up with the fast
 * path. The guest's acknowledge (ICC_IAR1_EL1 read), trapped by the fast
 * path (no other sets the trap meanwhile: the vGIC arms it only while it
 * has none), with the timer's level up: the trap is lifted and the
 * acknowledge retried (vgic.c: vgic_ack_trapped). List register 0 is
 * still pending: the guest could not acknowledge it. Anything else: the
 * usual exit, catching up. */
guest_sync_fast:
	mrs	x0, esr_el2
	and	w0, w0, #0xfffffc1f             /* all but Rt */
	mov	w1, #0x3019                     /* EC 0x18 (MRS), IL, */
	movk	w1, #0x6230, lsl #16            /* ICC_IAR1_EL1, a read */
	cmp	w0, w1
	b.ne	9f
	mrs	x1, cntv_ctl_el0
	and	x1, x1, #7
	cmp	x1, #CTL_UP
	b.ne	9f
	mrs	x1, ICH_HCR
	and	x1, x1, #~HCR_TALL
	msr	ICH_HCR, x1
	ldp	x0, x1, [sp], #16
	eret                                    /* ELR: the MRS again */
9:	mov	x1, #(GUEST_EXIT_SYNC | GUEST_EXIT_CATCHUP)
	b	arch_guest_exit

.macro fast_vector_to main_entry
	.balign 128
	b	el2_vectors + \main_entry * 128
.endm
.macro fast_vector_exit kind
	.balign 128
	stp	x0, x1, [sp, #-16]!
	mov	x1, #(\kind | GUEST_EXIT_CATCHUP)
	b	arch_guest_exit
.endm

/* The vector table while the vGIC has not caught up with the fast path:
 * cvisor's own exceptions as in el2_vectors, the guest's exits through
 * the catch-up (GUEST_EXIT_CATCHUP). */
	.balign 2048
	.global vgic_fast_vectors
vgic_fast_vectors:
	fast_vector_to 0
	fast_vector_to 1
	fast_vector_to 2
	fast_vector_to 3
	fast_vector_to 4
	fast_vector_to 5
	fast_vector_to 6
	fast_vector_to 7
	.balign 128
	stp	x0, x1, [sp, #-16]!
	b	guest_sync_fast
	.balign 128
	stp	x0, x1, [sp, #-16]!
	b	arch_guest_irq
	fast_vector_exit GUEST_EXIT_IRQ         /* FIQ */
	fast_vector_exit GUEST_EXIT_SERROR
	fast_vector_to 12
	fast_vector_to 13
	fast_vector_to 14
	fast_vector_to 15

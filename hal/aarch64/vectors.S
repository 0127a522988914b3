/* EL2 exception vectors.
 *
 * Exceptions taken from EL2 itself: IRQs are dispatched (idle loop);
 * anything else is a bug of cvisor and is reported with its syndrome.
 * Exceptions from the guest (EL1/EL0) end arch_guest_run(): see
 * guest_entry.S. */
#include <arch/asm_offsets.h>

.macro save_all_regs
	sub	sp, sp, #(34 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, x0, [sp, #240]
	str	x1, [sp, #256]
.endm

.macro restore_all_regs
	ldp	x30, x0, [sp, #240]
	ldr	x1, [sp, #256]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #(34 * 8)
.endm

.macro el2_fault kind
	.balign 128
	save_all_regs
	mov	x0, sp
	mov	x1, #\kind
	bl	arch_el2_fault
	b	.
.endm

.macro guest_exit kind
	.balign 128
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	arch_guest_exit
.endm

	.text
	.balign 2048
	.global el2_vectors
el2_vectors:
	/* current EL, SP_EL0: never used by cvisor */
	el2_fault 0
	el2_fault 1
	el2_fault 2
	el2_fault 3
	/* current EL, SP_EL2 */
	el2_fault 4                     /* synchronous: a bug of cvisor */
	.balign 128
	b	el2_irq
	el2_fault 6
	el2_fault 7
	/* lower EL, AArch64: the guest */
	.balign 128                      /* synchronous: a trapped MSR or */
	stp	x0, x1, [sp, #-16]!      /* MRS to the VMM's fast path first */
	mrs	x0, esr_el2              /* (EC 0x18, bit 3 of the EC set: */
	tbnz	w0, #29, 1f              /* not a data abort's or HVC's), */
	tbz	w0, #31, 2f              /* an HVC's (EC 0x16: bit 5 clear, */
	b	arch_guest_dabt          /* a data abort's set) too */
1:	b	arch_guest_sysreg
2:	b	arch_guest_hvc
	.balign 128                      /* IRQ: the VMM's fast path first */
	stp	x0, x1, [sp, #-16]!
	b	arch_guest_irq
	guest_exit GUEST_EXIT_IRQ        /* FIQ: treated as an interrupt */
	guest_exit GUEST_EXIT_SERROR
	/* lower EL, AArch32: EL1 is always AArch64 (HCR_EL2.RW) */
	el2_fault 12
	el2_fault 13
	el2_fault 14
	el2_fault 15

/* An interrupt taken in cvisor itself (the idle loop). */
el2_irq:
	save_all_regs
	bl	irq_dispatch
	restore_all_regs
	eret

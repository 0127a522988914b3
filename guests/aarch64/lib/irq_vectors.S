/* EL1 exception vectors of the test guests that take interrupts: an IRQ
 * from EL1 calls guest_irq(); anything else reports and stops. */
	.macro	vector label
	.balign	0x80
	b	\label
	.endm

	.section .text
	.balign	0x800
	.global	guest_irq_vectors
guest_irq_vectors:
	vector	unexpected	/* current EL, SP_EL0 */
	vector	unexpected
	vector	unexpected
	vector	unexpected
	vector	unexpected	/* current EL, SP_ELx: sync */
	vector	irq		/* IRQ */
	vector	unexpected	/* FIQ */
	vector	unexpected	/* SError */
	.rept	8
	vector	unexpected	/* lower ELs */
	.endr

irq:
	stp	x0, x1, [sp, #-176]!
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	guest_irq
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldp	x0, x1, [sp], #176
	eret

unexpected:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	bl	guest_unexpected
1:	wfi
	b	1b

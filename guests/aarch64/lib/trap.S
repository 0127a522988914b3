/* EL1 exception vectors for the test guests (guest_trap_install() puts
 * them in VBAR_EL1). A synchronous exception from EL1 is recorded in
 * guest_trap (count, ESR, FAR, ELR) and execution goes on: after the
 * faulting instruction, or, for an instruction abort (a branch to where
 * nothing executes), back at the caller's x30. An IRQ from EL1 calls
 * guest_irq(); every other vector stops the guest in a loop. */
	.section .text
	.balign 2048
	.global guest_vectors
guest_vectors:
	.rept 4                     /* current EL with SP_EL0 */
	.balign 128
	b	.
	.endr
	.balign 128                 /* current EL with SPx: synchronous */
	b	trap_sync
	.balign 128                 /* IRQ */
	b	trap_irq
	.rept 10                    /* FIQ, SError; lower ELs */
	.balign 128
	b	.
	.endr

trap_sync:
	stp	x0, x1, [sp, #-32]!
	str	x2, [sp, #16]
	ldr	x0, =guest_trap
	ldr	x1, [x0]
	add	x1, x1, #1
	str	x1, [x0]                /* count */
	mrs	x1, esr_el1
	str	x1, [x0, #8]
	mrs	x1, far_el1
	str	x1, [x0, #16]
	mrs	x1, elr_el1
	str	x1, [x0, #24]
	mov	x2, x1                  /* x2 = ELR */
	mrs	x1, esr_el1
	lsr	x1, x1, #26             /* EC */
	and	x1, x1, #0x3e
	cmp	x1, #0x20               /* instruction abort (0x20 or 0x21) */
	b.ne	1f
	mov	x2, x30                 /* back to the caller of the branch */
	b	2f
1:	add	x2, x2, #4
2:	msr	elr_el1, x2
	ldr	x2, [sp, #16]
	ldp	x0, x1, [sp], #32
	eret

trap_irq:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #160]
	bl	guest_irq
	ldp	x0, x1, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #176
	eret

/* A minimal EL1 vector table: a synchronous exception from EL1 (SPx)
 * records ESR_EL1 and FAR_EL1, skips the faulting instruction and
 * returns; anything else stops the guest. */
	.section .text
	.balign 2048
	.global abort_vectors
abort_vectors:
	.rept 4
	.balign 128
	b	.
	.endr
	.balign 128                 /* current EL, SPx, synchronous */
	b	sync_el1
	.rept 11
	.balign 128
	b	.
	.endr

sync_el1:
	stp	x0, x1, [sp, #-16]!
	ldr	x0, =abort_seen
	mrs	x1, esr_el1
	str	x1, [x0]
	mrs	x1, far_el1
	str	x1, [x0, #8]
	mrs	x1, elr_el1
	add	x1, x1, #4
	msr	elr_el1, x1
	ldp	x0, x1, [sp], #16
	eret

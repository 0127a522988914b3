/* hostile: T32 code run at AArch32 EL0 (aarch32.c drives it).
 *
 * a32_run(entry, regs) enters the T32 code at 'entry' in User mode with
 * r0-r14 from regs[0..14] and interrupts masked, and returns when the
 * code makes an SVC, with r0-r14 back in regs. Meanwhile VBAR_EL1 must
 * be a32_vectors (the caller sets it): each other exception from EL0 is
 * recorded in a32_traps (the vector it arrived at, ESR, FAR, ELR, SPSR)
 * and the code goes on after the instruction, every instruction here
 * that traps being a 32-bit one.
 *
 * The aarch64 assembler has no T32, so the code is written out as
 * halfwords, each with the instruction it encodes. */
#define A32_MAX_TRAPS 4

	.section .text
	.balign 2048
	.global a32_vectors
a32_vectors:
	.rept 8                         /* current EL: not expected */
	.balign 128
	b	.
	.endr
	.balign 128                     /* lower EL, AArch64: synchronous */
	mov	x16, #0x400
	b	a32_sync
	.rept 3                         /* IRQ, FIQ, SError: masked */
	.balign 128
	b	.
	.endr
	.balign 128                     /* lower EL, AArch32: synchronous */
	mov	x16, #0x600
	b	a32_sync
	.rept 3
	.balign 128
	b	.
	.endr

/* Registers x15-x30 are not AArch32's: their values are UNKNOWN after an
 * exception from EL0, so they are free here, and a32_run keeps its own
 * on the stack (SP_EL1, unchanged by the trip to EL0). */
a32_sync:
	mrs	x15, esr_el1
	lsr	x15, x15, #26
	cmp	x15, #0x11                  /* SVC from AArch32: done */
	b.eq	a32_done
	ldr	x17, =a32_traps
	ldr	x15, [x17]                  /* count */
	cmp	x15, #A32_MAX_TRAPS
	b.hs	1f
	add	x18, x17, #8
	add	x18, x18, x15, lsl #5       /* 4 words per trap */
	mrs	x19, spsr_el1
	orr	x19, x16, x19, lsl #32      /* SPSR above the vector */
	mrs	x20, esr_el1
	stp	x19, x20, [x18]
	mrs	x19, far_el1
	mrs	x20, elr_el1
	stp	x19, x20, [x18, #16]
1:	add	x15, x15, #1
	str	x15, [x17]
	mrs	x15, elr_el1
	add	x15, x15, #4
	msr	elr_el1, x15
	eret

	.global a32_run
a32_run:                                /* x0 = entry, x1 = regs[15] */
	stp	x29, x30, [sp, #-112]!
	stp	x27, x28, [sp, #16]
	stp	x25, x26, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x21, x22, [sp, #64]
	stp	x19, x20, [sp, #80]
	str	x1, [sp, #96]
	msr	elr_el1, x0
	mov	x2, #0x1f0                  /* User mode, T32, A, I, F masked */
	msr	spsr_el1, x2
	mov	x15, x1
	ldp	w0, w1, [x15, #0]
	ldp	w2, w3, [x15, #8]
	ldp	w4, w5, [x15, #16]
	ldp	w6, w7, [x15, #24]
	ldp	w8, w9, [x15, #32]
	ldp	w10, w11, [x15, #40]
	ldp	w12, w13, [x15, #48]
	ldr	w14, [x15, #56]
	eret

a32_done:
	ldr	x15, [sp, #96]
	stp	w0, w1, [x15, #0]
	stp	w2, w3, [x15, #8]
	stp	w4, w5, [x15, #16]
	stp	w6, w7, [x15, #24]
	stp	w8, w9, [x15, #32]
	stp	w10, w11, [x15, #40]
	stp	w12, w13, [x15, #48]
	str	w14, [x15, #56]
	ldp	x19, x20, [sp, #80]
	ldp	x21, x22, [sp, #64]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #32]
	ldp	x27, x28, [sp, #16]
	ldp	x29, x30, [sp], #112
	ret

/* The EL0 routine: r1 = the UART, r5 = an address nothing backs, r2, r3,
 * r4 = 0. Every load from the UART reads UARTFR (0x90) and is emulated
 * by cvisor; each "adds" must run once (r0 = r6 = 0x91, r2 = 3, r4 = 1
 * at the end). */
	.balign 4
	.global a32_code, a32_code_wfi, a32_code_abort, a32_code_mrc
a32_code:
	.hword	0x6988                  /* ldr   r0, [r1, #0x18]   T16 */
	.hword	0x3001                  /* adds  r0, #1 */
	.hword	0xf8d1, 0x6018          /* ldr.w r6, [r1, #0x18]   T32 */
	.hword	0x3601                  /* adds  r6, #1 */
a32_code_wfi:
	.hword	0xbf30                  /* wfi                     T16 */
	.hword	0x3201                  /* adds  r2, #1 */
a32_code_abort:
	.hword	0xf8d5, 0x8000          /* ldr.w r8, [r5]          abort */
	.hword	0x3201                  /* adds  r2, #1 */
a32_code_mrc:
	.hword	0xee10, 0x9e10          /* mrc   p14, 0, r9, c0, c0, 0 (DBGDIDR) */
	.hword	0x3201                  /* adds  r2, #1 */
	/* In an IT block: the emulated load must move ITSTATE on, or
	 * the MOVNE runs as EQ and the ADDS after the block as NE. */
	.hword	0x2b00                  /* cmp   r3, #0            Z = 1 */
	.hword	0xbf0c                  /* ite   eq */
	.hword	0x698f                  /* ldreq r7, [r1, #0x18]   T16 */
	.hword	0x2301                  /* movne r3, #1            not run */
	.hword	0x3401                  /* adds  r4, #1            run */
	.hword	0xdf00                  /* svc   #0 */
	.hword	0xdf00                  /* svc   #0, should ITSTATE be off */

	.section .bss
	.balign 8
	.global a32_traps
a32_traps:                              /* count, then 4 words per trap */
	.space	8 + A32_MAX_TRAPS * 32

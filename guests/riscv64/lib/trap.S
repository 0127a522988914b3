/* The S-mode trap vector of the test guests (stvec, direct mode). The
 * caller-saved registers go on the stack; an interrupt goes to
 * guest_irq(scause), an exception to guest_exception(frame), which
 * records it and moves sepc on (lib/runtime.c). */
#define FRAME_SIZE (18 * 8)

	.text
	.balign 4
	.global guest_trap_entry
guest_trap_entry:
	addi	sp, sp, -FRAME_SIZE
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t1, 16(sp)
	sd	t2, 24(sp)
	sd	a0, 32(sp)
	sd	a1, 40(sp)
	sd	a2, 48(sp)
	sd	a3, 56(sp)
	sd	a4, 64(sp)
	sd	a5, 72(sp)
	sd	a6, 80(sp)
	sd	a7, 88(sp)
	sd	t3, 96(sp)
	sd	t4, 104(sp)
	sd	t5, 112(sp)
	sd	t6, 120(sp)
	csrr	t0, sepc
	sd	t0, 128(sp)
	csrr	a0, scause
	bgez	a0, 1f
	call	guest_irq
	j	2f
1:	mv	a0, sp
	call	guest_exception
2:	ld	t0, 128(sp)
	csrw	sepc, t0
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t1, 16(sp)
	ld	t2, 24(sp)
	ld	a0, 32(sp)
	ld	a1, 40(sp)
	ld	a2, 48(sp)
	ld	a3, 56(sp)
	ld	a4, 64(sp)
	ld	a5, 72(sp)
	ld	a6, 80(sp)
	ld	a7, 88(sp)
	ld	t3, 96(sp)
	ld	t4, 104(sp)
	ld	t5, 112(sp)
	ld	t6, 120(sp)
	addi	sp, sp, FRAME_SIZE
	sret

/* The S-mode trap vector (stvec, direct mode).
 *
 * Traps taken in cvisor itself: interrupts go to irq_dispatch() and
 * return; any exception is a bug of cvisor and is reported with scause,
 * sepc and stval (arch_trap_fault panics). The frame holds x0-x31 by
 * number (x0's slot unused, x2 = sp before the trap), then sepc, sstatus,
 * scause and stval. */
#define FRAME_SEPC     (32 * 8)
#define FRAME_SSTATUS  (33 * 8)
#define FRAME_SCAUSE   (34 * 8)
#define FRAME_STVAL    (35 * 8)
#define FRAME_SIZE     (36 * 8)

	.text
	.balign 4
	.global arch_trap_entry
arch_trap_entry:
	addi	sp, sp, -FRAME_SIZE
	sd	x1, 1 * 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, \
		   20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, \n * 8(sp)
	.endr
	addi	t0, sp, FRAME_SIZE
	sd	t0, 2 * 8(sp)
	csrr	t0, sepc
	sd	t0, FRAME_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, FRAME_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t1, stval
	sd	t1, FRAME_STVAL(sp)
	bltz	t0, 1f                  /* bit 63: an interrupt */
	mv	a0, sp
	call	arch_trap_fault         /* does not return */
	j	.
1:	call	irq_dispatch
	ld	t0, FRAME_SEPC(sp)
	csrw	sepc, t0
	ld	t0, FRAME_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, 1 * 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, \
		   20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, \n * 8(sp)
	.endr
	addi	sp, sp, FRAME_SIZE
	sret

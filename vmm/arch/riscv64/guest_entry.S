/* Entering a guest and coming back (riscv64, HS-mode).
 *
 * void arch_guest_run(struct guest_regs *r): the host's callee-saved
 * registers (ra, gp, tp, s0-s11) go on its stack and the stack pointer
 * into r->host_sp; sscratch holds r and stvec points at guest_exit while
 * the guest runs; the guest's sepc, sstatus (SPP: VS or VU) and hstatus
 * (SPV set) are written and its x1-x31 loaded; sret enters it. Its next
 * trap, exception or host interrupt, lands at guest_exit, which saves
 * x1-x31 and the three CSRs back into r, restores the host and returns.
 * The caller keeps interrupts masked (sstatus.SIE = 0) throughout; while
 * V = 1 HS-level interrupts are taken whatever SIE says. */
#include "guest_entry.h"

#define HOST_FRAME (16 * 8)

	.text
	.global arch_guest_run
arch_guest_run:
	addi	sp, sp, -HOST_FRAME
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 24(sp)
	sd	s1, 32(sp)
	sd	s2, 40(sp)
	sd	s3, 48(sp)
	sd	s4, 56(sp)
	sd	s5, 64(sp)
	sd	s6, 72(sp)
	sd	s7, 80(sp)
	sd	s8, 88(sp)
	sd	s9, 96(sp)
	sd	s10, 104(sp)
	sd	s11, 112(sp)
	sd	sp, GREGS_HOST_SP(a0)
	csrw	sscratch, a0
	lla	t0, guest_exit
	csrw	stvec, t0
	ld	t0, GREGS_SEPC(a0)
	csrw	sepc, t0
	ld	t0, GREGS_SSTATUS(a0)
	csrw	sstatus, t0
	ld	t0, GREGS_HSTATUS(a0)
	csrw	0x600, t0              /* hstatus */
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, \
		   19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, \n * 8(a0)
	.endr
	ld	a0, 10 * 8(a0)
	sret

	.balign 4
guest_exit:
	csrrw	a0, sscratch, a0        /* a0 = r, sscratch = the guest's a0 */
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, \
		   19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, \n * 8(a0)
	.endr
	csrr	t0, sscratch
	sd	t0, 10 * 8(a0)
	csrr	t0, sepc
	sd	t0, GREGS_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, GREGS_SSTATUS(a0)
	csrr	t0, 0x600              /* hstatus */
	sd	t0, GREGS_HSTATUS(a0)
	csrw	sscratch, zero
	lla	t0, arch_trap_entry
	csrw	stvec, t0
	ld	sp, GREGS_HOST_SP(a0)
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 24(sp)
	ld	s1, 32(sp)
	ld	s2, 40(sp)
	ld	s3, 48(sp)
	ld	s4, 56(sp)
	ld	s5, 64(sp)
	ld	s6, 72(sp)
	ld	s7, 80(sp)
	ld	s8, 88(sp)
	ld	s9, 96(sp)
	ld	s10, 104(sp)
	ld	s11, 112(sp)
	addi	sp, sp, HOST_FRAME
	ret

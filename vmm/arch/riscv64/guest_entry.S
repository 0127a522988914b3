/* Entering a guest and coming back (riscv64, HS-mode).
 *
 * void arch_guest_run(struct guest_regs *r, struct vcpu_exit *e): the
 * host's callee-saved registers (ra, gp, tp, s0-s11), r and e go on its
 * stack and the stack pointer into r->host_sp; sscratch holds r while
 * the guest runs, and stvec points at guest_exit until the exit goes
 * back to the loop; the guest's sepc,
 * sstatus (SPP: VS or VU) and hstatus (SPV set) are written and its
 * x1-x31 loaded; sret enters it. Its next trap, exception or host
 * interrupt, lands at guest_exit, which saves x1-x31, sepc and sstatus
 * back into r and calls vcpu_arch_hypercall(r) or vcpu_arch_sbi(r, e)
 * (an ecall), for a load's or store's
 * guest-page fault vcpu_arch_mmio(r, e, write), or for any other exit
 * vcpu_arch_exit(r, e, scause), on the host's stack with
 * the host's tp (per-CPU pointer). An exit it handles whole (an SBI call,
 * a hypercall, emulated MMIO) re-enters the guest at once, without
 * reloading s0-s11 when it wrote none of them (the C code preserved
 * them); the others return from arch_guest_run to the vCPU loop, as if it
 * had been an ordinary call. The VS CSRs are not touched here: they stay
 * in the hart while the vCPU is loaded. The caller keeps interrupts masked
 * (sstatus.SIE = 0) throughout; while V = 1 HS-level interrupts are taken
 * whatever SIE says. */
#include "guest_entry.h"

#define HOST_FRAME (18 * 8)
#define FRAME_TP   16
#define FRAME_R    (15 * 8)
#define FRAME_E    (16 * 8)

	.text
	.global arch_guest_run
arch_guest_run:
	addi	sp, sp, -HOST_FRAME
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, FRAME_TP(sp)
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
	sd	a0, FRAME_R(sp)
	sd	a1, FRAME_E(sp)
	sd	sp, GREGS_HOST_SP(a0)
	ld	t0, GREGS_HSTATUS(a0)  /* as vcpu_arch_reset() set it */
	csrw	0x600, t0              /* hstatus */
	lla	t0, guest_exit
	csrw	stvec, t0
/* a0 = r: every register but gp the guest's. */
	ld	gp, 3 * 8(a0)
guest_resume:
	.irp	n, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	ld	x\n, \n * 8(a0)
	.endr
/* a0 = r: s0-s11 and gp hold the guest's already. hstatus is as the guest's
 * last trap left it (SPV set; cvisor's HLV faults restore it). */
guest_resume_keep:
	ld	t0, GREGS_SSTATUS(a0)
	csrw	sstatus, t0
/* The same with the hart's sstatus the guest's (GUEST_RESUME_MMIO). */
guest_resume_mmio:
	ld	t0, GREGS_SEPC(a0)
	csrw	sepc, t0
/* a0 = r, and the hart's sepc and sstatus the guest's (GUEST_RESUME_ECALL). */
guest_resume_ecall:
	csrw	sscratch, a0
	.irp	n, 1, 2, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	ld	x\n, \n * 8(a0)
	.endr
	ld	a0, 10 * 8(a0)
	sret

/* s0-s11 are saved only when the loop takes the exit: no exit answered
 * in place reads them (an SBI call, a hypercall, a load, a store from
 * another register, a WFI, a host interrupt, an exception given back to
 * the guest), and C preserves them, so they stay in the registers
 * (vcpu_arch_exit() answers GUEST_RESUME_KEEP or GUEST_TO_LOOP_SAVE). A
 * load into one
 * of them has them saved first and then completed in C
 * (GUEST_SAVE_LOAD), a store from one is decoded again once they are
 * saved (GUEST_SAVE_STORE); an exit the loop takes saves them
 * afterwards (GUEST_TO_LOOP_SAVE). gp likewise: cvisor's C never uses it
 * (no __global_pointer$), so the guest's stays in the register until
 * the loop takes the exit. */
	.balign 4
guest_exit:
	csrrw	a0, sscratch, a0        /* a0 = r, sscratch = the guest's a0 */
	beqz	a0, host_trap
	.irp	n, 1, 2, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	sd	x\n, \n * 8(a0)
	.endr
	csrr	t0, sscratch
	sd	t0, 10 * 8(a0)
	/* stvec stays here while the exit is handled: a trap of cvisor's
	 * own (none is expected but an HLV's in hcsr.S, which has its own
	 * landing) finds sscratch 0 and goes on to cvisor's vector. */
	csrw	sscratch, zero
	csrr	a2, scause
	csrr	t0, sepc
	ld	sp, GREGS_HOST_SP(a0)
	ld	tp, FRAME_TP(sp)
	li	t1, EXC_ECALL_VS
	bne	a2, t1, 1f
	/* Past the ecall, in the hart (GUEST_RESUME_ECALL). A hypercall
	 * reads neither sepc nor sstatus: they go into 'r' only for C that
	 * may (an SBI call, vcpu_arch_ecall_resume()). */
	addi	t0, t0, 4
	csrw	sepc, t0
	li	t1, SBI_EXT_HYPERCALL
	bne	a7, t1, 9f
	call	vcpu_arch_hypercall     /* (r): the guest's a0 */
	mv	t2, a0
	ld	a0, FRAME_R(sp)
	sd	t2, 10 * 8(a0)
	j	10f
9:	sd	t0, GREGS_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, GREGS_SSTATUS(a0)
	ld	a1, FRAME_E(sp)
	call	vcpu_arch_sbi           /* (r, e) */
	ld	a0, FRAME_R(sp)
	ld	a1, FRAME_E(sp)
	lw	t1, 0(a1)               /* e->kind: EXIT_NONE if answered */
	li	t2, GUEST_TO_LOOP_SAVE
	bnez	t1, 5f
	ld	t1, REGS_VCPU_EXIT_NONE(a0)
	addi	t1, t1, 1
	sd	t1, REGS_VCPU_EXIT_NONE(a0)
	/* exit_resume()'s common case, tested here so that the C above
	 * keeps no frame: the vCPU on, no reschedule, nothing in its inject
	 * word; else vcpu_arch_ecall_resume() does the rest. */
10:	lw	t1, REGS_VCPU_STATE(a0)
	li	t2, VCPU_STATE_ON
	bne	t1, t2, 11f
	lw	t1, PERCPU_NEED_RESCHED(tp)
	bnez	t1, 11f
	ld	t1, VARCH_INJECT(a0)
	beqz	t1, guest_resume_ecall
11:	csrr	t0, sepc
	sd	t0, GREGS_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, GREGS_SSTATUS(a0)
	ld	a1, FRAME_E(sp)
	call	vcpu_arch_ecall_resume  /* (r, e) */
	mv	t2, a0
	ld	a0, FRAME_R(sp)
	li	t1, GUEST_RESUME_ECALL
	beq	t2, t1, guest_resume_ecall
	j	5f
1:	sd	t0, GREGS_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, GREGS_SSTATUS(a0)
	ld	a1, FRAME_E(sp)
	li	t0, EXC_LOAD_GUEST_PAGE
	beq	a2, t0, 6f
	li	t0, EXC_STORE_GUEST_PAGE
	beq	a2, t0, 7f
	call	vcpu_arch_exit          /* (r, e, scause) */
	j	2f
7:	li	a2, MMIO_STORE
	call	vcpu_arch_mmio          /* (r, e, kind) */
	j	2f
6:	li	a2, MMIO_LOAD
	call	vcpu_arch_mmio
2:	mv	t2, a0
	ld	a0, FRAME_R(sp)
5:	li	t1, GUEST_RESUME_MMIO
	beq	t2, t1, guest_resume_mmio
	li	t1, GUEST_RESUME_KEEP
	beq	t2, t1, guest_resume_keep
	li	t1, GUEST_RESUME
	beq	t2, t1, guest_resume
	beqz	t2, 3f                  /* GUEST_TO_LOOP */
	.irp	n, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	sd	x\n, \n * 8(a0)        /* GUEST_TO_LOOP_SAVE, GUEST_SAVE_* */
	.endr
	ld	a1, FRAME_E(sp)
	li	t1, GUEST_SAVE_STORE
	beq	t2, t1, 8f
	li	t1, GUEST_SAVE_LOAD
	bne	t2, t1, 3f
	call	vcpu_arch_load_done     /* (r, e) */
	j	2b
8:	li	a2, MMIO_STORE_SAVED
	call	vcpu_arch_mmio
	j	2b
3:	sd	gp, 3 * 8(a0)
	csrr	t0, 0x645               /* hvip: the guest's VSSIP, for the loop */
	andi	t0, t0, 4
	sd	t0, VARCH_HVIP(a0)
	lla	t0, arch_trap_entry
	csrw	stvec, t0
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, FRAME_TP(sp)
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

/* A trap taken by cvisor itself while stvec points here (sscratch 0):
 * a0 back as it was, then cvisor's own vector. */
host_trap:
	csrrw	a0, sscratch, a0
	j	arch_trap_entry

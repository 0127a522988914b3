/* Guest-memory reads and CSR probes that may trap, from HS-mode: each
 * points stvec at a local landing for the one instruction that may fault
 * and reports whether it did. Interrupts are masked (sstatus.SIE = 0)
 * whenever these run, so only that instruction's exception lands there.
 * The trap CSRs (scause, stval, sepc, htval) are overwritten by a fault:
 * callers read the exit's before. A fault from HS-mode also clears
 * hstatus.SPV, which the exit path's re-entry into the guest relies on
 * (guest_entry.S): the HLV ones put hstatus back as it was. */
	.option push
	.option arch, +d
	.text

/* uint64_t arch_fetch_insn(uint64_t gva): the guest's instruction at
 * 'gva' as HLVX reads it (its VS stage and G stage, for execution), its
 * low 16 bits only when it is compressed; ~0 when it cannot be read. At
 * a 4-byte aligned pc one HLVX.WU reads it, whatever its length (four
 * aligned bytes never cross a page); otherwise halfword by halfword, the
 * second only for a 32-bit instruction (it may be on the next page). */
	.global arch_fetch_insn
arch_fetch_insn:
	csrr	t3, 0x600                      /* hstatus */
	csrr	t1, stvec
	lla	t0, 9f
	csrw	stvec, t0
	andi	t0, a0, 3
	bnez	t0, 2f
	.insn	r 0x73, 4, 0x34, a0, a0, x3    /* hlvx.wu a0, (a0) */
	csrw	stvec, t1
	andi	t0, a0, 3
	li	t2, 3
	bne	t0, t2, 3f
	ret
2:	.insn	r 0x73, 4, 0x32, t2, a0, x3    /* hlvx.hu t2, (a0) */
	andi	t0, t2, 3
	li	a1, 3
	bne	t0, a1, 4f
	addi	a0, a0, 2
	.insn	r 0x73, 4, 0x32, a0, a0, x3    /* hlvx.hu a0, (a0) */
	csrw	stvec, t1
	slli	a0, a0, 16
	or	a0, a0, t2
	ret
3:	slli	a0, a0, 48                     /* compressed: its 16 bits */
	srli	a0, a0, 48
	ret
4:	mv	a0, t2
	csrw	stvec, t1
	ret
	.balign 4
9:	li	a0, -1
	csrw	0x600, t3
	csrw	stvec, t1
	ret

/* bool arch_hlv_d(uint64_t gva, uint64_t *out): HLV.D, a doubleword of the
 * guest's memory at 'gva' as its translation for a load gives it. An
 * ecall's exit leaves the guest's sepc and sstatus in the hart for its
 * re-entry (guest_entry.S, GUEST_RESUME_ECALL): a fault puts them back. */
	.global arch_hlv_d
arch_hlv_d:
	csrr	t3, 0x600                      /* hstatus */
	csrr	t4, sepc
	csrr	t5, sstatus
	csrr	t1, stvec
	lla	t0, 1f
	csrw	stvec, t0
	.insn	r 0x73, 4, 0x36, t2, a0, x0    /* hlv.d t2, (a0) */
	sd	t2, 0(a1)
	li	a0, 1
	csrw	stvec, t1
	ret
	.balign 4
1:	li	a0, 0
	csrw	0x600, t3
	csrw	sepc, t4
	csrw	sstatus, t5
	csrw	stvec, t1
	ret

/* bool arch_probe_h(void): whether the hart has the H extension (hgatp
 * reads; without H it is an illegal instruction). */
	.global arch_probe_h
arch_probe_h:
	csrr	t1, stvec
	lla	t0, 1f
	csrw	stvec, t0
	csrr	t2, 0x680                      /* hgatp */
	li	a0, 1
	csrw	stvec, t1
	ret
	.balign 4
1:	li	a0, 0
	csrw	stvec, t1
	ret

/* The guest's f0-f31 and fcsr (struct fp_regs); sstatus.FS must be on. */
	.global arch_fp_save
arch_fp_save:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, \
		   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fsd	f\n, \n * 8(a0)
	.endr
	frcsr	t0
	sd	t0, 32 * 8(a0)
	ret

	.global arch_fp_restore
arch_fp_restore:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, \
		   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	fld	f\n, \n * 8(a0)
	.endr
	ld	t0, 32 * 8(a0)
	fscsr	t0
	ret
	.option pop

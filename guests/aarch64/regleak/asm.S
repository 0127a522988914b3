/* regleak's helpers: the vector tables of the check phase, the FP/SIMD
 * registers, and a call on another stack. */
	.arch armv8-a+fp+simd
	.text

/* Two tables, one per VM, so that the two VMs' VBAR_EL1 differ. Nothing
 * may trap to EL1 while the registers hold the patterns (that would
 * overwrite ELR, SPSR, ESR and FAR): each entry stops the test. */
	.balign 2048
	.global regleak_vectors
regleak_vectors:
	.rept 32
	.balign 128
	b	regleak_stray_exception
	.endr

/* void regleak_fp_fill(const uint64_t *src): q0-q31 from 512 bytes */
	.global regleak_fp_fill
regleak_fp_fill:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ret

/* void regleak_fp_dump(uint64_t *dst): q0-q31 to 512 bytes */
	.global regleak_fp_dump
regleak_fp_dump:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	ret

/* void regleak_call_on_stack(void (*fn)(void), void *stack_top): each
 * VM runs its checks on a stack of its own, so that the two VMs'
 * SP_EL1 differ too. */
	.global regleak_call_on_stack
regleak_call_on_stack:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	sp, x1
	str	x29, [sp, #-16]!
	blr	x0
	ldr	x29, [sp], #16
	mov	sp, x29
	ldp	x29, x30, [sp], #16
	ret

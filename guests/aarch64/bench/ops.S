/* The measured operations: bench_<op>(n) performs the operation n times
 * in a loop of the same shape as bench_empty's, whose cost main.c
 * subtracts. The loop counter is x19 (callee-saved: SMCCC lets an HVC
 * clobber x4-x17). Each op's cost includes the instruction that sets up
 * its argument register, as a caller's would. */
	.section .text

.macro LOOP_ENTRY name
	.global bench_\name
	.balign 64
bench_\name:
	stp	x19, x30, [sp, #-16]!
	mov	x19, x0
.endm

.macro LOOP_EXIT
	ldp	x19, x30, [sp], #16
	ret
.endm

/* The loop alone. */
LOOP_ENTRY empty
1:	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* HVC #0 with a number cvisor does not define: decoded, refused (-1). */
LOOP_ENTRY null_hypercall
1:	mov	x0, #0xffff
	hvc	#0
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* PSCI_VERSION over HVC. */
LOOP_ENTRY psci_version
1:	mov	x0, #0x84000000
	hvc	#0
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* A 32-bit read of GICD_TYPER (emulated by the vGIC). */
LOOP_ENTRY gicd_typer_read
	mov	x1, #0x08000000
1:	ldr	w2, [x1, #4]
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* A 32-bit write of 0 to the virtual PL011's UARTIMSC (interrupt mask):
 * a register write that prints nothing. */
LOOP_ENTRY uart_write
	movz	x1, #0x0900, lsl #16
1:	str	wzr, [x1, #0x38]
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* A virtual IPI to CPU 1 and its answer back (main.c: bench_ipi_once). */
LOOP_ENTRY ipi_round_trip
1:	bl	bench_ipi_once
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* A virtual timer interrupt taken and EOI'd (main.c: bench_vtimer_once). */
LOOP_ENTRY vtimer_irq
1:	bl	bench_vtimer_once
	subs	x19, x19, #1
	b.ne	1b
LOOP_EXIT

/* Compute-bound work: xorshift64 steps and a load/store over a 64 KiB
 * buffer. Returns a checksum, equal natively and under cvisor. */
	.global bench_compute
	.balign 64
bench_compute:
	ldr	x3, =compute_buf
	mov	x1, #0x2545
	movk	x1, #0xf491, lsl #16
	mov	x2, #0
	mov	x4, #0
1:	eor	x1, x1, x1, lsl #13
	eor	x1, x1, x1, lsr #7
	eor	x1, x1, x1, lsl #17
	ldr	x5, [x3, x4]
	add	x5, x5, x1
	str	x5, [x3, x4]
	add	x2, x2, x5
	add	x4, x4, #8
	and	x4, x4, #0xfff8
	subs	x0, x0, #1
	b.ne	1b
	mov	x0, x2
	ret

	.section .bss
	.balign 4096
compute_buf:
	.space	65536

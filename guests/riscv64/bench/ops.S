/* The measured operations on riscv64: bench_<op>(n) performs the
 * operation n times in a loop of the same shape as bench_empty's, whose
 * cost main.c subtracts. The loop counter is s1 (callee-saved; an SBI
 * call returns in a0 and a1 and keeps every other register). Each op's
 * cost includes the instruction that sets up its argument, as a
 * caller's would. */
#define PLIC_BASE 0x0c000000
#define UART_BASE 0x10000000
#define EXT_HVC   0x485643 /* AxVisor's hypercall extension */

	.section .text

.macro LOOP_ENTRY name
	.global bench_\name
	.balign 64
bench_\name:
	addi	sp, sp, -16
	sd	s1, 0(sp)
	sd	ra, 8(sp)
	mv	s1, a0
.endm

.macro LOOP_EXIT
	ld	s1, 0(sp)
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
.endm

/* The loop alone. */
LOOP_ENTRY empty
1:	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* The hypercall extension with a number cvisor does not define: decoded,
 * refused (-1). */
LOOP_ENTRY null_hypercall
	li	a7, EXT_HVC
1:	li	a6, 0x7ff
	ecall
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* SBI BASE get_spec_version: answered in place. */
LOOP_ENTRY sbi_spec_version
	li	a6, 0
1:	li	a7, 0x10
	ecall
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* A 32-bit read of source 1's priority in the (v)PLIC. */
LOOP_ENTRY plic_read
	li	t0, PLIC_BASE
1:	lw	t1, 4(t0)
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* A write of 0 to the 16550's IER: a register write that prints nothing. */
LOOP_ENTRY uart_write
	li	t0, UART_BASE
1:	sb	zero, 1(t0)
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* An SBI IPI to ourselves, taken (arch.c: bench_ipi_once). */
LOOP_ENTRY ipi_to_self
1:	call	bench_ipi_once
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* An SBI IPI to vCPU 1 and its answer back (arch.c:
 * bench_ipi_round_trip_once). */
LOOP_ENTRY ipi_round_trip
1:	call	bench_ipi_round_trip_once
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* A timer interrupt through Sstc's stimecmp (arch.c: bench_stimecmp_once). */
LOOP_ENTRY timer_irq
1:	call	bench_stimecmp_once
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* A timer interrupt through SBI set_timer (arch.c: bench_sbi_timer_once). */
LOOP_ENTRY sbi_timer_irq
1:	call	bench_sbi_timer_once
	addi	s1, s1, -1
	bnez	s1, 1b
LOOP_EXIT

/* Compute-bound work: xorshift64 steps and a load/store over a 64 KiB
 * buffer. Returns a checksum, equal natively and under cvisor. */
	.global bench_compute
	.balign 64
bench_compute:
	lla	a3, compute_buf
	li	a1, 0xf4912545
	li	a2, 0
	li	a4, 0
	li	a6, 0xfff8
1:	slli	t0, a1, 13
	xor	a1, a1, t0
	srli	t0, a1, 7
	xor	a1, a1, t0
	slli	t0, a1, 17
	xor	a1, a1, t0
	add	t1, a3, a4
	ld	a5, 0(t1)
	add	a5, a5, a1
	sd	a5, 0(t1)
	add	a2, a2, a5
	addi	a4, a4, 8
	and	a4, a4, a6
	addi	a0, a0, -1
	bnez	a0, 1b
	mv	a0, a2
	ret

	.section .bss
	.balign 4096
compute_buf:
	.space	65536

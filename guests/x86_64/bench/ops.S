/* The measured operations on x86_64: bench_<op>(n) performs the
 * operation n times in a loop of the same shape as bench_empty's, whose
 * cost main.c subtracts. The loop counter is rbx (callee-saved; cvisor's
 * VMMCALL returns in rax and keeps the others). Each op's cost includes
 * the instruction that sets up its argument, as a caller's would. */
#define COM1_IER   0x3f9
#define LAPIC_BASE 0xfee00000

	.text

.macro LOOP_ENTRY name
	.global bench_\name
	.balign 64
bench_\name:
	push	%rbx
	push	%rbp
	mov	%rdi, %rbx
.endm

.macro LOOP_EXIT
	pop	%rbp
	pop	%rbx
	ret
.endm

/* The loop alone. */
LOOP_ENTRY empty
1:	dec	%rbx
	jnz	1b
LOOP_EXIT

/* VMMCALL with a number cvisor does not define: decoded, refused (-1). */
LOOP_ENTRY null_hypercall
1:	mov	$0xffff, %eax
	vmmcall
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* A byte written to COM1's IER (0 each time): port I/O to the virtual
 * 16550 that prints nothing. */
LOOP_ENTRY uart_pio_write
	mov	$COM1_IER, %edx
1:	xor	%eax, %eax
	outb	%al, %dx
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* A 32-bit read of the LAPIC's version register (emulated MMIO). */
LOOP_ENTRY lapic_read
	mov	$LAPIC_BASE, %ebp
1:	mov	0x30(%rbp), %eax
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* A fixed IPI to vCPU 1 and its answer back (arch.c: bench_ipi_once). */
LOOP_ENTRY ipi_round_trip
1:	call	bench_ipi_once
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* A LAPIC timer interrupt, one-shot (arch.c: bench_timer_once). */
LOOP_ENTRY lapic_timer_irq
1:	call	bench_timer_once
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* The same two with both vCPUs' LAPICs in x2APIC mode (arch.c:
 * switched at the first call, after the ops above): the ICR, EOI and
 * TIMER_INIT written with WRMSR, an exit with nothing to decode. */
LOOP_ENTRY x2apic_ipi_round_trip
1:	call	bench_x2apic_ipi_once
	dec	%rbx
	jnz	1b
LOOP_EXIT

LOOP_ENTRY x2apic_timer_irq
1:	call	bench_x2apic_timer_once
	dec	%rbx
	jnz	1b
LOOP_EXIT

/* Compute-bound work: xorshift64 steps and a load/store over a 64 KiB
 * buffer. Returns a checksum, equal natively and under cvisor. */
	.global bench_compute
	.balign 64
bench_compute:
	lea	compute_buf(%rip), %rsi
	mov	$0xf4912545, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
1:	mov	%rcx, %r8
	shl	$13, %r8
	xor	%r8, %rcx
	mov	%rcx, %r8
	shr	$7, %r8
	xor	%r8, %rcx
	mov	%rcx, %r8
	shl	$17, %r8
	xor	%r8, %rcx
	mov	(%rsi,%rdx), %r9
	add	%rcx, %r9
	mov	%r9, (%rsi,%rdx)
	add	%r9, %rax
	add	$8, %rdx
	and	$0xfff8, %edx
	dec	%rdi
	jnz	1b
	ret

	.bss
	.balign 4096
compute_buf:
	.space	65536

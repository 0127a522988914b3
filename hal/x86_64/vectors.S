/* IDT entry stubs: one 16-byte stub per vector, all into x86_trap_entry,
 * which saves the general registers and calls x86_trap(frame).
 *
 * Interrupt gates, no IST: traps and interrupts run on the stack of
 * whatever cvisor was doing (cvisor runs at CPL 0 only). */
#include "x86_defs.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || \
		    (n) == 21 || (n) == 29 || (n) == 30)

.macro trap_stub n
	.balign 16
	.if HAS_ERR(\n) == 0
	pushq	$0
	.endif
	pushq	$\n
	jmp	x86_trap_entry
.endm

	.altmacro
	.text
	.balign 16
	.global x86_trap_stubs
x86_trap_stubs:
	.set	vec, 0
	.rept	256
	trap_stub %vec
	.set	vec, vec + 1
	.endr
	.noaltmacro

x86_trap_entry:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	/* The CPU aligned the stack to 16 before its 5 words; with the vector,
	 * error code and 15 registers (22 words) rsp is aligned again. */
	call	x86_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp
	iretq

/* The IDT's entry stubs of the test guests: one per vector, each pushing
 * a zero where the CPU pushes no error code, then the vector; the common
 * part saves the caller-saved registers (and rbx, which it uses) and calls guest_trap_entry(frame)
 * (lib/runtime.c), which may change the frame's rip. */
	.text
	.code64
	.balign 16
	.global guest_idt_stubs
guest_idt_stubs:
	.set	vec, 0
	.rept	256
	.balign 16
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	push	$0
	.endif
	push	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
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
	mov	%rsp, %rdi
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	guest_trap_entry
	mov	%rbx, %rsp
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

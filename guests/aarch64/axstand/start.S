/* axstand's entries and exception vectors. Each entry puts its offset
 * in the image in x2 and joins _start with the DTB's address (x0, as
 * Linux's boot protocol and cvisor give it) kept; main(dtb, image base,
 * entry offset). Every address is taken PC-relative (adr/adrp), so the
 * image runs wherever it is loaded. */
	.section .text.boot, "ax"
	.global _image
_image:
	mov	x2, #0
	b	_start
	.org	0x1000
	mov	x2, #0x1000
	b	_start
	.org	0x10b4
	mov	x2, #0x10b4
	b	_start

_start:
	adrp	x3, __stack_top
	add	x3, x3, :lo12:__stack_top
	mov	sp, x3
	adrp	x3, __bss_start
	add	x3, x3, :lo12:__bss_start
	adrp	x4, __bss_end
	add	x4, x4, :lo12:__bss_end
1:	cmp	x3, x4
	b.hs	2f
	str	xzr, [x3], #8
	b	1b
2:	adrp	x3, axstand_vectors
	add	x3, x3, :lo12:axstand_vectors
	msr	vbar_el1, x3
	isb
	adr	x1, _image
	bl	axstand_main
3:	wfi
	b	3b

/* EL1 with SPx: an IRQ calls axstand_irq(); a synchronous exception
 * calls axstand_fault(), which reports it and powers off. Every other
 * vector stops in a loop. */
	.section .text
	.balign 2048
axstand_vectors:
	.rept 4
	.balign 128
	b	.
	.endr
	.balign 128
	b	vec_sync
	.balign 128
	b	vec_irq
	.rept 10
	.balign 128
	b	.
	.endr

vec_sync:
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	axstand_fault
	b	.

vec_irq:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #160]
	bl	axstand_irq
	ldp	x0, x1, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x18, x30, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	eret

	.global axstand_psci
/* x0 = function, x1..x3 arguments; the result in x0. */
axstand_psci:
	hvc	#0
	ret

/* Entry at EL2 from QEMU (boot CPU) and from PSCI CPU_ON (secondaries).
 * Each CPU gets a 16 KiB boot stack, indexed by its logical id; the boot
 * stack becomes that CPU's idle-task stack. */
#define STACK_SIZE 16384

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0                 /* DTB pointer, if the loader gave one */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2
	adrp	x1, __boot_stacks
	add	x1, x1, #:lo12:__boot_stacks
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	adrp	x1, __bss_start
	add	x1, x1, #:lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, #:lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	bl	arch_set_vectors
	mov	x0, x19
	bl	arch_boot_primary
	b	halt

/* PSCI CPU_ON lands here with x0 = the logical CPU id we passed. */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	adrp	x1, __boot_stacks
	add	x1, x1, #:lo12:__boot_stacks
	mov	x2, #STACK_SIZE
	madd	x1, x0, x2, x1
	add	sp, x1, x2
	bl	arch_set_vectors
	mov	x0, x19
	bl	arch_boot_secondary
	b	halt

not_el2:
	/* Started below EL2: QEMU lacks virtualization=on. Nothing to do but
	 * stop; the UART is not set up yet, so stay silent. */
halt:
	wfe
	b	halt

	.global arch_set_vectors
arch_set_vectors:
	adrp	x0, el2_vectors
	add	x0, x0, #:lo12:el2_vectors
	msr	vbar_el2, x0
	isb
	ret

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
	.text
	.global hal_context_switch
hal_context_switch:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x2, sp
	str	x2, [x0, #96]
	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x2, [x1, #96]
	mov	sp, x2
	ret

/* New tasks start here: x19 = entry, x20 = arg (see hal_context_init). */
	.global arch_task_start
arch_task_start:
	mov	x0, x20
	blr	x19
	b	halt

/* Entry of the hostile guest's second vCPU (PSCI CPU_ON): a stack of its
 * own, then hostile_secondary(context). */
	.section .text
	.global hostile_secondary_entry
	.balign 4
hostile_secondary_entry:
	ldr	x1, =secondary_stack_top
	mov	sp, x1
	bl	hostile_secondary
1:	wfi
	b	1b

	.section .bss
	.balign 16
	.space	4096
secondary_stack_top:

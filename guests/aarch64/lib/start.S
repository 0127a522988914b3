/* Test-guest entry at EL1: a stack, a clean bss, then main(x0).
 * Secondary vCPUs started by guest_cpu_on() enter at _secondary_start
 * with their index in x0 and get a stack of their own. */
#define CPU_STACK_SIZE 0x4000

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, x0
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	main
	bl	guest_power_off
3:	wfi
	b	3b

	.global _secondary_start
_secondary_start:
	ldr	x1, =__cpu_stacks
	add	x2, x0, #1
	mov	x3, #CPU_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	bl	guest_secondary_main
4:	wfi
	b	4b

/* Test-guest entry in VS-mode (as SBI leaves a hart: a0 = hart id,
 * a1 = the DTB): a stack, a clean bss, the trap vector, then main(a1).
 * Secondary vCPUs started by guest_cpu_on() enter at _secondary_start
 * with their index in a1 (SBI HSM's opaque) and get a stack of their
 * own. tp holds the vCPU's index. */
#define CPU_STACK_SIZE 0x4000

	.section .text.boot, "ax"
	.global _start
_start:
	csrw	sie, zero
	lla	sp, __stack_top
	li	tp, 0
	mv	s0, a1
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	lla	t0, guest_hart_id	/* vCPU index 0's: a0, the boot hart */
	sd	a0, 0(t0)
	lla	t0, guest_trap_entry
	csrw	stvec, t0
	mv	a0, s0
	call	guest_runtime_init
	mv	a0, s0
	call	main
	call	guest_power_off
3:	wfi
	j	3b

	.global _secondary_start
_secondary_start:
	csrw	sie, zero
	mv	tp, a1
	lla	sp, __cpu_stacks
	addi	t0, a1, 1
	li	t1, CPU_STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	lla	t0, guest_trap_entry
	csrw	stvec, t0
	mv	a0, a1
	call	guest_secondary_main
4:	wfi
	j	4b

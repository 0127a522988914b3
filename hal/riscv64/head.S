/* Entry in HS-mode from OpenSBI: the boot hart at _start (a0 = hart id,
 * a1 = DTB), secondaries at secondary_entry via SBI HSM hart_start
 * (a0 = hart id, a1 = logical CPU id). The MMU is off (satp = 0) and
 * interrupts are masked. Each CPU gets a 16 KiB boot stack indexed by its
 * logical id; the boot stack becomes that CPU's idle-task stack. */
#define STACK_SIZE 16384
#define ARCH_HART_TABLE 64 /* hart ids the late-hart table covers */

	.section .text.boot, "ax"
	.global _start
_start:
	csrw	sie, zero
	csrci	sstatus, 2              /* SIE */
	/* QEMU 7.2's OpenSBI (1.1) now and then sends a second hart here
	 * as well (docs/riscv64.md): a hart cvisor has started whose start
	 * address the firmware lost, or one it had not started at all.
	 * OpenSBI 1.1's sbi_hsm_hart_start (lib/sbi/sbi_hsm.c, lines
	 * 271-286) sets the hart's state to START_PENDING before it writes
	 * next_addr/next_arg1/next_mode; the hart polls that state in
	 * sbi_hsm_hart_wait (a wfi loop, lines 120-121, which the MSIP left
	 * pending by the cold-boot release keeps from sleeping) and may leave
	 * with the old next_addr: the -kernel entry, _start, with the DTB in
	 * a1. OpenSBI 1.3 writes them first (commit e8e9ed37). The first to
	 * arrive boots; any other must not touch memory (it would clear
	 * .bss under the first): see late_hart. */
	lla	t0, boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, late_hart
	li	tp, 0                   /* no per-CPU pointer yet */
	mv	s0, a0
	mv	s1, a1
	lla	sp, __boot_stacks
	li	t0, STACK_SIZE
	add	sp, sp, t0
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	arch_set_vectors
	mv	a0, s0
	mv	a1, s1
	call	arch_boot_primary
	j	halt

	.global secondary_entry
secondary_entry:
	csrw	sie, zero
	csrci	sstatus, 2
	li	tp, 0
	mv	s0, a0
	mv	s1, a1
	lla	sp, __boot_stacks
	li	t0, STACK_SIZE
	addi	t1, a1, 1
	mul	t1, t1, t0
	add	sp, sp, t1
	call	arch_set_vectors
	mv	a0, s1
	mv	a1, s0
	call	arch_boot_secondary
	j	halt

halt:
	wfi
	j	halt

/* A hart at _start after the boot hart (a0 = its hart id). If cvisor has
 * asked the firmware to start it (arch_hart_start_cpu[hart] = logical
 * CPU + 1, set by hal_cpu_start), it goes on as a secondary; otherwise
 * it gives itself back to the firmware (HSM hart_stop, which does not
 * return) and is started later like the others. */
late_hart:
	li	t0, ARCH_HART_TABLE
	bgeu	a0, t0, 1f
	lla	t0, arch_hart_start_cpu
	slli	t1, a0, 2
	add	t0, t0, t1
	lw	t1, 0(t0)
	beqz	t1, 1f
	addi	a1, t1, -1
	j	secondary_entry
1:	li	a7, 0x48534d
	li	a6, 1
	ecall
	j	halt

	.section .data
	.balign 4
boot_lottery:
	.word	0
	.global arch_hart_start_cpu
arch_hart_start_cpu:
	.fill	ARCH_HART_TABLE, 4, 0
	.text

	.global arch_set_vectors
arch_set_vectors:
	lla	t0, arch_trap_entry     /* 4-byte aligned: direct mode */
	csrw	stvec, t0
	ret

/* void hal_context_switch(struct hal_context *from, struct hal_context *to)
 * Layout: ra, sp, s0-s11 (see <arch/hal_arch.h>). */
	.text
	.global hal_context_switch
hal_context_switch:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	s0, 16(a1)
	ld	s1, 24(a1)
	ld	s2, 32(a1)
	ld	s3, 40(a1)
	ld	s4, 48(a1)
	ld	s5, 56(a1)
	ld	s6, 64(a1)
	ld	s7, 72(a1)
	ld	s8, 80(a1)
	ld	s9, 88(a1)
	ld	s10, 96(a1)
	ld	s11, 104(a1)
	ret

/* New tasks start here: s0 = entry, s1 = arg (see hal_context_init). */
	.global arch_task_start
arch_task_start:
	mv	a0, s1
	jalr	s0
	j	halt

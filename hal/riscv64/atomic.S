/* Sub-word atomics that GCC 12 leaves to libatomic on riscv64 (the A
 * extension has word and doubleword AMOs only; GCC inlines sub-word ones
 * from version 13 on). The kernel's ticket spinlocks use 16-bit counters.
 *
 * uint16_t __atomic_fetch_add_2(volatile void *p, uint16_t v, int order)
 * An LR/SC loop on the aligned word that holds the halfword, fully
 * ordered whatever 'order' asks. */
	.text
	.global __atomic_fetch_add_2
__atomic_fetch_add_2:
	andi	t0, a0, 3
	bnez	t0, 2f
/* The low halfword of its word (a ticket lock's 'next'): the sum's carry
 * out of bit 15 is dropped by taking only its low 16 bits, and only those
 * of the addend count, so no mask or shift is needed. */
1:	lr.w.aqrl t2, (a0)
	add	t3, t2, a1
	xor	t3, t3, t2
	slli	t3, t3, 48
	srli	t3, t3, 48              /* the bits of the halfword that change */
	xor	t3, t3, t2
	sc.w.rl	t4, t3, (a0)
	bnez	t4, 1b
	slli	a0, t2, 48
	srli	a0, a0, 48
	ret
2:	slli	t0, t0, 3               /* bit offset of the halfword */
	andi	a0, a0, -4              /* its aligned word */
	li	t1, 0xffff
	sll	t1, t1, t0              /* mask of the halfword */
	slli	a1, a1, 48
	srli	a1, a1, 48
	sll	a1, a1, t0              /* addend, in place */
3:	lr.w.aqrl t2, (a0)
	add	t3, t2, a1
	xor	t3, t3, t2
	and	t3, t3, t1
	xor	t3, t3, t2              /* new halfword, other bits kept */
	sc.w.rl	t4, t3, (a0)
	bnez	t4, 3b
	and	a0, t2, t1
	srl	a0, a0, t0
	ret

/* uint64_t hvc_regs_kept(uint64_t x0, uint64_t x1): an HVC with x0 and
 * x1 as given (x1 also in x16) and every other general register (x2-x30)
 * set to a value of its own; x0 is the call's answer; returns 0 when x1-x30 all come back as they went in, else
 * a bit per register that did not (bit n: xn). cvisor's HVC exit saves
 * only x0-x18 and x30 while it handles the call in place, the rest when
 * it goes to the vCPU loop (guest_entry.S: arch_guest_hvc). */
	.text
	.global hvc_regs_kept
hvc_regs_kept:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	.irp n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, #(0x5a00 + \n)
	.endr
	mov	x16, x1                 /* x1 as given, kept for the check */
	hvc	#0
	cmp	x1, x16                 /* x16 too: it held x1's value */
	cset	x0, ne
	lsl	x0, x0, #1
	.irp n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x1, #(0x5a00 + \n)
	cmp	x\n, x1
	cset	x1, ne
	orr	x0, x0, x1, lsl #\n
	.endr
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/* uint64_t mmio_regs_kept(uint64_t uart): emulated MMIO accesses to the
 * PL011 at 'uart' with every other general register (x1-x30) set to a
 * value of its own: loads of UARTPeriphID0 (0x11) into x5, x30 and x21,
 * stores to UARTFR (read-only: ignored) from x7, x23 and XZR. Returns 0
 * when each loaded register holds 0x11 and every other one what it held
 * (x0 the address), else a bit per register that does not (bit n: xn).
 * cvisor emulates an access through x0-x18, x30 or XZR with only those
 * saved, x19-x29 left in the registers (guest_entry.S: arch_guest_dabt);
 * one through x19-x29 takes the usual exit. */
	.text
	.global mmio_regs_kept
mmio_regs_kept:
	stp	x29, x30, [sp, #-112]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #96]
	.irp n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, #(0x5a00 + \n)
	.endr
	ldr	w5, [x0, #0xfe0]
	str	w7, [x0, #0x18]
	ldr	w30, [x0, #0xfe0]
	str	wzr, [x0, #0x18]
	ldr	w21, [x0, #0xfe0]
	str	w23, [x0, #0x18]
	stp	x16, x17, [sp, #-16]!   /* checked last, from here */
	ldr	x16, [sp, #(16 + 96)]
	cmp	x0, x16
	cset	x16, ne                 /* bit 0: x0 */
	.irp n, 5, 21, 30
	cmp	x\n, #0x11
	cset	x17, ne
	orr	x16, x16, x17, lsl #\n
	.endr
	.irp n, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 22, 23, 24, 25, 26, 27, 28, 29
	mov	x17, #(0x5a00 + \n)
	cmp	x\n, x17
	cset	x17, ne
	orr	x16, x16, x17, lsl #\n
	.endr
	ldp	x0, x1, [sp], #16       /* x16, x17 as the accesses left them */
	mov	x17, #(0x5a00 + 16)
	cmp	x0, x17
	cset	x17, ne
	orr	x16, x16, x17, lsl #16
	mov	x17, #(0x5a00 + 17)
	cmp	x1, x17
	cset	x17, ne
	orr	x0, x16, x17, lsl #17
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #112
	ret

/* bios16: a test first stage (kernel.bios_path, docs/x86_64.md) in the
 * role of AxVisor's axvm-bios. cvisor enters it in real mode at its first
 * byte (CS = load address >> 4, IP = 0), with ebx the Multiboot
 * information structure it wrote and esi the kernel's entry. It says on
 * COM1 where it runs, that CR0.PE is clear and what it was handed, enters
 * flat 32-bit protected mode and jumps to the kernel as a Multiboot
 * loader does (eax the magic, ebx the information). Linked at 0x8000
 * (image.ld): load it there (AxVisor's bios_load_addr). */
#define COM1     0x3f8
#define MB_MAGIC 0x2badb002

	.code16
	.section .text.boot, "ax"
	.global _start
_start:
	cli
	cld
	mov	%esi, %edi              /* the kernel's entry: puts uses si */
	/* Data by linear address: DS = ES = SS = 0, the stack below us. */
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$_start, %sp
	mov	$msg_mode, %si
	call	puts
	mov	%cs, %ax
	call	puthex16
	mov	$msg_pe, %si
	call	puts
	smsw	%ax                     /* CR0's low bits, readable in real mode */
	and	$1, %al
	add	$'0', %al
	call	putc
	mov	$msg_mbi, %si
	call	puts
	mov	%ebx, %eax
	call	puthex32
	mov	$msg_entry, %si
	call	puts
	mov	%edi, %eax
	call	puthex32
	mov	$msg_nl, %si
	call	puts

	/* Flat 32-bit protected mode: a GDT of our own, PE, a far jump. */
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $pm32

/* Writes the NUL-terminated string at ds:si. Clobbers al, si. */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* Writes al once COM1's transmitter is empty (LSR bit 5). */
putc:
	push	%dx
	push	%ax
	mov	$COM1 + 5, %dx
1:	in	%dx, %al
	test	$0x20, %al
	jz	1b
	pop	%ax
	mov	$COM1, %dx
	out	%al, %dx
	pop	%dx
	ret

/* Writes eax as eight hex digits. Clobbers ax, cx. */
puthex32:
	push	%eax
	shr	$16, %eax
	call	puthex16
	pop	%eax
	/* fall through for the low half */

/* Writes ax as four hex digits. Clobbers ax, cx. */
puthex16:
	mov	$4, %cx
1:	rol	$4, %ax
	push	%ax
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '9' - 1, %al
2:	call	putc
	pop	%ax
	loop	1b
	ret

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$MB_MAGIC, %eax         /* ebx is still cvisor's information */
	jmp	*%edi

	.section .rodata
msg_mode:
	.asciz	"bios16: real mode, CS="
msg_pe:
	.asciz	", CR0.PE="
msg_mbi:
	.asciz	"\nbios16: Multiboot info at "
msg_entry:
	.asciz	", kernel entry "
msg_nl:
	.asciz	"\n"
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff      /* 0x08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff      /* 0x10: data, base 0, 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

/* Test-guest entry as a Multiboot loader leaves the CPU (32-bit protected
 * mode, paging off, eax the magic, ebx the information structure): its
 * own GDT, an identity map of the first 4 GiB in 2 MiB pages (the top GiB
 * uncached: the LAPIC), long mode, then guest_runtime_init(mbi) and
 * main(). Secondary vCPUs come through the real-mode trampoline below,
 * copied to 0x8000 (the SIPI's page) by guest_cpu_on(). */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003 /* page-aligned modules, memory info, a.out kludge */
#define CPU_STACK_SIZE 0x4000
#define TRAMPOLINE 0x8000

	.section .text.boot, "ax"
	.code32
	.balign 4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long	mb_header, __image_start, __load_end, __bss_end, _start

	.global _start
_start:
	cli
	mov	%ebx, %esi
	mov	$__stack_top, %esp
	/* Page tables: PML4[0] -> PDPT, PDPT[0..7] -> eight directories:
	 * the low 8 GiB one to one in 2 MiB pages (IVC windows sit at
	 * 4 GiB and above: docs/hypercalls.md). */
	mov	$boot_pdpt + 3, %eax
	mov	%eax, boot_pml4
	mov	$boot_pd + 3, %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pdpt(, %ecx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$8, %ecx
	jb	1b
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$21, %eax
	or	$0x83, %eax             /* P, W, PS */
	cmp	$1536, %ecx
	jb	3f
	cmp	$2048, %ecx
	jae	3f
	or	$0x18, %eax             /* PCD, PWT: 3-4 GiB */
3:	mov	%eax, boot_pd(, %ecx, 8)
	mov	%ecx, %edx
	shr	$11, %edx               /* the address's bits 32 and up */
	mov	%edx, boot_pd + 4(, %ecx, 8)
	inc	%ecx
	cmp	$4096, %ecx
	jb	2b
	xor	%ebp, %ebp              /* boot vCPU */
	jmp	enter_long

	.global ap_entry32
ap_entry32:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	$1, %ebp
enter_long:
	lgdt	gdt_ptr
	mov	%cr4, %eax
	or	$0x20, %eax             /* PAE */
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx       /* EFER.LME */
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax       /* PG, PE */
	mov	%eax, %cr0
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	test	%ebp, %ebp
	jnz	ap_long
	mov	$__stack_top, %rsp
	mov	%esi, %edi
	call	guest_runtime_init
	xor	%edi, %edi
	call	main
	call	guest_power_off
4:	hlt
	jmp	4b

ap_long:
	mov	ap_index(%rip), %edi
	lea	1(%rdi), %eax
	imul	$CPU_STACK_SIZE, %eax
	lea	__cpu_stacks(%rip), %rsp
	add	%rax, %rsp
	call	guest_secondary_main
5:	hlt
	jmp	5b

/* Copied to 0x8000 and entered there in real mode (CS = 0x800). */
	.code16
	.global trampoline_start, trampoline_end
trampoline_start:
	cli
	lgdtl	%cs:(tramp_gdt_ptr - trampoline_start)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x18, $ap_entry32
	.balign 4
tramp_gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	gdt
trampoline_end:

	.section .rodata
	.balign 16
gdt:
	.quad	0
	.quad	0x00af9a000000ffff      /* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff      /* 0x10: data */
	.quad	0x00cf9a000000ffff      /* 0x18: 32-bit code */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 8 * 4096

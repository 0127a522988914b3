/* Entry from a Multiboot v1 loader (QEMU -kernel) in 32-bit protected
 * mode, the switch to long mode on the boot page tables, the entry of
 * secondary CPUs (real-mode trampoline -> 32-bit -> long mode), and the
 * task context switch.
 *
 * Boot page tables: an identity map of the first 4 GiB with 2 MiB pages;
 * 3-4 GiB (LAPIC, IOAPIC, HPET, PCI windows) uncached; the first 2 MiB in
 * 4 KiB pages, so that page 0 can be unmapped later (NULL faults). mmu.c extends it
 * for RAM above 4 GiB. */
#include "x86_defs.h"

#define MB_MAGIC     0x1badb002
#define MB_FLAGS     0x00010003  /* page-align modules, memory map, address fields */

	.section .text.boot, "ax"
	.balign 4
	.global mb_header
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header                /* header_addr */
	.long	__image_start            /* load_addr: the header is the first byte */
	.long	__load_end               /* load_end_addr */
	.long	__image_end              /* bss_end_addr: loader zeroes up to here */
	.long	_start                   /* entry_addr */

	.code32
	.global _start
_start:
	cli
	cld
	mov	%eax, %edi               /* Multiboot magic */
	mov	%ebx, %esi               /* Multiboot information */
	lgdt	boot_gdtr
	ljmp	$GDT_CODE32, $1f
1:	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$(__boot_stacks + BOOT_STACK_SIZE), %esp
	push	%esi
	push	%edi
	/* Clear .bss (the page tables live there). */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl
	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
	mov	$boot_pdpt, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, boot_pml4
	mov	$boot_pd, %eax
	or	$(PTE_P | PTE_W), %eax
	xor	%ecx, %ecx
2:	mov	%eax, boot_pdpt(, %ecx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jb	2b
	/* 2048 large pages: 4 GiB; the last GiB uncached. */
	mov	$1, %ecx
3:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_W | PTE_PS), %eax
	cmp	$1536, %ecx
	jb	4f
	or	$(PTE_PWT | PTE_PCD), %eax
4:	mov	%eax, boot_pd(, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	3b
	/* The first 2 MiB in 4 KiB pages; mmu.c unmaps page 0 once the BIOS
	 * data area has been read, so that a NULL dereference faults. */
	mov	$boot_pt0, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, boot_pd
	xor	%ecx, %ecx
5:	mov	%ecx, %eax
	shl	$12, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, boot_pt0(, %ecx, 8)
	inc	%ecx
	cmp	$512, %ecx
	jb	5b
	pop	%edi
	pop	%esi
	xor	%ebp, %ebp               /* boot CPU */
	jmp	enter_long_mode

/* Secondary CPUs arrive here from the trampoline, in 32-bit protected mode
 * on boot_gdt with paging off. */
	.global x86_ap_entry32
x86_ap_entry32:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	$1, %ebp                 /* secondary CPU */
	/* fall through */

/* PAE, the boot page tables, EFER.LME, paging: long mode. */
enter_long_mode:
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP | CR0_PE), %eax
	mov	%eax, %cr0
	ljmp	$GDT_CODE64, $long_mode

	.code64
long_mode:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	/* GS base -> a zero word until hal_set_percpu(): this_cpu() is NULL. */
	mov	$MSR_GS_BASE, %ecx
	mov	$x86_null_percpu, %eax
	xor	%edx, %edx
	wrmsr
	test	%ebp, %ebp
	jnz	1f
	mov	$(__boot_stacks + BOOT_STACK_SIZE), %rsp
	mov	%edi, %edi               /* upper halves are undefined after the switch */
	mov	%esi, %esi
	xor	%ebp, %ebp
	call	x86_boot_primary
	jmp	halt
1:	/* The CPU being started is named by x86_ap_cpu (see smp.c). */
	mov	x86_ap_cpu(%rip), %edi
	lea	1(%rdi), %rax
	imul	$BOOT_STACK_SIZE, %rax
	add	$__boot_stacks, %rax
	mov	%rax, %rsp
	xor	%ebp, %ebp
	call	x86_boot_secondary
halt:
	cli
	hlt
	jmp	halt

/* The real-mode trampoline: copied to X86_TRAMPOLINE_PA (below 1 MiB, page
 * aligned) and entered by a Startup IPI at CS = X86_TRAMPOLINE_PA >> 4,
 * IP = 0. It loads boot_gdt and jumps to x86_ap_entry32 in 32-bit mode. */
	.code16
	.global x86_trampoline_start, x86_trampoline_end
	.balign 16
x86_trampoline_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	X86_TRAMPOLINE_PA + (tramp_gdtr - x86_trampoline_start)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$GDT_CODE32, $x86_ap_entry32
	.balign 8
tramp_gdtr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
x86_trampoline_end:
	.code64

/* void hal_context_switch(struct hal_context *from, struct hal_context *to) */
	.text
	.global hal_context_switch
hal_context_switch:
	mov	(%rsp), %rax             /* return address */
	lea	8(%rsp), %rcx            /* stack pointer after the return */
	mov	%rbx, CTX_RBX(%rdi)
	mov	%rbp, CTX_RBP(%rdi)
	mov	%r12, CTX_R12(%rdi)
	mov	%r13, CTX_R13(%rdi)
	mov	%r14, CTX_R14(%rdi)
	mov	%r15, CTX_R15(%rdi)
	mov	%rcx, CTX_RSP(%rdi)
	mov	%rax, CTX_RIP(%rdi)
	mov	CTX_RBX(%rsi), %rbx
	mov	CTX_RBP(%rsi), %rbp
	mov	CTX_R12(%rsi), %r12
	mov	CTX_R13(%rsi), %r13
	mov	CTX_R14(%rsi), %r14
	mov	CTX_R15(%rsi), %r15
	mov	CTX_RSP(%rsi), %rsp
	jmp	*CTX_RIP(%rsi)

/* New tasks start here: rbx = entry, r12 = arg (see hal_context_init),
 * rsp 16-byte aligned. */
	.global x86_task_start
x86_task_start:
	mov	%r12, %rdi
	call	*%rbx
	ud2

/* ---- boot data ---- */
	.data
	.balign 16
	.global boot_gdt, boot_gdtr
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff       /* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff       /* 0x10: flat data */
	.quad	0x00cf9a000000ffff       /* 0x18: flat 32-bit code */
	.global boot_gdt_tss
boot_gdt_tss:                            /* 0x20 + 16 * cpu: TSS (cpu.c) */
	.skip	16 * GDT_TSS_SLOTS
boot_gdt_end:
	.balign 8
	.word	0, 0, 0
boot_gdtr:                               /* limit, then base (32 or 64 bits) */
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.section .bss.boot_pt, "aw", @nobits
	.balign 4096
	.global boot_pml4, boot_pdpt, boot_pt0
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
boot_pt0:
	.skip	4096
	.balign 8
	.global x86_null_percpu
x86_null_percpu:
	.skip	8

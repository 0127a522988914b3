/* Constants shared by the assembly and C of hal/x86_64. */
#ifndef HAL_X86_DEFS_H
#define HAL_X86_DEFS_H

#define BOOT_STACK_SIZE   16384
#define X86_TRAMPOLINE_PA 0x8000

#define GDT_CODE64    0x08
#define GDT_DATA      0x10
#define GDT_CODE32    0x18
#define GDT_TSS       0x20 /* + 16 * cpu */
#define GDT_TSS_SLOTS 8    /* at least MAX_CPUS (checked in cpu.c) */

#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_PS  0x080

#define CR0_PE  0x00000001
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PAE 0x00000020

#define MSR_APIC_BASE    0x0000001b
#define MSR_TSC_DEADLINE 0x000006e0
#define MSR_EFER         0xc0000080
#define MSR_GS_BASE      0xc0000101
#define EFER_LME         0x00000100

/* struct hal_context offsets (checked by static_assert in cpu.c). */
#define CTX_RBX 0
#define CTX_RBP 8
#define CTX_R12 16
#define CTX_R13 24
#define CTX_R14 32
#define CTX_R15 40
#define CTX_RSP 48
#define CTX_RIP 56

/* Trap frame: 15 GPRs pushed by the common stub, then vector, error code
 * and the CPU's frame (rip, cs, rflags, rsp, ss). */
#define TRAP_FRAME_GPRS 15

#endif

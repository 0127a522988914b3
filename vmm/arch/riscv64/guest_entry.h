/* Offsets into struct guest_regs for guest_entry.S (checked by vcpu.c),
 * and what vcpu_arch_exit() tells it. */
#ifndef VMM_RISCV64_GUEST_ENTRY_H
#define VMM_RISCV64_GUEST_ENTRY_H

#define GREGS_X0      0
#define GREGS_SEPC    (32 * 8)
#define GREGS_SSTATUS (33 * 8)
#define GREGS_HSTATUS (34 * 8)
#define GREGS_HOST_SP (35 * 8)

/* vcpu_arch_exit(): back to the vCPU loop (arch_guest_run returns), or
 * straight back into the guest, s0-s11 reloaded from its saved registers
 * or kept as they are (the exit wrote none of them). */
#define GUEST_TO_LOOP     0
#define GUEST_RESUME      1
#define GUEST_RESUME_KEEP 2
/* Back to the loop from an exit whose s0-s11 are still to be saved (an
 * ecall, a load). */
#define GUEST_TO_LOOP_SAVE 3
/* A load into one of s0-s11: they are saved, then vcpu_arch_load_done()
 * writes the value and says what next. */
#define GUEST_SAVE_LOAD 4
/* As GUEST_RESUME_KEEP after an ecall answered in place: the hart's sepc
 * (already past the ecall) and sstatus are still the guest's, and the
 * guest's registers say so too (nothing on the way wrote either). */
#define GUEST_RESUME_ECALL 5
/* As GUEST_RESUME_KEEP after emulated MMIO: the hart's sstatus is still
 * the guest's (the instruction's fetch did not fault), only sepc is
 * written. */
#define GUEST_RESUME_MMIO 6
/* A store from one of s0-s11, whose exit left them unsaved: they are
 * saved, then vcpu_arch_mmio() called again with MMIO_STORE_SAVED. */
#define GUEST_SAVE_STORE 7

/* vcpu_arch_mmio()'s kind of access. */
#define MMIO_LOAD        0
#define MMIO_STORE       1 /* s0-s11 not saved */
#define MMIO_STORE_SAVED 2

/* struct vcpu_arch's hvip and inject, from its regs (checked by
 * vcpu.c). */
#define VARCH_HVIP   664
#define VARCH_INJECT 672
/* For exit_resume()'s tests in guest_entry.S after an ecall (checked by
 * vcpu.c): struct vcpu's state and exits[EXIT_NONE] from its arch.regs,
 * VCPU_ON, the per-CPU need_resched from tp; struct vcpu_exit's kind
 * (EXIT_NONE 0) at its start. */
#define REGS_VCPU_STATE     (-144)
#define REGS_VCPU_EXIT_NONE (-104)
#define VCPU_STATE_ON       1
#define PERCPU_NEED_RESCHED 72
/* AxVisor's hypercall extension, "HVC" (DESIGN.md), in a7. */
#define SBI_EXT_HYPERCALL 0x485643

/* scause of an ecall from VS-mode and of a load's or store's guest-page
 * fault: the exits that leave s0-s11 unsaved. */
#define EXC_ECALL_VS         10
#define EXC_LOAD_GUEST_PAGE  21
#define EXC_STORE_GUEST_PAGE 23

#endif

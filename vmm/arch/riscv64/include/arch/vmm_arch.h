/* riscv64 parts embedded in struct vm and struct vcpu. */
#ifndef ARCH_VMM_ARCH_H
#define ARCH_VMM_ARCH_H

#include <stdint.h>
#include <kernel/timer.h>

/* A vCPU's entry point (SBI HSM hart_start) is 2-byte aligned: the
 * compressed instructions. */
#define VCPU_ENTRY_ALIGN 2

/* Layout shared with guest_entry.S (guest_entry.h): x0-x31 by number
 * (x0's slot unused), then the trap CSRs of the guest and the host's sp. */
struct guest_regs {
	uint64_t x[32];
	uint64_t sepc;    /* the guest's pc */
	uint64_t sstatus; /* SPP: VS (1) or VU (0); FS */
	uint64_t hstatus; /* SPV, SPVP, VTW: what a full entry writes (exits
			   * do not save it) */
	uint64_t host_sp;
};

struct fp_regs {
	uint64_t f[32];
	uint64_t fcsr;
};

/* The guest's VS-level CSRs, kept in the hart while the vCPU is loaded. */
struct vs_csrs {
	uint64_t vsstatus, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	uint64_t hie;       /* the guest's sie, in hie's bits */
	uint64_t vstimecmp; /* Sstc */
	uint64_t htimedelta, henvcfg, hcounteren;
	/* Not duplicated for VS-mode: the guest's accesses reach the hart's
	 * own, so they are switched too. */
	uint64_t scounteren, senvcfg;
};

/* What the last exit's trap CSRs said (read before anything can trap). */
struct exit_info {
	uint64_t stval, htval, htinst;
};

/* An MMIO load in flight: where its value goes (vcpu_arch_mmio_done). */
struct mmio_op {
	unsigned rd;  /* 0: nowhere (a store, or x0) */
	unsigned len; /* of the instruction: 2 or 4 */
	bool sign;    /* sign-extend from the access width */
};

struct vcpu_arch {
	struct guest_regs regs;
	struct vs_csrs vs;
	struct fp_regs fp;
	/* VSSIP as the guest left it; while an exit is handled on the exit
	 * path, the hart's hvip holds it instead (guest_entry.S copies it
	 * here when the exit goes to the loop). */
	uint64_t hvip;
	/* What the vCPU must look at before it enters its guest again
	 * (atomic; INJECT_*, vmm_riscv64.h): the VSSIP others raise, the
	 * fences they ask for, the vPLIC's output changed; one word, so that
	 * an exit handled in place tests it alone. */
	uint64_t inject;
	bool eip;           /* the vPLIC's output for this vCPU's context */
	uint64_t sbi_timer; /* without Sstc: the SBI deadline, or ~0 */
	bool suspended;     /* in SBI HSM hart_suspend */
	struct exit_info exit;
	struct mmio_op mmio;
	struct timer_event timer_ev; /* its timer while it is out */
};

struct vplic;
struct vuart16550;
struct vgpio_sifive;

struct vm_arch {
	uint64_t hgatp; /* G-stage root with mode and VMID */
	uint16_t vmid;
	struct vplic *vplic;
	struct vuart16550 *uart;   /* for SBI console reads */
	struct vgpio_sifive *gpio; /* the power button's, or NULL */
};

#endif

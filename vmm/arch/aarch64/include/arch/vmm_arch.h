/* aarch64 parts embedded in struct vm and struct vcpu. */
#ifndef ARCH_VMM_ARCH_H
#define ARCH_VMM_ARCH_H

#include <stdint.h>
#include <kernel/timer.h>
#include <arch/vgic.h>

/* A vCPU's entry point (CPU_ON) is 4-byte aligned: A64 instructions. */
#define VCPU_ENTRY_ALIGN 4

/* Layout shared with guest_entry.S (guest_entry.h). */
struct guest_regs {
	uint64_t x[31];
	uint64_t elr;  /* the guest's PC */
	uint64_t spsr; /* the guest's PSTATE */
};

/* EL1 state kept in the CPU while the vCPU is loaded. The last two
 * exist only with a feature (SME, RAS) and are switched only then;
 * R_DISR is the guest's DISR_EL1, which the CPU keeps in VDISR_EL2. */
enum el1_reg {
	R_SCTLR,
	R_TTBR0,
	R_TTBR1,
	R_TCR,
	R_MAIR,
	R_AMAIR,
	R_VBAR,
	R_CONTEXTIDR,
	R_TPIDR_EL0,
	R_TPIDRRO_EL0,
	R_TPIDR_EL1,
	R_SP_EL0,
	R_SP_EL1,
	R_ELR_EL1,
	R_SPSR_EL1,
	R_ESR,
	R_FAR,
	R_AFSR0,
	R_AFSR1,
	R_PAR,
	R_CPACR,
	R_CNTKCTL,
	R_CNTV_CTL,
	R_CNTV_CVAL,
	R_CNTP_CTL,
	R_CNTP_CVAL,
	R_CSSELR,
	R_MDSCR,
	R_TPIDR2_EL0,
	R_DISR,
	R_COUNT
};

struct fp_regs {
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
};

struct vcpu_exit;

struct vcpu_arch {
	struct guest_regs regs;
	uint64_t el1[R_COUNT];
	uint64_t pauth_keys[10];
	struct fp_regs fp;
	uint64_t hcr;
	uint64_t vmpidr;
	uint64_t last_esr; /* syndrome of the last exit */
	bool os_lock;      /* OSLSR_EL1.OSLK, emulated (sysreg.c) */
	struct vgic_cpu vgic;
	struct timer_event timer_ev; /* its timers while it is out */
	/* The loop's exit record, for the lean exits (an HVC's, an MMIO
	 * access's) that go to the loop: they are not handed it, so that
	 * they keep one register less across their calls. */
	struct vcpu_exit *exit;
};

struct vm_arch {
	uint64_t vttbr; /* stage-2 root with the VMID */
	uint16_t vmid;
	struct vgic *vgic;
	struct vgpio *gpio; /* the power button's, or NULL */
};

#endif

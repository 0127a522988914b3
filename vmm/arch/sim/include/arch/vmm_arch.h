/* The host arch's parts of struct vm and struct vcpu (vmm/arch/sim/). */
#ifndef ARCH_VMM_ARCH_H
#define ARCH_VMM_ARCH_H

#include <kernel/timer.h>
#include <stdint.h>

#define VCPU_ENTRY_ALIGN 4

struct sim_guest;
struct sim_step;

struct vcpu_arch {
	struct sim_guest *guest;      /* the script this vCPU plays */
	const struct sim_step *asked; /* the step awaiting its answer */
	uint64_t spin_left;           /* turns left in a SIM_SPIN */
	uint64_t regs[8];             /* x0.. : arguments and results */
	uint64_t pc;
	bool loaded;
	bool irq_pending; /* an interrupt waits for the vCPU */
	bool timer_armed; /* the guest's timer, as aarch64's */
	uint64_t timer_deadline;
	struct timer_event timer_ev; /* stands in for it while out */
};

struct vm_arch {
	bool ready;            /* vm_arch_init() succeeded */
	unsigned forwarded[4]; /* host interrupts given to the VM */
	unsigned forwarded_count;
};

#endif

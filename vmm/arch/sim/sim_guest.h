/* What a vCPU of the host arch does: a script of steps, each becoming the
 * exit a guest would cause (a hypercall, an MMIO access, WFI, CPU_ON...),
 * with the answer the script expects checked when the vCPU gets it. The
 * unit tests of the core (tests/host/vmm/) write them. */
#ifndef VMM_ARCH_SIM_GUEST_H
#define VMM_ARCH_SIM_GUEST_H

#include <kernel/types.h>

enum sim_op {
	SIM_END,        /* the script ends: the vCPU turns itself off */
	SIM_HYPERCALL,  /* a: number, b, c: arguments; expect: result */
	SIM_MMIO_READ,  /* a: address, b: width; expect: value */
	SIM_MMIO_WRITE, /* a: address, b: width, c: value */
	SIM_PIO_READ,   /* as the MMIO ones, on ports */
	SIM_PIO_WRITE,
	SIM_PUTS,      /* s: written to the UART's data register */
	SIM_WFI,       /* waits for an interrupt, then takes it */
	SIM_YIELD,     /* a WFE */
	SIM_SPIN,      /* a: turns spent in the guest, no exit */
	SIM_ARM_TIMER, /* a: ns from now; its interrupt is the vCPU's */
	SIM_IPI,       /* a: the vCPU index to interrupt */
	SIM_CPU_ON,    /* a: hwid, b: entry, c: context; expect: result */
	SIM_CPU_OFF,
	SIM_SYSTEM_OFF,
	SIM_SYSTEM_RESET,
	SIM_FAULT, /* what the arch cannot answer: the VM stops */
	SIM_GOTO,  /* a: step index (a loop; the script's own state) */
	SIM_CALL,  /* fn(a), from the vCPU's exit; expect: its result */
};

struct sim_step {
	enum sim_op op;
	uint64_t a, b, c;
	const char *s;
	uint64_t (*fn)(uint64_t); /* SIM_CALL's: what a test does there */
	bool check;               /* compare the answer with 'expect' */
	uint64_t expect;
};

#define SIM_MAX_STEPS 64

/* One vCPU's script and what happened to it, kept by the test (it
 * outlives the VM). */
struct sim_guest {
	const char *vm; /* the VM's name */
	unsigned vcpu;  /* its index */
	struct sim_step steps[SIM_MAX_STEPS];
	unsigned next;       /* the step to do next */
	unsigned runs;       /* power-ons */
	unsigned irqs;       /* interrupts taken */
	unsigned mismatches; /* answers other than expected */
	uint64_t last_answer;
};

/* Gives the scripts for the next boot (ended by one with a NULL vm). */
void sim_guests_set(struct sim_guest *guests);

#endif

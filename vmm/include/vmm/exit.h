/* A vCPU exit, decoded by the arch layer into a form the generic loop
 * handles without knowing the architecture. */
#ifndef VMM_EXIT_H
#define VMM_EXIT_H

#include <kernel/types.h>

/* The kinds vcpu_handle_exit_inline() handles (and counts) come first,
 * up to EXIT_PIO; the loop counts the rest. */
enum vcpu_exit_kind {
	EXIT_NONE,         /* handled inside the arch layer; just re-enter */
	EXIT_HYPERCALL,    /* cvisor's hypercall ABI (DESIGN.md) */
	EXIT_MMIO,         /* a load/store to an unmapped guest address */
	EXIT_PIO,          /* an IN/OUT to a port (the mmio fields) */
	EXIT_IRQ,          /* a host interrupt arrived */
	EXIT_HALT,         /* WFI: wait for an interrupt */
	EXIT_YIELD,        /* WFE and the like: let others run */
	EXIT_CPU_ON,       /* PSCI CPU_ON / SBI HSM start */
	EXIT_CPU_OFF,      /* the calling vCPU stops */
	EXIT_SYSTEM_OFF,   /* the VM powers off */
	EXIT_SYSTEM_RESET, /* the VM reboots */
	EXIT_FAULT,        /* the guest did something the arch could not
			       answer; the VM is stopped */
	EXIT_KINDS,        /* how many kinds a vCPU counts */
	/* An exit handled and counted: set by the generic code, or by an
	 * arch that emulates an exit itself (and counts it in its kind). */
	EXIT_HANDLED = EXIT_KINDS,
};

/* The name 'vm show -s' gives each kind. */
extern const char *const vcpu_exit_kind_names[EXIT_KINDS];

struct vcpu_exit {
	enum vcpu_exit_kind kind;
	union {
		struct {
			uint64_t nr;
			const uint64_t *args; /* 6, in the saved registers */
		} hypercall;
		struct {
			uint64_t addr;  /* guest-physical, or the port */
			unsigned width; /* bytes: 1, 2, 4, 8 */
			bool write;
			uint64_t data; /* value written, or read back */
		} mmio;
		struct {
			uint64_t target; /* hardware id the guest names */
			gpaddr_t entry;
			uint64_t context;
		} cpu_on;
		struct {
			const char *what;
			uint64_t info;
		} fault;
	};
};

#endif

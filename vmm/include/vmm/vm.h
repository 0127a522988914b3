/* VMs and vCPUs: objects and their generic lifecycle.
 *
 * create → set up memory → load images → create vCPUs → boot → run → shut
 * down. Arch hooks (vm_arch_*, vcpu_arch_*) are declared here with their
 * contracts and implemented in vmm/arch/<ARCH>/. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <config/vm_config.h>
#include <kernel/ratelimit.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <vmm/addrspace.h>
#include <vmm/console.h>
#include <vmm/exit.h>
#include <vmm/io_bus.h>
#include <vmm/ivc.h>
#include <arch/vmm_arch.h>

/* VCPU_PAUSED: on, held out of the guest while its VM is suspended. */
enum vcpu_state { VCPU_OFF, VCPU_ON, VCPU_STOPPED, VCPU_PAUSED };
enum vm_state {
	VM_RUNNING,
	VM_RESETTING,
	VM_SUSPENDED,
	VM_STOPPING,
	VM_STOPPED
};

struct vcpu {
	struct vm *vm;
	unsigned id;   /* index within the VM */
	unsigned pcpu; /* logical CPU it is pinned to */
	uint64_t hwid; /* the id the guest sees (MPIDR, hart) */
	enum vcpu_state state;
	bool parked;         /* off and out of the guest, or never run */
	gpaddr_t boot_entry; /* where the next power-on starts it */
	uint64_t boot_arg;
	uint64_t preempted;    /* times its slice ended while others waited */
	uint64_t shortest_run; /* ns: least of its slice it had run when
				   * preempted */
	uint64_t exits[EXIT_KINDS]; /* since the VM was created, by kind */
	struct task *task;
	struct vcpu_arch arch;
};

/* Where the images went (vmm/images*.c): the boot vCPU starts at 'entry'
 * with 'arg' (the DTB's address on aarch64) in its first register. */
struct vm_boot {
	gpaddr_t entry;
	uint64_t arg;
	gpaddr_t kernel, initrd, bios;
	uint64_t kernel_size, initrd_size, bios_size; /* 0: none */
};

struct vm {
	uint64_t id;
	char name[VMCFG_MAX_NAME];
	struct vm_config *cfg;
	/* The VM's own copy of cfg, when its passthrough entries were
	 * changed: "/" expanded, entries left out (vmm/passthrough.h); NULL
	 * for the others. */
	struct vm_config *cfg_own;
	struct addrspace as;
	struct io_bus mmio;
	struct io_bus pio; /* ports: x86's, empty elsewhere */
	enum vm_state state;
	spinlock_t lock;
	/* vm_reset() is resetting it: a shutdown leaves the vCPUs to it
	 * (under the lock). */
	bool rebooting;
	unsigned vcpu_count;
	unsigned vcpus_running; /* tasks not yet finished */
	struct vcpu *vcpus[VMCFG_MAX_CPUS];
	unsigned bad_access_reports; /* aborts injected for stray accesses */
	struct ratelimit debug_log;  /* its debug hypercalls' lines */
	struct vm_console console;   /* its output, a line at a time */
	struct vm_boot boot;
	struct vm_ivc ivc; /* its inter-VM channels' window (vmm/ivc.h) */
	unsigned users;    /* references: vmm/vms.c's, under its lock */
	struct vm_arch arch;
};

/* Creates a VM from a validated config: memory, devices, images, vCPUs.
 * On failure logs why (naming the VM) and returns NULL; nothing leaks. */
struct vm *vm_create(struct vm_config *cfg);
/* Tears down a VM nothing runs in: it never booted, or all its vCPU tasks
 * have ended (vm_vcpu_exited). Its config stays the caller's. */
void vm_destroy(struct vm *vm);
/* Starts the VM's boot vCPU. */
void vm_boot(struct vm *vm);
/* Stops every vCPU of the VM; the last one out tears it down. Any CPU. */
void vm_shutdown(struct vm *vm, const char *why);
/* Reboots the VM from vCPU 'caller' (a PSCI SYSTEM_RESET), or from
 * outside it (NULL: the shell, holding a reference): parks every vCPU,
 * puts devices back in their reset state, reloads the images and starts
 * vCPU 0 at the entry point. Stops the VM if that fails. False if the VM
 * was not running. */
bool vm_reset(struct vm *vm, struct vcpu *caller);
/* Holds every vCPU of a running VM out of its guest (VCPU_PAUSED), its
 * state kept, until vm_resume(). False if the VM was not running. Any
 * CPU. */
bool vm_suspend(struct vm *vm);
bool vm_resume(struct vm *vm);
/* Unmaps [gpa, gpa+size) from the VM's stage 2 and flushes its TLBs:
 * once it returns 0 no CPU reaches that memory through the VM. -1 as
 * stage2_unmap(). */
int vm_unmap(struct vm *vm, gpaddr_t gpa, uint64_t size);
/* Copies 'size' bytes to guest-physical 'gpa'; false if not all of it is
 * guest RAM. */
bool vm_write_guest(struct vm *vm, gpaddr_t gpa, const void *src, size_t size);
struct vcpu *vm_vcpu_by_hwid(struct vm *vm, uint64_t hwid);
/* Whether vCPU 't' is powered on, as its guest sees it (held out of the
 * guest while its VM is suspended counts as on). */
static inline bool vcpu_is_on(const struct vcpu *t)
{
	enum vcpu_state s = READ_ONCE(t->state);

	return s == VCPU_ON || s == VCPU_PAUSED;
}
/* The outcome of powering a vCPU on, in generic terms: each arch answers
 * the guest in its own (PSCI error numbers, SBI HSM errors, nothing for
 * an INIT/SIPI). */
enum vcpu_on_result {
	VCPU_ON_OK,
	VCPU_ON_NO_SUCH_CPU, /* no vCPU has that hardware id */
	VCPU_ON_BAD_ENTRY,   /* not in the VM's RAM, or misaligned */
	VCPU_ON_ALREADY_ON,
	VCPU_ON_DENIED, /* the VM is stopping, or no memory */
};
/* Starts a powered-off vCPU at 'entry' with 'context' as its argument. */
enum vcpu_on_result vm_vcpu_on(struct vm *vm, struct vcpu *v, gpaddr_t entry,
			       uint64_t context);

/* ---- the arch interface, by concern ---- */
#include <vmm/arch/boot.h>
#include <vmm/arch/irq.h>
#include <vmm/arch/stage2.h>
#include <vmm/arch/vcpu.h>
#include <vmm/arch/vm.h>

#endif

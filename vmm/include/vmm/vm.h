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
#include <arch/vmm_arch.h>

enum vcpu_state { VCPU_OFF, VCPU_ON, VCPU_STOPPED };
enum vm_state { VM_RUNNING, VM_RESETTING, VM_STOPPING, VM_STOPPED };

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
	struct task *task;
	struct vcpu_arch arch;
};

/* Where the images went (vmm/images*.c): the boot vCPU starts at 'entry'
 * with 'arg' (the DTB's address on aarch64) in its first register. */
struct vm_boot {
	gpaddr_t entry;
	uint64_t arg;
	gpaddr_t kernel, initrd;
	uint64_t kernel_size, initrd_size;
};

struct vm {
	uint64_t id;
	char name[VMCFG_MAX_NAME];
	struct vm_config *cfg;
	struct addrspace as;
	struct io_bus mmio;
	struct io_bus pio; /* ports: x86's, empty elsewhere */
	enum vm_state state;
	spinlock_t lock;
	unsigned vcpu_count;
	unsigned vcpus_running; /* tasks not yet finished */
	struct vcpu *vcpus[VMCFG_MAX_CPUS];
	unsigned bad_access_reports; /* aborts injected for stray accesses */
	struct ratelimit debug_log;  /* its debug hypercalls' lines */
	struct vm_console console;   /* its output, a line at a time */
	struct vm_boot boot;
	struct vm_arch arch;
};

/* Creates a VM from a validated config: memory, devices, images, vCPUs.
 * On failure logs why (naming the VM) and returns NULL; nothing leaks. */
struct vm *vm_create(struct vm_config *cfg);
/* Tears down a VM that never booted (its config stays the caller's). */
void vm_destroy(struct vm *vm);
/* Starts the VM's boot vCPU. */
void vm_boot(struct vm *vm);
/* Stops every vCPU of the VM; the last one out tears it down. Any CPU. */
void vm_shutdown(struct vm *vm, const char *why);
/* Reboots the VM from vCPU 'caller' (a PSCI SYSTEM_RESET): parks every
 * vCPU, puts devices back in their reset state, reloads the images and
 * starts vCPU 0 at the entry point. Stops the VM if that fails. */
void vm_reset(struct vm *vm, struct vcpu *caller);
/* Unmaps [gpa, gpa+size) from the VM's stage 2 and flushes its TLBs:
 * once it returns 0 no CPU reaches that memory through the VM. -1 as
 * stage2_unmap(). */
int vm_unmap(struct vm *vm, gpaddr_t gpa, uint64_t size);
/* Copies 'size' bytes to guest-physical 'gpa'; false if not all of it is
 * guest RAM. */
bool vm_write_guest(struct vm *vm, gpaddr_t gpa, const void *src, size_t size);
struct vcpu *vm_vcpu_by_hwid(struct vm *vm, uint64_t hwid);
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

/* ---- arch hooks ---- */

/* Once, before any VM: the arch's virtualisation support (interrupt
 * controller, timers). -1 when VMs cannot run. */
int vmm_arch_init(void);
/* VM-wide arch state (stage-2 root, virtual interrupt controller). On
 * failure it leaves nothing behind. */
int vm_arch_init(struct vm *vm);
/* The inverse of vm_arch_init(), at teardown; also called when
 * vm_arch_init() failed or never ran, and then does nothing. When it
 * returns no host interrupt handler of the VM runs on any CPU. */
void vm_arch_destroy(struct vm *vm);
/* Makes every CPU forget the VM's cached stage-2 translations, after
 * stage2_unmap() and before the unmapped memory is reused. Any CPU. */
void vm_arch_flush_stage2(struct vm *vm);
/* Registers the devices every VM of this arch has (its console UART;
 * later the interrupt controller). */
int vm_arch_create_devices(struct vm *vm);
/* Gives host interrupt 'host' of a passthrough device to the VM as its
 * interrupt line 'guest' (the number the guest sees: on aarch64 an SPI's
 * INTID, which configs keep equal to the host's). 0, -1 when either is
 * not one that can be given, -2 when the host interrupt is already used
 * (by cvisor or another VM). Its handler runs until vm_arch_destroy(). */
int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest);
/* Sets the level of the VM's interrupt line 'irq' (the number the guest
 * sees: an aarch64 INTID), driven by an emulated device: high while the
 * device wants service. An edge-triggered line latches each rise. Any
 * CPU; the device's own lock may be held. */
void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level);
/* Puts VM-wide arch state (interrupt controller) back in its reset state;
 * every vCPU is parked. */
void vm_arch_reset(struct vm *vm);
struct guest_dtb_platform;
/* The machine this arch's VMs see, for the guest DTB, and the version of
 * their interrupt controller; NULL when the arch boots guests without a
 * DTB. */
const struct guest_dtb_platform *
vm_arch_dtb_platform(unsigned *irqchip_version);
/* The kernel formats this arch's VMs boot, a bit (1u << enum
 * kimage_format, vmm/kernel_image.h) each, and the arch's name:
 * images_load_kernel() refuses a kernel of any other format before it
 * places anything, naming the VM, the file, its format and these.
 * Constant data; read on any CPU. */
struct vm_arch_boot {
	const char *arch; /* "aarch64" */
	unsigned kernel_formats;
};
extern const struct vm_arch_boot vm_arch_boot;
/* Resets 'v' to start at 'entry' with 'arg' in the first argument
 * register (x0 / a1 / rdi), in the state the boot protocol requires.
 * Called by the vCPU's own task while the vCPU is not loaded. */
void vcpu_arch_reset(struct vcpu *v, gpaddr_t entry, uint64_t arg);
/* Arch state of a new vCPU (its interrupt controller part). */
int vcpu_arch_create(struct vcpu *v);
/* The inverse of vcpu_arch_create(), at teardown (any CPU, the vCPU's
 * task ended or never started), also after vcpu_arch_create() failed:
 * frees what the arch allocated for it. */
void vcpu_arch_destroy(struct vcpu *v);
/* Called once by the vCPU's own task as it ends, on its pCPU, after its
 * last vcpu_arch_put(): nothing of the vCPU may run after it (its timer
 * event is cancelled), as the VM is freed next. */
void vcpu_arch_stop(struct vcpu *v);
/* Whether an interrupt waits for 'v' (not loaded): ends a WFI. */
bool vcpu_arch_irq_pending(struct vcpu *v);
/* The hardware id vCPU 'index' reports to the guest. */
uint64_t vcpu_arch_hwid(unsigned index);
/* Makes 'v' the vCPU on this pCPU (restores its system registers) /
 * saves them before another vCPU or task uses the pCPU. */
void vcpu_arch_load(struct vcpu *v);
void vcpu_arch_put(struct vcpu *v);
/* Runs the guest until an exit that the generic loop must see. */
void vcpu_arch_run(struct vcpu *v, struct vcpu_exit *exit);
/* Completes an emulated MMIO or port access: a read's exit->mmio.data
 * into the target register, and the guest past the instruction. */
void vcpu_arch_mmio_done(struct vcpu *v, const struct vcpu_exit *exit);
/* Sets the result register of a hypercall or firmware call. */
void vcpu_arch_set_return(struct vcpu *v, uint64_t value);
/* Answers the vCPU that asked (EXIT_CPU_ON) for another to be powered on,
 * in the arch's terms. */
void vcpu_arch_cpu_on_done(struct vcpu *v, enum vcpu_on_result r);
/* Injects a synchronous abort for 'gpa' into the guest (an access that no
 * memory or device answers). */
void vcpu_arch_inject_abort(struct vcpu *v, gpaddr_t gpa, bool write);
/* The guest's program counter, for reports. */
uint64_t vcpu_arch_pc(const struct vcpu *v);

#endif

/* The arch interface: vCPUs. Each hook is declared once, with its contract
 * (who calls it, on which CPU, with what held, its inverse), and
 * implemented in vmm/arch/<ARCH>/ (docs/design.md, "The arch interface").
 * Included by vmm/vm.h, after the types it names. */
#ifndef VMM_ARCH_VCPU_H
#define VMM_ARCH_VCPU_H

#include <kernel/types.h>

struct vm;
struct vcpu;
struct vcpu_exit;

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
/* What that is, for the report ("abort injected"). Defined (weak) in
 * vmm/vcpu.c; an arch whose bus answers otherwise defines its own. */
extern const char vcpu_arch_unbacked_answer[];
/* The guest's program counter, for reports. */
uint64_t vcpu_arch_pc(const struct vcpu *v);

#endif

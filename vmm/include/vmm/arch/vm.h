/* The arch interface: VM-wide state. Each hook is declared once, with its
 * contract (who calls it, on which CPU, with what held, its inverse), and
 * implemented in vmm/arch/<ARCH>/ (docs/design.md, "The arch interface").
 * Included by vmm/vm.h, after the types it names. */
#ifndef VMM_ARCH_VM_H
#define VMM_ARCH_VM_H

#include <kernel/types.h>

struct vm;
struct vcpu;
struct vcpu_exit;

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
/* Registers the devices every VM of this arch has (its console UART;
 * later the interrupt controller). */
int vm_arch_create_devices(struct vm *vm);
/* Puts VM-wide arch state (interrupt controller) back in its reset state;
 * every vCPU is parked. */
void vm_arch_reset(struct vm *vm);
/* The interrupt line an IVC notify raises in 'vm' when its config names
 * none (docs/hypercalls.md lists each arch's). */
unsigned vm_arch_ivc_irq(const struct vm *vm);
/* Presses ('pressed') or releases the VM's power button, the request to
 * power off that its guest can see; false when the VM has none. Called
 * by the shell's task with a reference to the VM held (vms.c). */
bool vm_arch_power_button(struct vm *vm, bool pressed);

#endif

/* The arch interface: the VM's interrupt lines. Each hook is declared
 * once, with its contract (who calls it, on which CPU, with what held, its
 * inverse), and implemented in vmm/arch/<ARCH>/ (docs/design.md, "The arch
 * interface"). Included by vmm/vm.h, after the types it names. */
#ifndef VMM_ARCH_IRQ_H
#define VMM_ARCH_IRQ_H

#include <kernel/types.h>

struct vm;
struct vcpu;
struct vcpu_exit;

/* Gives host interrupt 'host' of a passthrough device to the VM as its
 * interrupt line 'guest' (the number the guest sees: on aarch64 an SPI's
 * INTID, which configs keep equal to the host's). 0, -1 when either is
 * not one that can be given, -2 when the host interrupt is already used
 * (by cvisor or another VM), -3 when the arch forwards no host
 * interrupts at all (the device is then given without its interrupt,
 * with a warning). Its handler runs until vm_arch_destroy(). */
int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest);
/* Sets the level of the VM's interrupt line 'irq' (the number the guest
 * sees: an aarch64 INTID), driven by an emulated device: high while the
 * device wants service. An edge-triggered line latches each rise. Any
 * CPU; the device's own lock may be held. */
void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level);

#endif

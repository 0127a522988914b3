/* The EL2 vector table's contract with the VMM: the kind of exception
 * from a guest it passes to arch_guest_exit (vmm/arch/aarch64/guest_entry.S),
 * the guest's x0 and x1 pushed. An IRQ goes to arch_guest_irq first, the
 * virtual timer's fast path, with x0 and x1 pushed. */
#ifndef ARCH_ASM_OFFSETS_H
#define ARCH_ASM_OFFSETS_H

#define GUEST_EXIT_SYNC   0
#define GUEST_EXIT_IRQ    1
#define GUEST_EXIT_SERROR 2

#endif

/* The arch interface: guest-physical translation (its tables:
 * <vmm/stage2.h>). Each hook is declared once, with its contract (who
 * calls it, on which CPU, with what held, its inverse), and implemented in
 * vmm/arch/<ARCH>/ (docs/design.md, "The arch interface"). Included by
 * vmm/vm.h, after the types it names. */
#ifndef VMM_ARCH_STAGE2_H
#define VMM_ARCH_STAGE2_H

#include <kernel/types.h>

struct vm;
struct vcpu;
struct vcpu_exit;

/* Makes every CPU forget the VM's cached stage-2 translations, after
 * stage2_unmap() and before the unmapped memory is reused. Any CPU. */
void vm_arch_flush_stage2(struct vm *vm);

#endif

/* Work every hart must do before the caller goes on (a G-stage fence),
 * sent with cvisor's own IPIs rather than an SBI remote fence: OpenSBI
 * 1.1 waits for the other harts in M-mode (lib/sbi/sbi_tlb.c, tlb_sync),
 * where a hart under QEMU 7.2's -icount never gives its turn away and
 * the harts it waits for never run (docs/riscv64.md). Here every wait is
 * cvisor's WFI-ending spin (hal_cpu_relax). */
#ifndef ARCH_HART_CALL_H
#define ARCH_HART_CALL_H

#include <stdint.h>

/* Runs fn(arg) on every online hart, this one first, and returns once
 * each has. A hart runs it when it takes the IPI (from a guest, from
 * its idle WFI) or in any spin-wait, so two harts calling at once, or
 * one spinning on a lock the other holds, do not wait for each other.
 * fn must be short and must not sleep, take locks or call this. */
void hart_call_all(void (*fn)(uint64_t), uint64_t arg);

/* Runs the call another hart posted, if this hart has not yet: from the
 * IPI's acknowledge and from hal_cpu_relax. */
void hart_call_service(void);

#endif

/* Offsets into struct guest_regs for guest_entry.S (checked by vcpu.c). */
#ifndef VMM_RISCV64_GUEST_ENTRY_H
#define VMM_RISCV64_GUEST_ENTRY_H

#define GREGS_X0      0
#define GREGS_SEPC    (32 * 8)
#define GREGS_SSTATUS (33 * 8)
#define GREGS_HSTATUS (34 * 8)
#define GREGS_HOST_SP (35 * 8)

#endif

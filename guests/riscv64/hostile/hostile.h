/* The riscv64 hostile guest's parts (tests/groups/qemu-riscv64-hostile.sh):
 * each probes one class of misbehaviour and prints its verdicts. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <guest.h>

#define RAM_START     GUEST_RAM_BASE
#define RAM_END       (RAM_START + 0x1000000ul)
#define PATTERN_START (RAM_START + 0x400000ul)
#define RO_PAGE       0x7f800000ul /* the config's read-only page */
#define PLIC_BASE     0x0c000000ul
#define PLIC_SIZE     0x00600000ul
#define UART_BASE     0x10000000ul
#define HOLE          0x20000000ul /* nothing there */

/* How long to wait for an interrupt that must come: the waits end when it
 * does, and on two harts without -icount a busy host may hold a hart's
 * thread back for a while. */
#define PATIENCE_S 10

#define SBI_SUCCESS               0
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_EXT_RFENCE            0x52464e43ul

/* Prints "hostile: <what>: PASS" or FAIL (counted). */
void verdict(const char *what, bool ok);
/* Prints "hostile: <what>: FAIL: got G, want W" when got != want. */
bool expect_eq(const char *what, long got, long want);
uint64_t junk(void);

/* Whether the last trap, and only one since 'before', was 'cause' with
 * stval 'tval'. */
bool trapped(uint64_t before, uint64_t cause, uint64_t tval);

void hostile_memory(void);
void hostile_sbi(void);
void hostile_floods(void);
void hostile_plic(void);
void hostile_csrs(void);

/* vCPU 1: takes IPIs until asked to stop (hostile_floods). */
extern volatile unsigned second_ipis;
extern volatile bool second_stop;
void second_main(unsigned cpu);
/* Asks vCPU 1 to stop (HSM hart_stop), and waits until it has. */
void second_halt(void);

#endif

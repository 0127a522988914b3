/* What the files of the hostile guest share: the check report, the
 * trap recorder and the stage-1 map (main.c). */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <guest.h>

#define EC(esr)    ((esr) >> 26 & 0x3f)
#define FSC(esr)   ((esr)&0x3f)
#define WNR(esr)   ((esr) >> 6 & 1)
#define EC_UNKNOWN 0x00
#define EC_IABT    0x21 /* instruction abort, same EL */
#define EC_DABT    0x25 /* data abort, same EL */
#define FSC_SEA    0x10 /* synchronous external abort */
#define FSC_ALIGN  0x21

/* Prints "hostile: NAME: PASS", or FAIL with 'what' and 'val'. */
void check(const char *name, bool ok, const char *what, uint64_t val);
/* trap_arm(), one statement, trapped(): the ESR of the exception that
 * statement took, 0 if none. */
void trap_arm(void);
uint64_t trapped(void);
bool is_sea(uint64_t esr, int write);
/* Stage 1 on: 0-2 GiB identity, 2-3 GiB = 0-1 GiB, all Normal memory;
 * and off again. */
void mmu_normal_on(void);
void mmu_off(void);

/* debug.c, gic.c, aarch32.c, readonly.c */
void test_debug_pmu(void);
void test_aarch32(void);
void test_readonly(void);
void test_sgi_flood(void);
void test_gic(void);

#endif

/* The timer guest's level-sensitivity checks (level.c). */
#ifndef TIMER_LEVEL_H
#define TIMER_LEVEL_H

#include <stdbool.h>

/* Runs every case and prints a line for each; true when all pass. */
bool level_checks(void);
/* From the IRQ handler: true when 'intid' was the timer under test (it
 * is counted and its timer stopped). */
bool level_irq(unsigned intid);

#endif

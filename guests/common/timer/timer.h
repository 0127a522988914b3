/* What the timer guest asks of its arch (guests/<arch>/timer/). */
#ifndef TIMER_H
#define TIMER_H

#include <guest.h>

/* One source of timer interrupts the guest can arm for a counter value. */
struct timer_src {
	const char *name;
	unsigned irq; /* as the handler sees it */
	void (*enable)(void);
	void (*arm)(uint64_t cval);
	void (*stop)(void);
};
extern const struct timer_src timer_srcs[];
/* How many of timer_srcs the vCPU has (asked once, before the runs). */
unsigned timer_arch_sources(void);

/* From the interrupt handler, first: true when 'irq' belongs to the
 * arch's own checks. */
bool timer_arch_irq(unsigned irq);
/* The arch's own checks after the periodic runs ('period' in counter
 * ticks); each prints its line; true when all pass. */
bool timer_arch_checks(uint64_t period);

#endif

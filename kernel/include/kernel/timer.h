/* Time, the scheduler's slice tick, and one-shot timer events per CPU
 * (used to wake vCPUs whose virtual timer fires while they are out). */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/types.h>

struct timer_event {
	uint64_t deadline; /* in hal_timer_now() ticks */
	void (*fn)(struct timer_event *);
	struct timer_event *next;
	unsigned cpu;
	bool armed;
};

uint64_t timer_now_ns(void);
uint64_t timer_ns_to_ticks(uint64_t ns);

/* Arms 'ev' on the calling CPU (re-arms it if armed already). */
void timer_event_arm(struct timer_event *ev, uint64_t deadline);
/* Disarms 'ev'; calling CPU must be the one that armed it. The hardware
 * may still fire at its deadline (taken as an early interrupt). */
void timer_event_cancel(struct timer_event *ev);
/* The same, and the hardware no longer holds its deadline once this
 * returns: for a deadline that another comparator takes over. */
void timer_event_cancel_now(struct timer_event *ev);

/* Whether the slice tick should run (more than one task on this CPU). */
void timer_slice_update(bool others_waiting);
/* Starts a slice for the current task unless one runs: a running slice
 * is neither shortened nor extended. */
void timer_slice_start(void);
/* How long ago the current (or last) slice on this CPU began. */
uint64_t timer_slice_elapsed_ns(void);
/* The host timer interrupt's handler. */
void timer_handle_irq(void);
void timer_init_cpu(void);

#endif

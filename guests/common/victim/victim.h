/* What the victim guest asks of its arch (guests/<arch>/victim/): a
 * timer it can arm for a counter value, and a way to give its pCPU away
 * for a moment. */
#ifndef VICTIM_H
#define VICTIM_H

#include <guest.h>

/* The timer's interrupt, as the handler sees it. */
extern const unsigned victim_timer_irq;
/* Interrupts to 'handler', the timer's enabled (interrupts stay masked). */
void victim_timer_init(void (*handler)(unsigned irq));
void victim_timer_arm(uint64_t cval);
void victim_timer_stop(void);
/* Gives the pCPU to whoever shares it, for a moment. */
void victim_yield(void);

#endif

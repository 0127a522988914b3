/* What the latency guest asks of its arch (guests/<arch>/latency/): a
 * one-shot timer interrupt at a deadline in counter ticks
 * (guest_counter()), and where its options are written. */
#ifndef LATENCY_H
#define LATENCY_H

#include <stddef.h>

#include <guest.h>

/* Readies the timer's interrupt on the boot vCPU (guest_irq_init() has
 * run) and returns the number the handler will see for it. */
unsigned latency_arch_timer_init(void);
/* Raises the timer interrupt once the counter reaches 'deadline' (at
 * once if it has), and lowers it until then: the handler re-arms. */
void latency_arch_arm(uint64_t deadline);
void latency_arch_stop(void);
/* The bytes the options are searched in: the device tree (its bootargs)
 * or the Multiboot command line, from main()'s argument; 0 if none. */
const char *latency_arch_args(uint64_t boot_arg, size_t *len);
/* The device tree at 'boot_arg' as bytes (its whole size), for arches
 * that hand one over; 0 if there is none there. The options are unlikely
 * anywhere but in /chosen/bootargs, and a search needs no walker. */

#endif

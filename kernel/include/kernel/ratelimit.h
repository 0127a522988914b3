/* Rate limits for messages a guest can cause: at most RATELIMIT_BURST per
 * second from one source, the rest counted and the count reported with
 * the next message let through, so that no guest can hold the console
 * (a line takes about 6 ms at 115200 baud) and delay the others. */
#ifndef KERNEL_RATELIMIT_H
#define KERNEL_RATELIMIT_H

#include <kernel/types.h>

#define RATELIMIT_BURST 10

struct ratelimit {
	uint64_t window_end; /* ns */
	unsigned passed;     /* in this window */
	unsigned missed;     /* held back since the last one passed */
};

/* True when the message may be printed; then '*missed' says how many were
 * held back before it. Calls on one limiter must be serialised. */
bool ratelimit_pass(struct ratelimit *rl, unsigned *missed);

#endif

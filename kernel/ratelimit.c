#include <kernel/ratelimit.h>
#include <kernel/timer.h>

bool ratelimit_pass(struct ratelimit *rl, unsigned *missed)
{
	uint64_t now = timer_now_ns();

	if (now >= rl->window_end) {
		rl->window_end = now + 1000000000ull;
		rl->passed = 0;
	}
	if (rl->passed == RATELIMIT_BURST) {
		rl->missed++;
		return false;
	}
	rl->passed++;
	*missed = rl->missed;
	rl->missed = 0;
	return true;
}

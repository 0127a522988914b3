/* x86_64's first touches: a string store, a locked read-modify-write,
 * and an exchange, none of them the moves cvisor emulates as MMIO. */
#include "fresh.h"

static bool string_store(volatile uint64_t *p)
{
	uint64_t n = 2, v = 0x11;
	volatile uint64_t *d = p;

	__asm__ volatile("rep stosq" : "+c"(n), "+D"(d) : "a"(v) : "memory");
	return p[0] == 0x11 && p[1] == 0x11;
}

static bool locked_add(volatile uint64_t *p)
{
	uint64_t v = 0x22;

	__asm__ volatile("lock xaddq %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	p[1] = 0x33;
	return v == 0 && p[0] == 0x22;
}

static bool exchange(volatile uint64_t *p)
{
	uint64_t v = 0x44;

	__asm__ volatile("xchgq %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	p[1] = 0x55;
	return v == 0 && p[0] == 0x44;
}

const struct fresh_touch fresh_touches[] = {
	{ "a string store (REP STOSQ)", string_store },
	{ "a locked add (LOCK XADD)", locked_add },
	{ "an exchange (XCHG)", exchange },
};
const unsigned fresh_touch_count = 3;

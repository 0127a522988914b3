/* aarch64's first touches: data aborts without a syndrome (ISV = 0),
 * which cvisor cannot emulate as MMIO: a store pair, a load pair, an
 * LSE atomic. */
#include "fresh.h"

/* cppcheck-suppress constParameter ; the STP writes through it */
static bool store_pair(volatile uint64_t *p)
{
	__asm__ volatile("stp %1, %2, [%0]" ::"r"(p), "r"(0x11ull), "r"(0x22ull)
			 : "memory");
	return p[0] == 0x11 && p[1] == 0x22;
}

static bool load_pair(volatile uint64_t *p)
{
	uint64_t a, b;

	__asm__ volatile("ldp %0, %1, [%2]"
			 : "=r"(a), "=r"(b)
			 : "r"(p)
			 : "memory");
	p[0] = 0x33, p[1] = 0x44;
	return a == 0 && b == 0;
}

static bool atomic_add(volatile uint64_t *p)
{
	uint64_t old = 1;

	__asm__ volatile(".arch_extension lse\n\tldadd %1, %0, [%2]"
			 : "=r"(old)
			 : "r"(0x55ull), "r"(p)
			 : "memory");
	p[1] = 0x66;
	return old == 0 && p[0] == 0x55;
}

const struct fresh_touch fresh_touches[] = {
	{ "a store pair (STP)", store_pair },
	{ "a load pair (LDP)", load_pair },
	{ "an LSE atomic (LDADD)", atomic_add },
};
const unsigned fresh_touch_count = 3;

/* riscv64's first touches: instructions cvisor's MMIO decoder does not
 * take (an AMO, LR/SC) and a compressed store, which it does. */
#include "fresh.h"

static bool amo_add(volatile uint64_t *p)
{
	uint64_t old = 1;

	__asm__ volatile("amoadd.d %0, %1, (%2)"
			 : "=r"(old)
			 : "r"(0x11ull), "r"(p)
			 : "memory");
	p[1] = 0x22;
	return old == 0 && p[0] == 0x11;
}

static bool lr_sc(volatile uint64_t *p)
{
	uint64_t old, fail;

	__asm__ volatile("1: lr.d %0, (%2)\n\tsc.d %1, %3, (%2)\n\tbnez %1, 1b"
			 : "=&r"(old), "=&r"(fail)
			 : "r"(p), "r"(0x33ull)
			 : "memory");
	p[1] = 0x44;
	return old == 0 && fail == 0 && p[0] == 0x33;
}

static bool compressed_store(volatile uint64_t *p)
{
	__asm__ volatile(".option push\n\t.option rvc\n\tc.sd %1, 0(%0)\n\t"
			 ".option pop" ::"r"(p),
			 "r"(0x55ull)
			 : "memory");
	p[1] = 0x66;
	return p[0] == 0x55;
}

const struct fresh_touch fresh_touches[] = {
	{ "an AMO (AMOADD.D)", amo_add },
	{ "LR/SC", lr_sc },
	{ "a compressed store (C.SD)", compressed_store },
};
const unsigned fresh_touch_count = 3;

/* The isolation pattern: each VM of the hostile scenario fills part of its
 * RAM with words tagged with its own tag in the upper 32 bits (the low 32
 * bits are the address), then checks it never sees the other's tag. */
#ifndef GUEST_PATTERN_H
#define GUEST_PATTERN_H

#include <stdint.h>

#define VICTIM_TAG  0x5ec7e75aull
#define HOSTILE_TAG 0xbadbad00ull

static inline uint64_t pattern_word(uint64_t tag, uint64_t addr)
{
	return tag << 32 | (addr & 0xffffffffull);
}

static inline void pattern_fill(uint64_t tag, uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end; a += 8)
		*(volatile uint64_t *)a = pattern_word(tag, a);
}

/* Addresses in [start, end) whose word does not hold the pattern. */
static inline uint64_t pattern_mismatches(uint64_t tag, uint64_t start,
					  uint64_t end)
{
	uint64_t bad = 0;

	for (uint64_t a = start; a < end; a += 8)
		bad += *(volatile uint64_t *)a != pattern_word(tag, a);
	return bad;
}

/* Words in [start, end) that are words of a 'tag' pattern: the tag in
 * their upper half, an 8-aligned address of [start, end) in the lower
 * (an instruction that holds the tag as a constant is not one: x86's
 * victim has a CMP with it at an 8-aligned offset). */
static inline uint64_t pattern_count_tag(uint64_t tag, uint64_t start,
					 uint64_t end)
{
	uint32_t lo = (uint32_t)start, hi = (uint32_t)(end - 8);
	uint64_t n = 0;

	for (uint64_t a = start; a < end; a += 8) {
		uint64_t w = *(volatile uint64_t *)a;
		uint32_t at = (uint32_t)w;
		n += w >> 32 == tag && !(at & 7) && at >= lo && at <= hi;
	}
	return n;
}

#endif

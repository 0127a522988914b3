/* Ticket spinlocks on the compiler's atomics (portable across ARCHes).
 *
 * The lock order, outermost first, is written once, in docs/design.md
 * ("Locks"). A FAT volume's lock (fs/fat32.h) is taken with none of
 * those held, and under it only the block device's. (The host builds
 * have their own version of this header: hal/host/include/kernel/.)
 * Locks are taken with interrupts masked: the hypervisor
 * runs with them masked outside the idle loop. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <hal/hal.h>

/* The owner in the low half of one word and the next ticket in the high
 * half: one 32-bit fetch-and-add takes a ticket and reads the owner (a
 * single AMO on riscv64, whose A extension has no 16-bit ones), and the
 * next ticket wraps off the top of the word, not into the owner. */
typedef union {
	struct {
		uint16_t owner;
		uint16_t next;
	};
	uint32_t word;
} spinlock_t;
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "spinlock_t's halves");

#define SPINLOCK_INIT     \
	{                 \
		.word = 0 \
	}

/* The wait, out of line: an uncontended lock then makes no call, and a
 * short function taking one needs no stack frame for it. */
static void __attribute__((noinline, cold, unused))
spin_lock_wait(spinlock_t *l, uint16_t me)
{
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		hal_cpu_relax();
}

static inline void spin_lock(spinlock_t *l)
{
	uint32_t t = __atomic_fetch_add(&l->word, 1u << 16, __ATOMIC_ACQUIRE);
	uint16_t me = (uint16_t)(t >> 16);

	if (unlikely((uint16_t)t != me))
		spin_lock_wait(l, me);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif

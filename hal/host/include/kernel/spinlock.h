/* <kernel/spinlock.h> for the host builds (unit tests, fuzzers, tools):
 * the kernel's interface over a pthread mutex, so code shared with the
 * host (fs/) locks as it does in cvisor, and unit tests can race threads
 * through it. The host builds search hal/host/include before
 * kernel/include (Makefile: HOST_CFLAGS, FUZZ_CFLAGS). */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <pthread.h>

typedef pthread_mutex_t spinlock_t;

#define SPINLOCK_INIT PTHREAD_MUTEX_INITIALIZER

static inline void spin_lock(spinlock_t *l)
{
	pthread_mutex_lock(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	pthread_mutex_unlock(l);
}

#endif

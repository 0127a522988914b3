/* Memory cvisor has freed, marked unusable for AddressSanitizer when the
 * kernel runs on the host arch (hal/sim, the core's unit tests): a use
 * after free of a heap object or a page is then reported where it
 * happens. In cvisor itself these do nothing. */
#ifndef KERNEL_POISON_H
#define KERNEL_POISON_H

#if defined(__SANITIZE_ADDRESS__) || defined(__has_feature)
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define KERNEL_ASAN 1
#endif
#endif

#ifdef KERNEL_ASAN
#include <sanitizer/asan_interface.h>
#define mem_poison(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define mem_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define mem_poison(p, n)   ((void)(p), (void)(n))
#define mem_unpoison(p, n) ((void)(p), (void)(n))
#endif

#endif

/* Console output and log levels.
 *
 * cvisor's own lines are marked "[cvisor]" with a level letter; others
 * (the VMs' output, gathered into lines by vmm/console.c) are written
 * with console_write_part(), whole or, for the VM a user types to, as
 * it comes (its prompt must show before its line ends). */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <kernel/types.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

extern enum log_level log_max_level;

void log_printf(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Raw text on the console, no prefix (banner, panics). */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);
/* The line 'owner' has written so far, line[0, len): whole when 'ends',
 * else left open on the terminal. If 'owner' left it open, line[0, sent)
 * is there already and only the rest is written; otherwise (someone
 * else's output came between, and ended it) all of it is written again
 * after 'prefix', so that every line shows whole at least once. */
void console_write_part(const void *owner, const char *prefix, const char *line,
			size_t sent, size_t len, bool ends);

#define pr_error(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)                                       \
	do {                                                \
		if (unlikely(log_max_level >= LOG_DEBUG))   \
			log_printf(LOG_DEBUG, __VA_ARGS__); \
	} while (0)
#define pr_trace(...)                                       \
	do {                                                \
		if (unlikely(log_max_level >= LOG_TRACE))   \
			log_printf(LOG_TRACE, __VA_ARGS__); \
	} while (0)

/* For broken invariants of cvisor itself, never for outside input. */
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (unlikely(cond))                                           \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif

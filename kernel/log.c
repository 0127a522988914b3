/* Console and logging. One lock keeps lines whole across CPUs. */
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum log_level log_max_level = LOG_INFO;

static spinlock_t console_lock = SPINLOCK_INIT;
/* Whose line is open on the terminal (written without its end), or
 * NULL. Under console_lock. */
static const void *open_line;

/* Before output of someone else's: the open line ends. */
static void end_open_line(const void *owner)
{
	if (open_line && open_line != owner)
		console_write("\n", 1);
	open_line = NULL;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			hal_console_putc('\r');
		hal_console_putc(s[i]);
	}
}

static void console_vprintf_locked(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spin_lock(&console_lock);
	end_open_line(NULL);
	console_vprintf_locked(fmt, ap);
	spin_unlock(&console_lock);
	va_end(ap);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
	static const char letter[] = "EWIDT";
	char buf[256];
	va_list ap;

	if (lvl > log_max_level)
		return;
	int n = snprintf(buf, sizeof(buf), "[cvisor %c%u] ", letter[lvl],
			 this_cpu_id());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	spin_lock(&console_lock);
	end_open_line(NULL);
	console_write(buf, (size_t)n);
	spin_unlock(&console_lock);
}

void console_write_part(const void *owner, const char *prefix, const char *line,
			size_t sent, size_t len, bool ends)
{
	spin_lock(&console_lock);
	if (open_line != owner || !sent) {
		end_open_line(owner);
		console_write(prefix, strlen(prefix));
		sent = 0;
	}
	console_write(line + sent, len - sent);
	open_line = ends ? NULL : owner;
	spin_unlock(&console_lock);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	hal_irq_disable();
	va_start(ap, fmt);
	/* No lock: the panicking CPU may hold it. */
	char head[48];
	int n = snprintf(head, sizeof(head),
			 "\n[cvisor] PANIC on CPU %u: ", this_cpu_id());
	console_write(head, (size_t)n);
	console_vprintf_locked(fmt, ap);
	console_write("\n", 1);
	va_end(ap);
	hal_system_off();
}

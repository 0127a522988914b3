/* Console and logging. One lock keeps lines whole across CPUs. */
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <stdarg.h>
#include <stdio.h>

enum log_level log_max_level = LOG_INFO;

static spinlock_t console_lock = SPINLOCK_INIT;
static bool vm_prefix;

/* Guest output is gathered per VM into a line before it is printed, so
 * lines of different VMs do not interleave mid-line. */
#define GUEST_LINE_MAX 160
struct guest_line {
	uint64_t vm_id;
	bool used;
	size_t len;
	char buf[GUEST_LINE_MAX];
};
static struct guest_line guest_lines[8];

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
	console_write(buf, (size_t)n);
	spin_unlock(&console_lock);
}

void console_set_vm_prefix(bool on)
{
	vm_prefix = on;
}

static struct guest_line *guest_line_of(uint64_t vm_id)
{
	struct guest_line *free = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(guest_lines); i++) {
		struct guest_line *l = &guest_lines[i];
		if (l->used && l->vm_id == vm_id)
			return l;
		if (!l->used && !free)
			free = l;
	}
	if (!free)
		free = &guest_lines[vm_id % ARRAY_SIZE(guest_lines)];
	free->used = true;
	free->vm_id = vm_id;
	free->len = 0;
	return free;
}

static void guest_line_flush(struct guest_line *l)
{
	if (vm_prefix) {
		char prefix[32];
		int n = snprintf(prefix, sizeof(prefix), "[vm%llu] ",
				 (unsigned long long)l->vm_id);
		console_write(prefix, (size_t)n);
	}
	console_write(l->buf, l->len);
	l->len = 0;
}

void console_guest_putc(uint64_t vm_id, char c)
{
	spin_lock(&console_lock);
	struct guest_line *l = guest_line_of(vm_id);
	if (c != '\r')
		l->buf[l->len++] = c;
	if (c != '\n' && l->len == GUEST_LINE_MAX - 1)
		l->buf[l->len++] = '\n';  /* an overlong line is broken */
	if (l->len && l->buf[l->len - 1] == '\n')
		guest_line_flush(l);
	spin_unlock(&console_lock);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	hal_irq_disable();
	va_start(ap, fmt);
	/* No lock: the panicking CPU may hold it. */
	char head[48];
	int n = snprintf(head, sizeof(head), "\n[cvisor] PANIC on CPU %u: ",
			 this_cpu_id());
	console_write(head, (size_t)n);
	console_vprintf_locked(fmt, ap);
	console_write("\n", 1);
	va_end(ap);
	hal_system_off();
}

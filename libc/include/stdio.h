/* cvisor's tiny libc: formatted printing into buffers only. Supports
 * %s %c %d %i %u %x %X %p %% with l/ll/z modifiers, a width and the 0 and -
 * flags. No floats: the hypervisor never touches FP registers. */
#ifndef LIBC_STDIO_H
#define LIBC_STDIO_H
#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

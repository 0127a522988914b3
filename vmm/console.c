/* The VMs' console output, a line at a time (vmm/console.h). */
#include <kernel/log.h>
#include <stdio.h>
#include <vmm/console.h>
#include <vmm/vm.h>

static bool prefix_lines;

void vm_console_set_prefix(bool on)
{
	prefix_lines = on;
}

static void line_print(const struct vm *vm, const struct vm_console *c)
{
	char prefix[32] = "";

	if (prefix_lines)
		snprintf(prefix, sizeof(prefix), "[vm%llu] ",
			 (unsigned long long)vm->id);
	console_write_line(prefix, c->buf, c->len);
}

void vm_console_putc(struct vm *vm, char c)
{
	struct vm_console *con = &vm->console;

	spin_lock(&con->lock);
	if (c != '\r')
		con->buf[con->len++] = c;
	if (c != '\n' && con->len == VM_CONSOLE_LINE_MAX - 1)
		con->buf[con->len++] = '\n'; /* an overlong line is broken */
	if (con->len && con->buf[con->len - 1] == '\n') {
		line_print(vm, con);
		con->len = 0;
	}
	spin_unlock(&con->lock);
}

void vm_console_flush(struct vm *vm)
{
	struct vm_console *con = &vm->console;

	spin_lock(&con->lock);
	if (con->len) {
		con->buf[con->len++] = '\n';
		line_print(vm, con);
		con->len = 0;
	}
	spin_unlock(&con->lock);
}

/* The VMs' console output, a line at a time, or as it comes for the VM
 * the user types to (vmm/console.h). */
#include <kernel/console_input.h>
#include <kernel/log.h>
#include <stdio.h>
#include <vmm/console.h>
#include <vmm/vm.h>

static bool prefix_lines;

void vm_console_set_prefix(bool on)
{
	prefix_lines = on;
}

/* What of the line is not printed yet; 'ends' when it is whole. */
static void line_print(const struct vm *vm, struct vm_console *c, bool ends)
{
	char prefix[32] = "";

	if (prefix_lines)
		snprintf(prefix, sizeof(prefix), "[vm%llu] ",
			 (unsigned long long)vm->id);
	console_write_part(vm, prefix, c->buf, c->sent, c->len, ends);
	if (ends)
		c->len = 0;
	c->sent = c->len;
}

void vm_console_putc(struct vm *vm, char c)
{
	struct vm_console *con = &vm->console;

	spin_lock(&con->lock);
	if (c != '\r')
		con->buf[con->len++] = c;
	if (c != '\n' && con->len == VM_CONSOLE_LINE_MAX - 1)
		con->buf[con->len++] = '\n'; /* an overlong line is broken */
	if (con->len && con->buf[con->len - 1] == '\n')
		line_print(vm, con, true);
	else if (con->len > con->sent && con->input &&
		 console_input_focused(con->input))
		line_print(vm, con, false);
	spin_unlock(&con->lock);
}

void vm_console_flush(struct vm *vm)
{
	struct vm_console *con = &vm->console;

	spin_lock(&con->lock);
	if (con->len) {
		con->buf[con->len++] = '\n';
		line_print(vm, con, true);
	}
	spin_unlock(&con->lock);
}

/* The VMs' console output: each VM's characters are gathered into a line
 * and printed whole, prefixed "[vmN] " while several VMs run, so that
 * lines of different VMs never interleave mid-line. The VM the user
 * types to (its console input has the focus) is printed as it writes,
 * so that its prompts show; output of others ends its open line first,
 * and the line is then written again whole when it goes on. */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <kernel/spinlock.h>
#include <kernel/types.h>

#define VM_CONSOLE_LINE_MAX 160

struct console_input;
struct vm_console {
	spinlock_t lock;
	size_t len;  /* of the line so far */
	size_t sent; /* of it printed already (while the VM had the focus) */
	char buf[VM_CONSOLE_LINE_MAX];
	/* The VM's console input (its UART's), set when it is created. */
	const struct console_input *input;
};

struct vm;
/* One character the VM wrote to its console device. Any CPU. */
void vm_console_putc(struct vm *vm, char c);
/* Prints what is left of an unfinished line (at teardown). */
void vm_console_flush(struct vm *vm);
/* Whether lines are prefixed with "[vmN] " (set when more than one VM runs). */
void vm_console_set_prefix(bool on);

#endif

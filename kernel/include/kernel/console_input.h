/* Console input: what is typed on the host's console goes to one place
 * at a time, its focus: cvisor itself, or one of the inputs registered
 * here (each VM's virtual UART). Ctrl-A pressed three times in a row
 * moves the focus on, in the order the inputs were registered:
 * cvisor -> first -> second -> ... -> cvisor (cvisor's own input is its
 * shell, console_input_set_cvisor). An input added while none is
 * registered gets the focus (at boot: the first VM created), unless the
 * shell has had it since (a VM started from the shell leaves it there);
 * when the focused input goes away, the focus moves on to the next one.
 * Each move prints one line saying where input goes.
 *
 * Knows nothing of VMs: an input is a label and two callbacks. */
#ifndef KERNEL_CONSOLE_INPUT_H
#define KERNEL_CONSOLE_INPUT_H

#include <kernel/types.h>

#define CONSOLE_SWITCH_CHAR  0x01 /* Ctrl-A */
#define CONSOLE_SWITCH_COUNT 3

/* Characters typed for the focus wait here while it has no room for
 * them (its FIFO is full): like a wire with flow control. Beyond this,
 * they are lost, and the input is told. */
#define CONSOLE_INPUT_QUEUE 256

struct console_input {
	char label[48]; /* "vm1 (hello)" */
	void *ctx;
	/* Characters typed while it has the focus: takes those it has room
	 * for, in order, and returns how many (the others wait; it calls
	 * console_input_ready() once it has room again). Characters it does
	 * not accept at all (receiver off) it takes and drops. Called with
	 * interrupts masked, from the console's interrupt or from
	 * console_input_ready(). */
	size_t (*receive)(void *ctx, const char *s, size_t n);
	/* 'n' characters for it were lost: the queue was full too. */
	void (*lost)(void *ctx, size_t n);
	/* Optional: it has just got the focus (under the same conditions
	 * as receive). */
	void (*focused)(void *ctx);
	struct console_input *next; /* private: the list */
};

/* Takes the console's receive interrupt (boot CPU, once, after the
 * interrupt controller is up). Without one, input is not read. */
void console_input_init(void);
/* Adds 'in' (filled in by the caller, which keeps it alive until
 * console_input_remove()). */
void console_input_add(struct console_input *in);
/* Removes 'in'; when it had the focus, the focus moves on. After this
 * returns, no callback of 'in' runs. */
void console_input_remove(struct console_input *in);
/* 'in' takes what is typed while the focus is on cvisor itself (its
 * shell); its receive() must take every character. Once, at boot. */
void console_input_set_cvisor(struct console_input *in);
/* Whether what is typed goes to 'in' now. */
bool console_input_focused(const struct console_input *in);
/* 'in' has room again: waiting characters go on to it. Call without
 * holding a lock that receive() takes. Any CPU. */
void console_input_ready(const struct console_input *in);

#endif

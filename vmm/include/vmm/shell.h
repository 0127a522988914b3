/* cvisor's shell (docs/shell.md): on the console while the focus is on
 * cvisor (Ctrl-A three times), a line editor and the commands that
 * manage VMs at run time. */
#ifndef VMM_SHELL_H
#define VMM_SHELL_H

#define SHELL_PROMPT "cvisor> "

/* Starts the shell's task on CPU 0 and makes it cvisor's console input.
 * Once, at boot, before the VMs are created. */
void shell_start(void);

/* One command: its words (argv[0] the command), a line at a time. */
struct shell_cmd {
	const char *name;
	const char *args; /* for help: "ID [--force]" */
	const char *help;
	void (*run)(int argc, char **argv);
};

/* The commands (shell_cmds.c), ended by a NULL name; "vm" subcommands
 * have their own table. */
extern const struct shell_cmd shell_cmds[];
extern const struct shell_cmd shell_vm_cmds[];
/* The file commands on the disk (shell_fs.c). */
extern const struct shell_cmd shell_fs_cmds[];

/* Output for the commands: the console, whole lines. */
void shell_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

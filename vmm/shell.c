/* The shell's line editor and its task (vmm/shell.h). What is typed
 * while the focus is on cvisor arrives in the console's interrupt, is
 * queued here, and is edited and run by the shell's task on CPU 0, so
 * that commands may wait (for a VM to stop) and allocate.
 *
 * Keys: printable characters, Backspace/DEL, Ctrl-U (erase the line),
 * Ctrl-C (drop it), Up/Down (history), Tab (completes a command, a vm
 * subcommand or a VM id), Enter. */
#include <kernel/console_input.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <vmm/shell.h>
#include <vmm/vms.h>

#define LINE_MAX      160
#define HISTORY_MAX   16
#define RX_QUEUE      256
#define ARGS_MAX      16
#define KEY_CTRL_C    0x03
#define KEY_BACKSPACE 0x08
#define KEY_TAB       0x09
#define KEY_CTRL_U    0x15
#define KEY_ESC       0x1b
#define KEY_DEL       0x7f

/* Filled by the console's interrupt, emptied by the task. */
static struct {
	spinlock_t lock;
	char buf[RX_QUEUE];
	unsigned head, len;
	bool prompt; /* the focus came to cvisor: show the prompt */
} rx = { .lock = SPINLOCK_INIT };

static struct task *shell_task;
static struct console_input shell_input;

static char line[LINE_MAX];
static unsigned line_len;
static char history[HISTORY_MAX][LINE_MAX];
static unsigned history_count; /* lines ever kept; the last HISTORY_MAX */
static unsigned history_pos;   /* browsing: history_count = the new line */
static unsigned esc_state;     /* 0; 1 after ESC; 2 after ESC [ */
static bool last_cr;           /* a CR just ended a line (skip its LF) */

void shell_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("%s", buf);
}

static size_t shell_receive(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	spin_lock(&rx.lock);
	for (size_t i = 0; i < n && rx.len < RX_QUEUE; i++)
		rx.buf[(rx.head + rx.len++) % RX_QUEUE] = s[i];
	spin_unlock(&rx.lock);
	if (shell_task)
		sched_wake(shell_task);
	return n; /* beyond the queue, typed too fast: dropped */
}

static void shell_focused(void *ctx)
{
	(void)ctx;
	spin_lock(&rx.lock);
	rx.prompt = true;
	spin_unlock(&rx.lock);
	if (shell_task)
		sched_wake(shell_task);
}

static void prompt(void)
{
	line[line_len] = '\0';
	console_printf("%s%s", SHELL_PROMPT, line);
}

/* Replaces the line being edited with 's', on screen too. */
static void line_set(const char *s)
{
	line_len = (unsigned)strnlen(s, LINE_MAX - 1);
	memcpy(line, s, line_len);
	console_printf("\r\033[K");
	prompt();
}

static void history_add(void)
{
	if (!line_len)
		return;
	char *h = history[history_count % HISTORY_MAX];
	memcpy(h, line, line_len);
	h[line_len] = '\0';
	history_count++;
}

static void history_move(int dir)
{
	unsigned oldest =
		history_count > HISTORY_MAX ? history_count - HISTORY_MAX : 0;

	if (dir < 0 && history_pos > oldest)
		history_pos--;
	else if (dir > 0 && history_pos < history_count)
		history_pos++;
	else
		return;
	line_set(history_pos == history_count ?
			 "" :
			 history[history_pos % HISTORY_MAX]);
}

/* Splits 's' into words (in place); returns how many. */
static int split(char *s, char **argv, int max)
{
	int argc = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s || argc == max)
			return argc;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

static const struct shell_cmd *cmd_find(const struct shell_cmd *t,
					const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void run_line(void)
{
	char buf[LINE_MAX];
	char *argv[ARGS_MAX];

	memcpy(buf, line, line_len);
	buf[line_len] = '\0';
	int argc = split(buf, argv, ARGS_MAX);
	if (!argc)
		return;
	if (argc == ARGS_MAX) {
		shell_printf("%s: too many words (at most %d)\n", argv[0],
			     ARGS_MAX - 1);
		return;
	}
	const struct shell_cmd *c = cmd_find(shell_cmds, argv[0]);
	if (!c)
		c = cmd_find(shell_fs_cmds, argv[0]);
	if (!c) {
		shell_printf("%s: unknown command (help lists them)\n",
			     argv[0]);
		return;
	}
	c->run(argc, argv);
}

/* ---- Tab completion ---- */

struct candidates {
	const char *prefix;
	size_t prefix_len;
	char common[LINE_MAX]; /* the longest common extension so far */
	unsigned count;
	bool list; /* second pass: print them */
};

static void candidate(struct candidates *c, const char *word)
{
	if (strncmp(word, c->prefix, c->prefix_len))
		return;
	if (c->list) {
		shell_printf("%s  ", word);
		return;
	}
	if (!c->count++) {
		snprintf(c->common, sizeof(c->common), "%s", word);
		return;
	}
	size_t i = 0;
	while (c->common[i] && c->common[i] == word[i])
		i++;
	c->common[i] = '\0';
}

static void candidate_vm(const struct vms_info *info, void *ctx)
{
	char id[24];

	snprintf(id, sizeof(id), "%llu", (unsigned long long)info->id);
	candidate(ctx, id);
	candidate(ctx, info->cfg->name);
}

/* The words that may stand where the cursor is: word 'n' of the line
 * (0: a command; 1 after "vm": a subcommand; after one of those: a VM). */
static void complete_pass(struct candidates *c, int n, char **argv)
{
	if (n == 0) {
		for (const struct shell_cmd *t = shell_cmds; t->name; t++)
			candidate(c, t->name);
		for (const struct shell_cmd *t = shell_fs_cmds; t->name; t++)
			candidate(c, t->name);
	} else if (!strcmp(argv[0], "vm") && n == 1) {
		for (const struct shell_cmd *t = shell_vm_cmds; t->name; t++)
			candidate(c, t->name);
	} else if (!strcmp(argv[0], "vm") && n == 2 &&
		   strcmp(argv[1], "create") && strcmp(argv[1], "list")) {
		vms_for_each(candidate_vm, c);
	}
}

static void complete(void)
{
	char buf[LINE_MAX];
	char *argv[ARGS_MAX];
	struct candidates c = { 0 };

	memcpy(buf, line, line_len);
	buf[line_len] = '\0';
	int argc = split(buf, argv, ARGS_MAX);
	bool new_word = !line_len || line[line_len - 1] == ' ';
	int n = new_word ? argc : argc - 1;
	if (n < 0 || n >= ARGS_MAX - 1)
		return;
	c.prefix = new_word ? "" : argv[n];
	c.prefix_len = strlen(c.prefix);
	complete_pass(&c, n, argv);
	if (!c.count)
		return;
	size_t more = strlen(c.common) - c.prefix_len;
	if (c.count == 1 && line_len + more + 1 < LINE_MAX) {
		memcpy(line + line_len, c.common + c.prefix_len, more);
		line_len += (unsigned)more;
		line[line_len++] = ' ';
		console_printf("%s ", c.common + c.prefix_len);
	} else if (more && line_len + more < LINE_MAX) {
		memcpy(line + line_len, c.common + c.prefix_len, more);
		line_len += (unsigned)more;
		console_printf("%s", c.common + c.prefix_len);
	} else if (c.count > 1) {
		shell_printf("\n");
		c.list = true;
		complete_pass(&c, n, argv);
		shell_printf("\n");
		prompt();
	}
}

/* ---- keys ---- */

static void key_enter(void)
{
	console_printf("\n");
	history_add();
	history_pos = history_count;
	run_line();
	line_len = 0;
	prompt();
}

static void key(char ch)
{
	if (esc_state == 1) {
		esc_state = ch == '[' ? 2 : 0;
		return;
	}
	if (esc_state == 2) {
		esc_state = 0;
		if (ch == 'A')
			history_move(-1);
		else if (ch == 'B')
			history_move(1);
		return; /* other keys with arrows' syntax: ignored */
	}
	bool cr = last_cr;
	last_cr = ch == '\r';
	switch (ch) {
	case '\r':
		key_enter();
		break;
	case '\n':
		if (!cr)
			key_enter();
		break;
	case KEY_ESC:
		esc_state = 1;
		break;
	case KEY_BACKSPACE:
	case KEY_DEL:
		if (line_len) {
			line_len--;
			console_printf("\b \b");
		}
		break;
	case KEY_CTRL_U:
		line_set("");
		break;
	case KEY_CTRL_C:
		console_printf("^C\n");
		line_len = 0;
		history_pos = history_count;
		prompt();
		break;
	case KEY_TAB:
		complete();
		break;
	default:
		if (ch >= 0x20 && ch < 0x7f && line_len < LINE_MAX - 1) {
			line[line_len++] = ch;
			console_printf("%c", ch);
		}
	}
}

static void shell_main(void *arg)
{
	(void)arg;
	for (;;) {
		char ch = 0;
		bool have = false, show_prompt;

		spin_lock(&rx.lock);
		show_prompt = rx.prompt;
		rx.prompt = false;
		if (rx.len) {
			ch = rx.buf[rx.head];
			rx.head = (rx.head + 1) % RX_QUEUE;
			rx.len--;
			have = true;
		}
		spin_unlock(&rx.lock);
		if (show_prompt)
			prompt();
		if (have)
			key(ch);
		else if (!show_prompt)
			sched_block();
	}
}

void shell_start(void)
{
	shell_task = task_create("shell", 0, shell_main, NULL);
	if (!shell_task) {
		pr_error("no memory for the shell: console input for cvisor "
			 "is not read");
		return;
	}
	snprintf(shell_input.label, sizeof(shell_input.label), "cvisor");
	shell_input.receive = shell_receive;
	shell_input.focused = shell_focused;
	console_input_set_cvisor(&shell_input);
}

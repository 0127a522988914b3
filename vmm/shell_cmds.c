/* The shell's commands (docs/shell.md). Each prints its answer, or one
 * line saying what is wrong with its arguments; none can bring cvisor
 * down. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <stdio.h>
#include <string.h>
#include <vmm/config_load.h>
#include <vmm/shell.h>
#include <vmm/vm.h>
#include <vmm/vms.h>

struct name_lookup {
	const char *name;
	uint64_t id;
	unsigned found;
};

static void match_name(const struct vms_info *info, void *ctx)
{
	struct name_lookup *l = ctx;

	if (!strcmp(info->cfg->name, l->name)) {
		l->id = info->id;
		l->found++;
	}
}

/* A VM: its decimal id, or its name when one VM has it; false (and a
 * message) otherwise. */
static bool parse_id(const char *cmd, const char *s, uint64_t *id)
{
	struct name_lookup l = { .name = s };
	uint64_t v = 0;
	bool digits = *s != '\0';

	for (const char *p = s; *p && digits; p++) {
		digits = *p >= '0' && *p <= '9' && v <= (UINT64_MAX - 9) / 10;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (digits) {
		*id = v;
		return true;
	}
	vms_for_each(match_name, &l);
	if (l.found == 1) {
		*id = l.id;
		return true;
	}
	shell_printf("%s: '%s' is not %s (vm list shows them)\n", cmd, s,
		     l.found ? "one VM's name: give its id" :
			       "a VM's id or name");
	return false;
}

static bool has_flag(int argc, char **argv, int from, const char *flag)
{
	for (int i = from; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return true;
	return false;
}

/* Whether 'flag' is one of the space-separated words of 'allowed'. */
static bool flag_allowed(const char *allowed, const char *flag)
{
	size_t n = strlen(flag);

	while (*allowed) {
		size_t w = 0;
		while (allowed[w] && allowed[w] != ' ')
			w++;
		if (w == n && !strncmp(allowed, flag, n))
			return true;
		allowed += w;
		while (*allowed == ' ')
			allowed++;
	}
	return false;
}

/* Checks the arguments of "vm CMD ID [flags]": one id, then only the
 * flags in 'allowed' (a space-separated list, or ""). */
static bool id_and_flags(int argc, char **argv, const char *allowed,
			 uint64_t *id)
{
	const char *cmd = argv[1];

	if (argc < 3) {
		shell_printf("vm %s: which VM? (vm %s ID)\n", cmd, cmd);
		return false;
	}
	for (int i = 3; i < argc; i++) {
		if (!flag_allowed(allowed, argv[i])) {
			shell_printf("vm %s: unexpected '%s'\n", cmd, argv[i]);
			return false;
		}
	}
	return parse_id("vm", argv[2], id);
}

/* ---- top level ---- */

static void print_table(const struct shell_cmd *t, const char *prefix)
{
	for (; t->name; t++) {
		char head[48];
		snprintf(head, sizeof(head), "%s%s %s", prefix, t->name,
			 t->args);
		shell_printf("  %-28s %s\n", head, t->help);
	}
}

static void cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	shell_printf("Commands (Tab completes, Up/Down recall, Ctrl-A three "
		     "times leaves the shell):\n");
	print_table(shell_cmds, "");
	print_table(shell_vm_cmds, "vm ");
	shell_printf("Files on the disk (DISK_RO=off to write):\n");
	print_table(shell_fs_cmds, "");
}

static void cmd_uname(int argc, char **argv)
{
	(void)argc, (void)argv;
	shell_printf("cvisor on %s, %u CPUs\n", kernel_platform(), cpu_count);
}

static const char *const level_names[] = { "error", "warn", "info", "debug",
					   "trace" };

static void cmd_log(int argc, char **argv)
{
	if (argc == 1) {
		shell_printf("log level: %s\n", level_names[log_max_level]);
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (argc == 2 && !strcmp(argv[1], level_names[i])) {
			log_max_level = (enum log_level)i;
			shell_printf("log level: %s\n", level_names[i]);
			return;
		}
	}
	shell_printf("log: the level is one of error, warn, info, debug, "
		     "trace\n");
}

static void stop_running(const struct vms_info *info, void *ctx)
{
	(void)ctx;
	if (info->state != VMS_STOPPED && info->state != VMS_CREATED)
		vms_stop(info->id);
}

static void cmd_shutdown(int argc, char **argv)
{
	(void)argc, (void)argv;
	shell_printf("stopping every VM and powering off\n");
	vms_for_each(stop_running, NULL);
	vms_wait_all_stopped();
	vms_power_off();
}

static void cmd_vm(int argc, char **argv)
{
	if (argc < 2) {
		shell_printf("vm: which subcommand? (help lists them)\n");
		return;
	}
	for (const struct shell_cmd *c = shell_vm_cmds; c->name; c++) {
		if (!strcmp(c->name, argv[1])) {
			c->run(argc, argv);
			return;
		}
	}
	shell_printf("vm %s: unknown subcommand (help lists them)\n", argv[1]);
}

const struct shell_cmd shell_cmds[] = {
	{ "help", "", "this list", cmd_help },
	{ "vm", "SUBCOMMAND ...", "manage VMs (below)", cmd_vm },
	{ "log", "[LEVEL]", "cvisor's log level: error ... trace", cmd_log },
	{ "uname", "", "what cvisor runs on", cmd_uname },
	{ "shutdown", "", "stop every VM and power off", cmd_shutdown },
	{ NULL, NULL, NULL, NULL },
};

/* ---- vm ---- */

static uint64_t vm_ram(const struct vm_config *c)
{
	uint64_t ram = 0;

	for (uint32_t i = 0; i < c->region_count; i++)
		if (!(c->regions[i].flags & VMCFG_MEM_DEVICE))
			ram += c->regions[i].size;
	return ram;
}

static void list_line(const struct vms_info *info, void *ctx)
{
	bool *json_first = ctx;
	const struct vm_config *c = info->cfg;

	if (!json_first) {
		shell_printf("%-4llu %-16s %-10s %5u %8llu\n",
			     (unsigned long long)info->id, c->name,
			     vms_state_name(info->state), c->cpu_num,
			     (unsigned long long)(vm_ram(c) >> 20));
		return;
	}
	shell_printf("%s{\"id\": %llu, \"name\": \"%s\", \"state\": \"%s\", "
		     "\"vcpus\": %u, \"memory_bytes\": %llu}",
		     *json_first ? "" : ", ", (unsigned long long)info->id,
		     c->name, vms_state_name(info->state), c->cpu_num,
		     (unsigned long long)vm_ram(c));
	*json_first = false;
}

static void cmd_vm_list(int argc, char **argv)
{
	bool json = argc == 4 && !strcmp(argv[2], "--format") &&
		    !strcmp(argv[3], "json");
	bool first = true;

	if (argc != 2 && !json) {
		shell_printf("vm list: the only option is --format json\n");
		return;
	}
	if (json) {
		shell_printf("[");
		vms_for_each(list_line, &first);
		shell_printf("]\n");
		return;
	}
	shell_printf("%-4s %-16s %-10s %5s %8s\n", "ID", "NAME", "STATE",
		     "VCPUS", "RAM(MiB)");
	vms_for_each(list_line, NULL);
}

static const char *const vcpu_states[] = {
	[VCPU_OFF] = "off",
	[VCPU_ON] = "on",
	[VCPU_STOPPED] = "stopping",
	[VCPU_PAUSED] = "paused",
};

/* Its exits so far, the kinds it had at least one of. Read while it runs:
 * each count is a word its own pCPU writes, so a figure may be a moment
 * old, never torn. */
static void show_exits(const struct vcpu *v)
{
	const char *sep = "";

	shell_printf("  exits:");
	for (unsigned k = 0; k < EXIT_KINDS; k++) {
		uint64_t n = READ_ONCE(v->exits[k]);
		if (!n)
			continue;
		shell_printf("%s %s %llu", sep, vcpu_exit_kind_names[k],
			     (unsigned long long)n);
		sep = ",";
	}
	shell_printf("%s\n", *sep ? "" : " none");
}

static void show_vcpus(uint64_t id)
{
	struct vm *vm = vms_get(id);

	if (!vm) {
		shell_printf("vCPUs: none now (stopped)\n");
		return;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];
		shell_printf("vCPU %u: pCPU %u (hw id %#llx), %s, "
			     "preempted %llu times\n",
			     i, v->pcpu,
			     (unsigned long long)percpu_data[v->pcpu].hwid,
			     vcpu_states[READ_ONCE(v->state)],
			     (unsigned long long)v->preempted);
		show_exits(v);
	}
	vms_put(vm);
}

static void show_line(void *ctx, const char *line)
{
	size_t n = strlen(line);

	(void)ctx;
	shell_printf("  %s%s", line, n && line[n - 1] == '\n' ? "" : "\n");
}

static void cmd_vm_show(int argc, char **argv)
{
	uint64_t id;
	struct vms_info info;

	if (!id_and_flags(argc, argv, "-f -c -s", &id))
		return;
	if (!vms_info(id, &info)) {
		shell_printf("vm show: no VM %llu (vm list shows them)\n",
			     (unsigned long long)id);
		return;
	}
	bool cfg = has_flag(argc, argv, 3, "-c");
	bool stats = has_flag(argc, argv, 3, "-s");
	bool full = has_flag(argc, argv, 3, "-f") || (!cfg && !stats);
	const struct vm_config *c = info.cfg;
	shell_printf("VM %llu (%s): %s, %u vCPU(s), %llu MiB of RAM, from %s\n",
		     (unsigned long long)id, c->name,
		     vms_state_name(info.state), c->cpu_num,
		     (unsigned long long)(vm_ram(c) >> 20), info.source);
	if (full || stats)
		show_vcpus(id);
	if (full || cfg) {
		shell_printf("config:\n");
		vmcfg_print(c, show_line, NULL);
	}
}

/* The commands that act on one VM: "vm CMD ID", no options. */
static void vm_act(int argc, char **argv, const char *(*op)(uint64_t),
		   const char *done)
{
	uint64_t id;

	if (!id_and_flags(argc, argv, "", &id))
		return;
	const char *why = op(id);
	if (why)
		shell_printf("vm %s %llu: %s\n", argv[1],
			     (unsigned long long)id, why);
	else
		shell_printf("VM %llu %s\n", (unsigned long long)id, done);
}

static void create_report(void *ctx, const struct vmcfg_diag *d)
{
	(void)ctx;
	shell_printf("%s:%u:%u: %s: %s\n", d->file, d->line, d->col,
		     d->severity == VMCFG_SEV_ERROR ? "error" : "warning",
		     d->msg);
}

static void cmd_vm_create(int argc, char **argv)
{
	if (argc < 3) {
		shell_printf("vm create: which config? (vm create FILE.toml "
			     "...)\n");
		return;
	}
	for (int i = 2; i < argc; i++) {
		size_t mm_before = mm_used_bytes();
		const char *why = NULL;
		struct vm_config *cfg =
			config_read_disk(argv[i], create_report, NULL, &why);
		if (!cfg) {
			shell_printf("vm create: %s: %s\n", argv[i], why);
			continue;
		}
		uint64_t id = cfg->id;
		if (vms_create(cfg, argv[i], mm_before))
			shell_printf("vm create: %s: not created (see the log)\n",
				     argv[i]);
		else
			shell_printf("VM %llu created from %s (vm start %llu "
				     "boots it)\n",
				     (unsigned long long)id, argv[i],
				     (unsigned long long)id);
	}
}

static void cmd_vm_start(int argc, char **argv)
{
	vm_act(argc, argv, vms_start, "started");
}

static void cmd_vm_suspend(int argc, char **argv)
{
	vm_act(argc, argv, vms_suspend, "suspended");
}

static void cmd_vm_resume(int argc, char **argv)
{
	vm_act(argc, argv, vms_resume, "resumed");
}

static void cmd_vm_reset(int argc, char **argv)
{
	vm_act(argc, argv, vms_reset, "reset");
}

static void cmd_vm_restart(int argc, char **argv)
{
	vm_act(argc, argv, vms_restart, "restarted");
}

/* How long 'vm stop' waits for a guest to obey its power button. */
#define STOP_GRACE_S 10u

static void cmd_vm_stop(int argc, char **argv)
{
	uint64_t id;
	struct vms_info info;
	const char *at_once = "--force";

	if (!id_and_flags(argc, argv, "--force", &id))
		return;
	/* Without --force a running guest is asked first, by its power
	 * button, and given STOP_GRACE_S to power off. */
	if (!has_flag(argc, argv, 3, "--force") && vms_info(id, &info)) {
		if (info.state == VMS_SUSPENDED)
			at_once = "it is suspended and cannot see a button";
		else if (info.state != VMS_RUNNING)
			at_once = vms_state_name(info.state);
		else if (!vms_power_button(id, true))
			at_once = "it has no power button";
		else {
			shell_printf("VM %llu: power button pressed; it has %u s "
				     "to power off\n",
				     (unsigned long long)id, STOP_GRACE_S);
			/* Held down the whole time: a driver that reads the
			 * line some time after its interrupt (gpio-keys'
			 * debounce) sees it pressed however slow the host. */
			bool obeyed = vms_wait_stopped(id, STOP_GRACE_S * 1000);
			vms_power_button(id, false);
			if (obeyed) {
				shell_printf("VM %llu powered off when asked\n",
					     (unsigned long long)id);
				return;
			}
			at_once = "it did not power off in time";
		}
	}
	const char *why = vms_stop(id);
	if (why) {
		shell_printf("vm stop %llu: %s\n", (unsigned long long)id, why);
		return;
	}
	shell_printf("VM %llu stopping (%s)\n", (unsigned long long)id,
		     at_once);
	/* Done when its vCPUs have left: a "vm start" typed next finds it
	 * stopped, and a vCPU that never leaves is said. */
	if (!vms_wait_stopped(id, STOP_GRACE_S * 1000))
		shell_printf("vm stop %llu: it did not stop within %u s\n",
			     (unsigned long long)id, STOP_GRACE_S);
}

static void cmd_vm_delete(int argc, char **argv)
{
	uint64_t id;
	long long diff;

	if (!id_and_flags(argc, argv, "--force", &id))
		return;
	const char *why =
		vms_delete(id, has_flag(argc, argv, 3, "--force"), &diff);
	if (why)
		shell_printf("vm delete %llu: %s\n", (unsigned long long)id,
			     why);
	else if (!diff)
		shell_printf("VM %llu deleted; memory in use is as before it "
			     "was created\n",
			     (unsigned long long)id);
	else
		shell_printf("VM %llu deleted; memory in use is %lld bytes "
			     "off what it was before it was created\n",
			     (unsigned long long)id, diff);
}

const struct shell_cmd shell_vm_cmds[] = {
	{ "list", "[--format json]", "every VM and its state", cmd_vm_list },
	{ "show", "ID [-f|-c|-s]", "one VM: all, config, vCPUs and exits",
	  cmd_vm_show },
	{ "create", "FILE.toml ...", "a VM from a config on the disk",
	  cmd_vm_create },
	{ "start", "ID", "boot a created or stopped VM", cmd_vm_start },
	{ "stop", "ID [--force]",
	  "ask it to power off, stop it after 10 s (--force: at once)",
	  cmd_vm_stop },
	{ "suspend", "ID", "hold its vCPUs out of the guest", cmd_vm_suspend },
	{ "resume", "ID", "let a suspended VM run on", cmd_vm_resume },
	{ "reset", "ID", "reboot it, as the guest's own reset does",
	  cmd_vm_reset },
	{ "restart", "ID", "stop it, then start it again", cmd_vm_restart },
	{ "delete", "ID [--force]", "forget a stopped VM (--force: stop it)",
	  cmd_vm_delete },
	{ NULL, NULL, NULL, NULL },
};

/* The VMM's top level: parse the embedded configs, create and boot each
 * VM (vmm/vms.c keeps them, and powers off when the last has stopped),
 * start the shell. A config that fails to parse or a VM that cannot be
 * created is reported and skipped; the others run. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/config_load.h>
#include <vmm/disk.h>
#include <vmm/images.h>
#include <vmm/vm.h>
#include <vmm/shell.h>
#include <vmm/vmm.h>
#include <vmm/vms.h>

static void config_report(void *ctx, const struct vmcfg_diag *d)
{
	(void)ctx;
	log_printf(d->severity == VMCFG_SEV_ERROR ? LOG_ERROR : LOG_WARN,
		   "%s:%u:%u: %s: %s", d->file, d->line, d->col,
		   d->severity == VMCFG_SEV_ERROR ? "error" : "warning",
		   d->msg);
}

/* Host memory a VM costs beyond the guest RAM it owns: the pages taken
 * while its config was parsed and the VM created (its structures, stage-2
 * tables, devices, heap pages they started), plus the stack each vCPU's
 * task takes when it starts. Page-granular: heap pages carved for one VM
 * serve the next ones too. */
static uint64_t vm_own_memory(const struct vm *vm, size_t free_before)
{
	uint64_t used =
		(uint64_t)(free_before - page_alloc_free_count()) * PAGE_SIZE;

	for (unsigned i = 0; i < vm->as.count; i++)
		if (vm->as.regions[i].owned)
			used -= vm->as.regions[i].size;
	return used + (uint64_t)vm->vcpu_count * TASK_STACK_SIZE;
}

/* Creates the VM of config 'cfg' (NULL: it did not parse, and said
 * why), and says what it costs. */
static void vm_add(struct vm_config *cfg, const char *source, size_t mm_before,
		   size_t free_before, unsigned *n)
{
	if (!cfg) {
		pr_error("%s: VM not created", source);
		return;
	}
	uint64_t id = cfg->id;
	if (vms_create(cfg, source, mm_before))
		return;
	struct vm *vm = vms_get(id);
	pr_info("VM %llu (%s): %u vCPU(s), entry %#llx, %llu KiB of cvisor "
		"memory beyond guest RAM",
		(unsigned long long)vm->id, vm->name, vm->vcpu_count,
		(unsigned long long)vm->boot.entry,
		(unsigned long long)(vm_own_memory(vm, free_before) / 1024));
	vms_put(vm);
	++*n;
}

/* AxVisor's place for the configs of the VMs to start at boot. */
#define DISK_CONFIG_DIR "/guest/vm_default"

static void disk_config(const char *path, void *ctx)
{
	size_t mm_before = mm_used_bytes();
	size_t free_before = page_alloc_free_count();
	const char *why = NULL;
	struct vm_config *cfg =
		config_read_disk(path, config_report, NULL, &why);

	if (!cfg && why)
		pr_error("%s: %s", path, why);
	vm_add(cfg, path, mm_before, free_before, ctx);
}

void vmm_main(void)
{
	unsigned n = 0;

	/* On failure each says why; the VMs that need them are refused. */
	vmm_arch_init();
	disk_mount();
	shell_start();
	vms_init();
	for (const struct embedded_file *f = embedded_configs; f->name; f++) {
		size_t mm_before = mm_used_bytes();
		size_t free_before = page_alloc_free_count();
		vm_add(config_parse(f->name, (const char *)f->data, f->size,
				    config_report, NULL),
		       f->name, mm_before, free_before, &n);
	}
	config_list_disk(DISK_CONFIG_DIR, disk_config, &n);
	if (!n && !vms_stay()) {
		pr_warn("no VM to run; powering off");
		hal_system_off();
	}
	vms_start_all();
}

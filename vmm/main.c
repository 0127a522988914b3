/* The VMM's top level: parse the embedded configs, create and boot each
 * VM, and power off when the last one has stopped. A config that fails
 * to parse or a VM that cannot be created is reported and skipped; the
 * others run. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/disk.h>
#include <vmm/images.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

static unsigned vms_alive;
static size_t mm_before_vms; /* memory in use before the first VM */
static spinlock_t vmm_lock = SPINLOCK_INIT;

static void config_report(void *ctx, const struct vmcfg_diag *d)
{
	(void)ctx;
	log_printf(d->severity == VMCFG_SEV_ERROR ? LOG_ERROR : LOG_WARN,
		   "%s:%u:%u: %s: %s", d->file, d->line, d->col,
		   d->severity == VMCFG_SEV_ERROR ? "error" : "warning",
		   d->msg);
}

static struct vm_config *config_load(const struct embedded_file *f)
{
	struct vm_config *cfg = kzalloc(sizeof(*cfg));
	void *arena = kzalloc(VMCFG_ARENA_SIZE);
	int err = -1;

	if (cfg && arena)
		err = vmcfg_parse(f->name, (const char *)f->data, f->size,
				  arena, VMCFG_ARENA_SIZE, cfg, config_report,
				  NULL);
	kfree(arena);
	if (err) {
		pr_error("%s: VM not created", f->name);
		kfree(cfg);
		return NULL;
	}
	return cfg;
}

void vmm_vm_stopped(void)
{
	spin_lock(&vmm_lock);
	bool last = --vms_alive == 0;
	spin_unlock(&vmm_lock);
	if (last) {
		/* The caller, the last vCPU task, is freed as it ends. */
		size_t used = mm_used_bytes() - task_freed_at_exit();
		if (used == mm_before_vms)
			pr_info("memory: all that the VMs took is back");
		else
			pr_warn("memory: %lld bytes that the VMs took are not back",
				(long long)(used - mm_before_vms));
		pr_info("all VMs have shut down; powering off");
		hal_system_off();
	}
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

void vmm_main(void)
{
	struct vm *vms[16];
	unsigned n = 0;

	/* On failure each says why; the VMs that need them are refused. */
	vmm_arch_init();
	disk_mount();
	mm_before_vms = mm_used_bytes();
	for (const struct embedded_file *f = embedded_configs; f->name; f++) {
		size_t free_before = page_alloc_free_count();
		struct vm_config *cfg = config_load(f);
		if (!cfg)
			continue;
		if (n == ARRAY_SIZE(vms)) {
			pr_error("%s: too many VMs (at most %zu)", f->name,
				 ARRAY_SIZE(vms));
			kfree(cfg);
			continue;
		}
		struct vm *vm = vm_create(cfg);
		if (!vm) {
			pr_error("%s: VM %s not created", f->name, cfg->name);
			kfree(cfg);
			continue;
		}
		pr_info("VM %llu (%s): %u vCPU(s), entry %#llx, %llu KiB of cvisor "
			"memory beyond guest RAM",
			(unsigned long long)vm->id, vm->name, vm->vcpu_count,
			(unsigned long long)vm->boot.entry,
			(unsigned long long)(vm_own_memory(vm, free_before) /
					     1024));
		vms[n++] = vm;
	}
	if (!n) {
		pr_warn("no VM to run; powering off");
		hal_system_off();
	}
	vm_console_set_prefix(n > 1);
	vms_alive = n;
	for (unsigned i = 0; i < n; i++)
		vm_boot(vms[i]);
}

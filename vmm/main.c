/* The VMM's top level: parse the embedded configs, create and boot each
 * VM, and power off when the last one has stopped. A config that fails
 * to parse or a VM that cannot be created is reported and skipped; the
 * others run. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/images.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

static unsigned vms_alive;
static spinlock_t vmm_lock = SPINLOCK_INIT;

static void config_report(void *ctx, const struct vmcfg_diag *d)
{
	(void)ctx;
	log_printf(d->severity == VMCFG_SEV_ERROR ? LOG_ERROR : LOG_WARN,
		   "%s:%u:%u: %s: %s", d->file, d->line, d->col,
		   d->severity == VMCFG_SEV_ERROR ? "error" : "warning", d->msg);
}

static struct vm_config *config_load(const struct embedded_file *f)
{
	struct vm_config *cfg = kzalloc(sizeof(*cfg));
	void *arena = kzalloc(VMCFG_ARENA_SIZE);
	int err = -1;

	if (cfg && arena)
		err = vmcfg_parse(f->name, (const char *)f->data, f->size, arena,
				  VMCFG_ARENA_SIZE, cfg, config_report, NULL);
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
		pr_info("all VMs have shut down; powering off");
		hal_system_off();
	}
}

void vmm_main(void)
{
	struct vm *vms[16];
	unsigned n = 0;

	for (const struct embedded_file *f = embedded_configs; f->name; f++) {
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
		pr_info("VM %llu (%s): %u vCPU(s), entry %#llx", (unsigned long long)vm->id,
			vm->name, vm->vcpu_count, (unsigned long long)vm->boot.entry);
		vms[n++] = vm;
	}
	if (!n) {
		pr_warn("no VM to run; powering off");
		hal_system_off();
	}
	console_set_vm_prefix(n > 1);
	vms_alive = n;
	for (unsigned i = 0; i < n; i++)
		vm_boot(vms[i]);
}

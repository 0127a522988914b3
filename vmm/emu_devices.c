/* The emu_devices entries against what the VM's architecture has
 * (vmm/emu_devices.h). */
#include <kernel/log.h>
#include <vmm/emu_devices.h>

static const struct emu_support *emu_find(const struct emu_support *tab,
					  size_t n, uint32_t type)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].type == type)
			return &tab[i];
	return NULL;
}

static int emu_entry_check(const struct vm *vm, const char *arch,
			   const struct emu_support *s, unsigned gic,
			   unsigned i)
{
	const struct vmcfg_emu_device *d = &vm->cfg->emu_devices[i];
	const char *name = vmcfg_emu_type_name(d->emu_type);

	if (!s || (s->gic && s->gic != gic)) {
		pr_error("VM %s: devices.emu_devices[%u] \"%s\" (line %u): "
			 "emu_type 0x%x (%s) is not a device of %s VMs%s; VM "
			 "refused",
			 vm->name, i, d->name, d->line, d->emu_type,
			 name ? name : "unknown", arch,
			 s ? " with this GIC" : "");
		return -1;
	}
	if (s->base && d->base_gpa != s->base) {
		pr_error("VM %s: devices.emu_devices[%u] \"%s\" (line %u): "
			 "cvisor puts the VM's %s at %#llx, not at %#llx; VM "
			 "refused",
			 vm->name, i, d->name, d->line, s->what,
			 (unsigned long long)s->base,
			 (unsigned long long)d->base_gpa);
		return -1;
	}
	if (s->warn)
		pr_warn("VM %s: devices.emu_devices[%u] \"%s\": %s", vm->name,
			i, d->name, s->warn);
	else
		pr_info("VM %s: devices.emu_devices[%u] \"%s\": %s at %#llx",
			vm->name, i, d->name, s->what,
			(unsigned long long)d->base_gpa);
	return 0;
}

int emu_devices_check(const struct vm *vm, const char *arch,
		      const struct emu_support *tab, size_t n, unsigned gic)
{
	int err = 0;

	for (uint32_t i = 0; i < vm->cfg->emu_device_count; i++)
		if (emu_entry_check(vm, arch,
				    emu_find(tab, n,
					     vm->cfg->emu_devices[i].emu_type),
				    gic, i))
			err = -1;
	return err;
}

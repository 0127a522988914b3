/* VM lifecycle: create, boot, shut down, tear down. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <string.h>
#include <vmm/arch/boot.h>
#include <vmm/devices.h>
#include <vmm/guest_dtb.h>
#include <vmm/images.h>
#include <vmm/passthrough.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

/* The pCPU for vCPU 'i': phys_cpu_ids (hardware ids), else the lowest
 * online CPU of phys_cpu_sets, else spread round-robin. -1 if none. */
static int vm_pick_pcpu(const struct vm_config *c, unsigned i)
{
	if (c->phys_cpu_ids_count)
		return percpu_find_hwid(c->phys_cpu_ids[i]);
	if (c->phys_cpu_sets_count) {
		for (unsigned cpu = 0; cpu < cpu_count && cpu < 64; cpu++)
			if (c->phys_cpu_sets[i] >> cpu & 1)
				return (int)cpu;
		return -1;
	}
	return (int)(i % cpu_count);
}

/* kernel.disk_path: a virtio-blk where the arch's machine has its
 * virtio-mmio (guest_dtb_platform; the DTB describes it there). */
static int vm_create_disk(struct vm *vm)
{
	const char *path = vm->cfg->disk_path;
	unsigned irqchip;
	const struct guest_dtb_platform *plat = vm_arch_dtb_platform(&irqchip);

	if (!path[0])
		return 0;
	if (!plat || !plat->virtio_base) {
		pr_error("VM %s: kernel.disk_path %s: %s VMs have no virtual "
			 "disk yet; VM refused",
			 vm->name, path, vm_arch_boot.arch);
		return -1;
	}
	if (vvirtio_blk_create(vm, plat->virtio_base, plat->virtio_irq, path)) {
		pr_error("VM %s: cannot create its disk at %#llx", vm->name,
			 (unsigned long long)plat->virtio_base);
		return -1;
	}
	return 0;
}

static int vm_create_vcpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->cfg->cpu_num; i++) {
		int pcpu = vm_pick_pcpu(vm->cfg, i);
		if (pcpu < 0) {
			pr_error("VM %s: vCPU %u names a physical CPU this machine "
				 "does not have",
				 vm->name, i);
			return -1;
		}
		struct vcpu *v = kzalloc(sizeof(*v));
		if (!v)
			return -1;
		v->vm = vm;
		v->id = i;
		v->pcpu = (unsigned)pcpu;
		v->hwid = vcpu_arch_hwid(i);
		v->state = VCPU_OFF;
		v->parked = true;
		v->shortest_run = UINT64_MAX;
		vm->vcpus[i] = v;
		vm->vcpu_count++;
		if (vcpu_arch_create(v))
			return -1;
	}
	return 0;
}

/* Tears the VM down in the reverse order of vm_create(). By now nothing
 * runs in it: its vCPU tasks have ended (each cancelled its own timer
 * event, vcpu_arch_stop) or never started. What can still reach it from
 * outside goes first: console input with its devices, then forwarded
 * host interrupts with the interrupt controller (each drained, so no
 * handler is left running on another CPU). */
void vm_destroy(struct vm *vm)
{
	passthrough_destroy(vm);
	ivc_vm_destroyed(vm);
	io_bus_destroy(&vm->mmio);
	io_bus_destroy(&vm->pio);
	vm_console_flush(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (v->task)
			task_free(v->task);
		vcpu_arch_destroy(v);
		kfree(v);
	}
	vm_arch_destroy(vm);
	addrspace_destroy(&vm->as);
	kfree(vm->cfg_own);
	kfree(vm);
}

/* An emulated device inside one of the VM's memory regions: which of the
 * two would answer the guest would depend on whether its RAM had been
 * used yet (addrspace.c maps RAM at its first use), so the VM is
 * refused. */
static int vm_devices_clear_of_memory(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->mmio.count; i++) {
		const struct io_device *d = &vm->mmio.dev[i];

		for (unsigned j = 0; j < vm->as.count; j++) {
			const struct as_region *r = &vm->as.regions[j];

			if (d->base >= r->gpa + r->size ||
			    r->gpa >= d->base + d->size)
				continue;
			pr_error("VM %s: its %s at [%#llx, %#llx) lies in "
				 "kernel.memory_regions' [%#llx, %#llx): a "
				 "guest address is a device or memory, not "
				 "both; move the region; VM refused",
				 vm->name, d->name, (unsigned long long)d->base,
				 (unsigned long long)(d->base + d->size),
				 (unsigned long long)r->gpa,
				 (unsigned long long)(r->gpa + r->size));
			return -1;
		}
	}
	return 0;
}

struct vm *vm_create(struct vm_config *cfg)
{
	struct vm *vm = kzalloc(sizeof(*vm));

	if (!vm) {
		pr_error("VM %s: out of memory", cfg->name);
		return NULL;
	}
	vm->id = cfg->id;
	vm->cfg = cfg;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->lock = (spinlock_t)SPINLOCK_INIT;
	vm->console.lock = (spinlock_t)SPINLOCK_INIT;
	vm->state = VM_RUNNING;
	if (addrspace_init(&vm->as, cfg, vm->name) || ivc_vm_init(vm) ||
	    vm_arch_init(vm) || vm_arch_create_devices(vm) ||
	    vm_create_disk(vm) || vm_devices_clear_of_memory(vm) ||
	    passthrough_whole_expand(vm) || passthrough_prune(vm) ||
	    images_load(vm) || vm_create_vcpus(vm) || passthrough_init(vm)) {
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

/* Makes the task of vCPU 'v' if it has none; false without memory. Caller
 * holds the VM's lock. */
static bool vm_vcpu_task_make(struct vm *vm, struct vcpu *v)
{
	if (!v->task) {
		v->task = task_create(vm->name, v->pcpu, vcpu_task_main, v);
		if (!v->task)
			return false;
		vm->vcpus_running++;
	}
	return true;
}

/* Every vCPU's task is made as its VM boots, parked until its CPU_ON:
 * the guest's CPU_ON then takes no memory, and what a VM holds is fixed
 * from its start (a task that cannot be made now is tried again at the
 * CPU_ON, vm_vcpu_on). Tasks live across reboots. */
void vm_boot(struct vm *vm)
{
	spin_lock(&vm->lock);
	for (unsigned i = 1; i < vm->vcpu_count; i++)
		vm_vcpu_task_make(vm, vm->vcpus[i]);
	spin_unlock(&vm->lock);
	vm_vcpu_on(vm, vm->vcpus[0], vm->boot.entry, vm->boot.arg);
}

int vm_unmap(struct vm *vm, gpaddr_t gpa, uint64_t size)
{
	if (stage2_unmap(&vm->as.s2, gpa, size))
		return -1;
	vm_arch_flush_stage2(vm);
	return 0;
}

bool vm_write_guest(struct vm *vm, gpaddr_t gpa, const void *src, size_t size)
{
	void *dst = addrspace_gpa_to_host(&vm->as, gpa, size);

	if (!dst)
		return false;
	memcpy(dst, src, size);
	return true;
}

struct vcpu *vm_vcpu_by_hwid(struct vm *vm, uint64_t hwid)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i]->hwid == hwid)
			return vm->vcpus[i];
	return NULL;
}

enum vcpu_on_result vm_vcpu_on(struct vm *vm, struct vcpu *v, gpaddr_t entry,
			       uint64_t context)
{
	enum vcpu_on_result r = VCPU_ON_OK;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING && vm->state != VM_SUSPENDED) {
		r = VCPU_ON_DENIED;
	} else if (v->state == VCPU_ON || v->state == VCPU_PAUSED) {
		r = VCPU_ON_ALREADY_ON;
	} else {
		/* The vCPU's own task resets it to this entry: it may still be
		 * on its way out of the guest after a CPU_OFF. */
		v->boot_entry = entry;
		v->boot_arg = context;
		/* Started while its VM is suspended: held like the others. */
		v->state = vm->state == VM_SUSPENDED ? VCPU_PAUSED : VCPU_ON;
		if (v->task) {
			sched_wake(v->task);
		} else if (vm_vcpu_task_make(vm, v)) {
			v->parked = false;
		} else {
			v->state = VCPU_OFF;
			r = VCPU_ON_DENIED;
		}
	}
	spin_unlock(&vm->lock);
	return r;
}

/* Makes vCPU 'v' leave the guest, or the wait for an interrupt, and look
 * at its state. Caller holds the VM's lock. */
static void vm_kick_vcpu(struct vcpu *v)
{
	if (v->task)
		sched_wake(v->task); /* if it waits for an interrupt */
	if (v->pcpu != this_cpu_id())
		hal_irqchip_send_ipi(v->pcpu);
}

/* Asks every vCPU but 'keep' to power off and kicks those in the guest. */
static void vm_park_others(struct vm *vm, const struct vcpu *keep)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (v == keep || v->state != VCPU_ON)
			continue;
		v->state = VCPU_OFF;
		vm_kick_vcpu(v);
	}
}

bool vm_suspend(struct vm *vm)
{
	bool ok;

	spin_lock(&vm->lock);
	ok = vm->state == VM_RUNNING;
	if (ok) {
		vm->state = VM_SUSPENDED;
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = vm->vcpus[i];
			if (v->state != VCPU_ON)
				continue;
			v->state = VCPU_PAUSED;
			vm_kick_vcpu(v);
		}
	}
	spin_unlock(&vm->lock);
	return ok;
}

bool vm_resume(struct vm *vm)
{
	bool ok;

	spin_lock(&vm->lock);
	ok = vm->state == VM_SUSPENDED;
	if (ok) {
		vm->state = VM_RUNNING;
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = vm->vcpus[i];
			if (v->state != VCPU_PAUSED)
				continue;
			v->state = VCPU_ON;
			vm_kick_vcpu(v);
		}
	}
	spin_unlock(&vm->lock);
	return ok;
}

static bool vm_others_parked(const struct vm *vm, const struct vcpu *caller)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (v != caller && !READ_ONCE(v->parked))
			return false;
	}
	return true;
}

bool vm_reset(struct vm *vm, struct vcpu *caller)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return false;
	}
	vm->state = VM_RESETTING;
	vm->rebooting = true;
	if (caller)
		caller->state = VCPU_OFF;
	vm_park_others(vm, caller);
	spin_unlock(&vm->lock);
	pr_info("VM %llu (%s) is rebooting", (unsigned long long)vm->id,
		vm->name);

	/* The others leave the guest at their next exit (the IPI forces
	 * one); those sharing this pCPU need it to get there, those on
	 * other pCPUs only time (the relax is a spin-wait hint). */
	while (!vm_others_parked(vm, caller)) {
		if (READ_ONCE(vm->state) != VM_RESETTING)
			break; /* shut down meanwhile */
		sched_yield();
		hal_cpu_relax();
	}
	/* A shutdown from here on leaves the parked vCPUs to this reboot
	 * (vm_shutdown), so nothing of the VM runs while it is reset. */
	bool loaded = false;
	if (READ_ONCE(vm->state) == VM_RESETTING) {
		io_bus_reset(&vm->mmio);
		io_bus_reset(&vm->pio);
		vm_arch_reset(vm);
		loaded = images_load(vm) == 0;
	}
	spin_lock(&vm->lock);
	vm->rebooting = false;
	bool rebooted = vm->state == VM_RESETTING;
	if (rebooted)
		vm->state = VM_RUNNING;
	spin_unlock(&vm->lock);
	if (rebooted && loaded)
		vm_boot(vm);
	else /* stopped meanwhile (the vCPUs left to us), or cannot boot */
		vm_shutdown(vm, "stopped: its images could not be reloaded");
	return true;
}

void vm_shutdown(struct vm *vm, const char *why)
{
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING || vm->state == VM_RESETTING ||
	    vm->state == VM_SUSPENDED) {
		/* Said, so that a stop that lands in a reboot shows. */
		const char *when = vm->state == VM_RESETTING ?
					   ", in the middle of a reboot" :
					   "";
		vm->state = VM_STOPPING;
		pr_info("VM %llu (%s) %s%s", (unsigned long long)vm->id,
			vm->name, why, when);
	}
	/* A reboot under way resets the devices and the vGIC while the
	 * other vCPUs are parked: they must stay so, not leave (and tear the
	 * VM down) under it. vm_reset() stops them when it is done. */
	for (unsigned i = 0; i < vm->vcpu_count && !vm->rebooting; i++) {
		vm->vcpus[i]->state = VCPU_STOPPED;
		vm_kick_vcpu(vm->vcpus[i]);
	}
	spin_unlock(&vm->lock);
}

/* How often each vCPU lost its pCPU to another task at a slice's end, and
 * the least it had run then: a neighbour must not be able to cut that
 * short (tests/groups/qemu-aarch64-neighbours.sh). */
static void vm_report_preemptions(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];
		if (!v->preempted)
			continue;
		pr_info("VM %llu (%s) vCPU %u: preempted %llu times, after "
			"running at least %llu us",
			(unsigned long long)vm->id, vm->name, i,
			(unsigned long long)v->preempted,
			(unsigned long long)v->shortest_run / 1000);
	}
}

/* Called by each vCPU task as it ends; the last one frees the VM. */
void vm_vcpu_exited(struct vm *vm)
{
	spin_lock(&vm->lock);
	bool last = --vm->vcpus_running == 0;
	spin_unlock(&vm->lock);
	if (!last)
		return;
	vm->state = VM_STOPPED;
	vm_report_preemptions(vm);
	if (vm->debug_log.missed)
		pr_info("VM %llu: %u more debug hypercalls not logged",
			(unsigned long long)vm->id, vm->debug_log.missed);
	vmm_vm_stopped(vm); /* which tears it down, now or when let go */
}

/* The VMs cvisor knows (vms.h). Lock order: vms_lock, then a VM's lock. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <stdio.h>
#include <string.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>
#include <vmm/vms.h>

#ifndef CVISOR_STAY
#define CVISOR_STAY 0
#endif

struct vm_slot {
	struct vm_config *cfg; /* NULL: a free slot */
	struct vm *vm;         /* NULL while stopped */
	bool started;          /* booted since it was created */
	bool tearing_down;     /* stopped, its memory not yet all back */
	size_t mm_before;      /* memory in use before it was created */
	char source[VMS_SOURCE_MAX];
};

static struct vm_slot slots[VMS_MAX];
static spinlock_t vms_lock = SPINLOCK_INIT;
/* VMs started whose vCPUs have not all ended, plus one while the boot
 * starts its VMs (so that the first to stop does not power off). */
static unsigned vms_running = 1;
static size_t mm_before_vms;

static const char *const state_names[] = {
	[VMS_CREATED] = "created",     [VMS_RUNNING] = "running",
	[VMS_SUSPENDED] = "suspended", [VMS_RESETTING] = "resetting",
	[VMS_STOPPING] = "stopping",   [VMS_STOPPED] = "stopped",
};

const char *vms_state_name(enum vms_state s)
{
	return state_names[s];
}

void vms_init(void)
{
	mm_before_vms = mm_used_bytes();
}

bool vms_stay(void)
{
	return CVISOR_STAY;
}

static struct vm_slot *slot_find(uint64_t id)
{
	for (unsigned i = 0; i < VMS_MAX; i++)
		if (slots[i].cfg && slots[i].cfg->id == id)
			return &slots[i];
	return NULL;
}

static enum vms_state slot_state(const struct vm_slot *s)
{
	if (!s->vm)
		return s->tearing_down ? VMS_STOPPING : VMS_STOPPED;
	if (!s->started)
		return VMS_CREATED;
	switch (READ_ONCE(s->vm->state)) {
	case VM_RUNNING:
		return VMS_RUNNING;
	case VM_SUSPENDED:
		return VMS_SUSPENDED;
	case VM_RESETTING:
		return VMS_RESETTING;
	default:
		return VMS_STOPPING;
	}
}

int vms_create(struct vm_config *cfg, const char *source, size_t mm_before)
{
	struct vm_slot *s = NULL;
	const char *why = NULL;

	spin_lock(&vms_lock);
	if (slot_find(cfg->id))
		why = "a VM with this id exists already";
	for (unsigned i = 0; i < VMS_MAX && !s && !why; i++)
		if (!slots[i].cfg)
			s = &slots[i];
	if (s)
		s->cfg = cfg; /* the slot is taken */
	else if (!why)
		why = "too many VMs";
	spin_unlock(&vms_lock);
	if (!s) {
		pr_error("%s: VM %llu (%s) not created: %s", source,
			 (unsigned long long)cfg->id, cfg->name, why);
		kfree(cfg);
		return -1;
	}
	s->mm_before = mm_before;
	snprintf(s->source, sizeof(s->source), "%s", source);
	struct vm *vm = vm_create(cfg);
	if (!vm) {
		pr_error("%s: VM %s not created", source, cfg->name);
		spin_lock(&vms_lock);
		s->cfg = NULL;
		spin_unlock(&vms_lock);
		kfree(cfg);
		return -1;
	}
	vm->users = 1; /* the registry's */
	unsigned count = 0;
	spin_lock(&vms_lock);
	s->vm = vm;
	s->started = false;
	for (unsigned i = 0; i < VMS_MAX; i++)
		count += slots[i].cfg != NULL;
	spin_unlock(&vms_lock);
	/* With more than one VM, each line says whose it is, from then on. */
	if (count > 1)
		vm_console_set_prefix(true);
	return 0;
}

/* Boots the created VM of slot 's'. Caller holds vms_lock. */
static void slot_boot(struct vm_slot *s)
{
	s->started = true;
	vms_running++;
	vm_boot(s->vm);
}

void vms_start_all(void)
{
	spin_lock(&vms_lock);
	for (unsigned i = 0; i < VMS_MAX; i++)
		if (slots[i].vm && !slots[i].started)
			slot_boot(&slots[i]);
	spin_unlock(&vms_lock);
	vmm_vm_stopped(NULL); /* the boot's hold */
}

/* Drops a reference to 'vm'; the last one tears it down. */
void vms_put(struct vm *vm)
{
	spin_lock(&vms_lock);
	bool last = --vm->users == 0;
	spin_unlock(&vms_lock);
	if (last)
		vm_destroy(vm);
}

struct vm *vms_get(uint64_t id)
{
	struct vm *vm = NULL;

	spin_lock(&vms_lock);
	struct vm_slot *s = slot_find(id);
	if (s && s->vm) {
		vm = s->vm;
		vm->users++;
	}
	spin_unlock(&vms_lock);
	return vm;
}

/* Sleeps the calling task for 'ns' (other tasks of its CPU run). */
struct sleeper {
	struct timer_event ev;
	struct task *task;
	bool done;
};

static void sleeper_wake(struct timer_event *ev)
{
	struct sleeper *s = container_of(ev, struct sleeper, ev);

	WRITE_ONCE(s->done, true);
	sched_wake(s->task);
}

static void sleep_ns(uint64_t ns)
{
	struct sleeper s = { .ev.fn = sleeper_wake, .task = sched_current() };

	timer_event_arm(&s.ev, hal_timer_now() + timer_ns_to_ticks(ns));
	while (!READ_ONCE(s.done))
		sched_block();
}

/* Bytes in use beyond 'before' once the tasks that have ended are freed,
 * the caller's own counted as freed if it is to be as it ends. A task's
 * stack goes at its last switch, on its own pCPU: after its VM, by as long
 * as that pCPU is held up (a busy host may not run its thread for a
 * while), so the wait is for that switch, not for a time; 10 s bound a
 * switch that never comes. */
static long long mm_used_beyond(size_t before)
{
	size_t own = task_freed_at_exit();
	unsigned own_reaping = own ? 1 : 0;
	long long diff = 0;

	for (unsigned i = 0; i < 10000; i++) {
		unsigned reaping = task_reaping(); /* before the count */
		diff = (long long)(mm_used_bytes() - own - before);
		if (!diff || reaping <= own_reaping)
			break;
		sleep_ns(1000 * 1000);
	}
	return diff;
}

/* The last vCPU task of 'vm' has ended (NULL: the boot has started all
 * its VMs): the registry lets it go, and with no VM running any more
 * cvisor powers off, unless it stays. */
void vmm_vm_stopped(struct vm *vm)
{
	bool last_ref = false;

	struct vm_slot *s = NULL;

	spin_lock(&vms_lock);
	if (vm) {
		for (unsigned i = 0; i < VMS_MAX; i++)
			if (slots[i].vm == vm)
				s = &slots[i];
		if (s) {
			s->vm = NULL; /* no new references */
			s->tearing_down = true;
		}
		last_ref = --vm->users == 0;
	}
	bool none_running = --vms_running == 0;
	spin_unlock(&vms_lock);
	if (last_ref)
		vm_destroy(vm);
	/* Held elsewhere, the VM goes with its last reference (vms_put);
	 * the slot is stopped from here either way. */
	if (s)
		WRITE_ONCE(s->tearing_down, false);
	if (!none_running)
		return;
	/* cppcheck-suppress knownConditionTrueFalse ; STAY is a build option */
	if (!vms_stay()) {
		vms_power_off();
		return;
	}
	pr_info("no VM runs; cvisor stays up (shutdown powers off)");
}

void vms_power_off(void)
{
	static unsigned powering_off; /* a word: riscv64 has no byte AMOs */

	/* The shell's shutdown and the last vCPU to stop may both come
	 * here: the first one frees and powers off, the other goes back (a
	 * vCPU task to end and be freed, which the first one waits for). */
	if (__atomic_exchange_n(&powering_off, 1u, __ATOMIC_SEQ_CST))
		return;
	/* Nothing runs in the VMs left (created, never started): freed
	 * here so that the memory check below sees them back. */
	for (unsigned i = 0; i < VMS_MAX; i++) {
		struct vm_slot *s = &slots[i];
		if (s->vm && !s->started) {
			vm_destroy(s->vm);
			s->vm = NULL;
		}
		if (!s->vm) {
			kfree(s->cfg);
			s->cfg = NULL;
		}
	}
	long long not_back = mm_used_beyond(mm_before_vms);
	if (!not_back)
		pr_info("memory: all that the VMs took is back");
	else
		pr_warn("memory: %lld bytes that the VMs took are not back",
			not_back);
	pr_info("all VMs have shut down; powering off");
	hal_system_off();
}

/* Runs op on VM 'id', which must be running, with a reference held. */
static const char *with_vm(uint64_t id, bool (*op)(struct vm *),
			   const char *refused)
{
	struct vms_info info;

	if (!vms_info(id, &info))
		return "no VM with this id";
	struct vm *vm = vms_get(id);
	if (!vm || info.state == VMS_CREATED)
		refused = "it is not running";
	else if (op(vm))
		refused = NULL;
	if (vm)
		vms_put(vm);
	return refused;
}

const char *vms_start(uint64_t id)
{
	const char *why = NULL;
	struct vm_config *cfg = NULL;
	char source[VMS_SOURCE_MAX];

	spin_lock(&vms_lock);
	struct vm_slot *s = slot_find(id);
	if (!s)
		why = "no VM with this id";
	else if (s->vm && s->started)
		why = slot_state(s) == VMS_STOPPING ? "it is still stopping" :
						      "it is running already";
	else if (s->vm)
		slot_boot(s);
	else
		cfg = s->cfg;
	spin_unlock(&vms_lock);
	if (!cfg)
		return why;
	/* Stopped: made again from its config. The slot is the shell's
	 * alone meanwhile (only the shell starts or deletes). */
	snprintf(source, sizeof(source), "%s", s->source);
	struct vm *vm = vm_create(cfg);
	if (!vm)
		return "it could not be created again (see the log)";
	vm->users = 1;
	spin_lock(&vms_lock);
	s->vm = vm;
	slot_boot(s);
	spin_unlock(&vms_lock);
	return NULL;
}

static bool op_stop(struct vm *vm)
{
	vm_shutdown(vm, "stopped from the shell");
	return true;
}

const char *vms_stop(uint64_t id)
{
	struct vms_info info;

	if (vms_info(id, &info) && info.state == VMS_STOPPED)
		return "it is stopped already";
	return with_vm(id, op_stop, "it is not running");
}

const char *vms_suspend(uint64_t id)
{
	return with_vm(id, vm_suspend, "it is not running (or suspended)");
}

const char *vms_resume(uint64_t id)
{
	return with_vm(id, vm_resume, "it is not suspended");
}

static bool op_reset(struct vm *vm)
{
	return vm_reset(vm, NULL);
}

const char *vms_reset(uint64_t id)
{
	return with_vm(id, op_reset, "it is not running");
}

bool vms_wait_stopped(uint64_t id, unsigned ms)
{
	struct vms_info info;

	for (unsigned i = 0; i <= ms / 10; i++) {
		if (!vms_info(id, &info) || info.state == VMS_STOPPED)
			return true;
		sleep_ns(10 * 1000 * 1000);
	}
	return false;
}

bool vms_power_button(uint64_t id, bool pressed)
{
	struct vm *vm = vms_get(id);

	if (!vm)
		return false;
	bool has = vm_arch_power_button(vm, pressed);
	vms_put(vm);
	return has;
}

static void count_busy(const struct vms_info *info, void *ctx)
{
	if (info->state != VMS_STOPPED && info->state != VMS_CREATED)
		++*(unsigned *)ctx;
}

bool vms_wait_all_stopped(void)
{
	for (unsigned i = 0; i < 1000; i++) {
		unsigned busy = 0;
		vms_for_each(count_busy, &busy);
		if (!busy)
			return true;
		sleep_ns(10 * 1000 * 1000);
	}
	return false;
}

const char *vms_restart(uint64_t id)
{
	struct vms_info info;

	if (!vms_info(id, &info))
		return "no VM with this id";
	if (info.state != VMS_STOPPED && info.state != VMS_CREATED) {
		const char *why = vms_stop(id);
		if (why)
			return why;
		if (!vms_wait_stopped(id, 10000))
			return "it did not stop within 10 s";
	}
	return vms_start(id);
}

const char *vms_delete(uint64_t id, bool force, long long *diff)
{
	struct vms_info info;
	struct vm *vm = NULL;

	if (!vms_info(id, &info))
		return "no VM with this id";
	if (info.state != VMS_STOPPED && info.state != VMS_CREATED) {
		if (!force)
			return "it is running: stop it first, or --force";
		const char *why = vms_stop(id);
		if (why)
			return why;
		if (!vms_wait_stopped(id, 10000))
			return "it did not stop within 10 s";
	}
	spin_lock(&vms_lock);
	struct vm_slot *s = slot_find(id);
	struct vm_config *cfg = s ? s->cfg : NULL;
	size_t before = s ? s->mm_before : 0;
	if (s) {
		vm = s->vm; /* created, never started: the registry's */
		s->vm = NULL;
		s->cfg = NULL;
	}
	spin_unlock(&vms_lock);
	if (!s)
		return "no VM with this id";
	if (vm)
		vms_put(vm);
	kfree(cfg);
	*diff = mm_used_beyond(before);
	return NULL;
}

static void info_fill(const struct vm_slot *s, struct vms_info *info)
{
	info->id = s->cfg->id;
	info->state = slot_state(s);
	info->cfg = s->cfg;
	info->source = s->source;
}

bool vms_info(uint64_t id, struct vms_info *info)
{
	spin_lock(&vms_lock);
	struct vm_slot *s = slot_find(id);
	if (s)
		info_fill(s, info);
	spin_unlock(&vms_lock);
	return s != NULL;
}

void vms_for_each(void (*fn)(const struct vms_info *, void *), void *ctx)
{
	struct vms_info info;
	uint64_t last = 0;
	bool first = true;

	/* In id order: the smallest id above the last one, each time. */
	for (;;) {
		const struct vm_slot *next = NULL;
		spin_lock(&vms_lock);
		for (unsigned i = 0; i < VMS_MAX; i++) {
			const struct vm_slot *s = &slots[i];
			if (!s->cfg || (!first && s->cfg->id <= last))
				continue;
			if (!next || s->cfg->id < next->cfg->id)
				next = s;
		}
		if (next)
			info_fill(next, &info);
		spin_unlock(&vms_lock);
		if (!next)
			return;
		first = false;
		last = info.id;
		fn(&info, ctx);
	}
}

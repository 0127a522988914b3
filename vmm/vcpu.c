/* The vCPU run loop: enter the guest, handle what made it exit, repeat.
 * Everything here is generic; the arch decodes exits into vcpu_exit. */
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/timer.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

const char *const vcpu_exit_kind_names[EXIT_KINDS] = {
	[EXIT_NONE] = "in-arch", /* trapped registers, firmware calls */
	[EXIT_HYPERCALL] = "hypercall",
	[EXIT_MMIO] = "mmio",
	[EXIT_PIO] = "pio",
	[EXIT_IRQ] = "irq",
	[EXIT_HALT] = "halt",
	[EXIT_YIELD] = "yield",
	[EXIT_CPU_ON] = "cpu-on",
	[EXIT_CPU_OFF] = "cpu-off",
	[EXIT_SYSTEM_OFF] = "power-off",
	[EXIT_SYSTEM_RESET] = "reset",
	[EXIT_FAULT] = "fault",
};

/* The default; an arch whose bus answers otherwise names its answer. */
const char vcpu_arch_unbacked_answer[] __attribute__((weak)) = "abort injected";

void vcpu_mmio_unanswered(struct vcpu *v, struct vcpu_exit *e)
{
	/* Reported at warning level a few times per VM, then at debug
	 * level: a guest probing in a loop must not flood the console. */
	struct vm *vm = v->vm;
	enum log_level lvl = vm->bad_access_reports < 8 ? LOG_WARN : LOG_DEBUG;
	vm->bad_access_reports++;
	if (lvl <= log_max_level)
		log_printf(lvl,
			   "VM %llu vCPU %u: %s of %u bytes at %#llx (pc %#llx): "
			   "no memory or device there; %s",
			   (unsigned long long)vm->id, v->id,
			   e->mmio.write ? "write" : "read", e->mmio.width,
			   (unsigned long long)e->mmio.addr,
			   (unsigned long long)vcpu_arch_pc(v),
			   vcpu_arch_unbacked_answer);
	vcpu_arch_inject_abort(v, e->mmio.addr, e->mmio.write);
}

void vcpu_pio_unanswered(struct vcpu *v, struct vcpu_exit *e)
{
	/* All ones of the access's width (1, 2, 4 or 8 bytes; anything
	 * else, which no decoder should give, reads as 8). */
	if (!e->mmio.write)
		e->mmio.data = e->mmio.width - 1 < 7 ?
				       (1ull << 8 * e->mmio.width) - 1 :
				       ~0ull;
	pr_debug("VM %llu vCPU %u: %s of %u bytes at port %#llx (pc %#llx): "
		 "no device there",
		 (unsigned long long)v->vm->id, v->id,
		 e->mmio.write ? "write" : "read", e->mmio.width,
		 (unsigned long long)e->mmio.addr,
		 (unsigned long long)vcpu_arch_pc(v));
}

void vcpu_kick(struct vcpu *v)
{
	struct task *t = v->task;

	if (!t || t == sched_current())
		return; /* it will look before it enters */
	/* Loaded on another pCPU: in the guest (maybe waiting in the
	 * guest's own WFI, which an arch may leave untrapped), an IPI makes
	 * it exit and look; out of the guest, it looks before it enters.
	 * Either way it is not blocked: no wake-up, and no lock of its run
	 * queue. This fence pairs with vcpu_arch_load's and the one after
	 * vcpu_arch_put in vcpu_wait_for_irq. No IPI otherwise: whatever
	 * runs there is left alone. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (v->pcpu != this_cpu_id() &&
	    READ_ONCE(percpu_data[v->pcpu].vmm) == v) {
		hal_irqchip_send_ipi(v->pcpu);
		return;
	}
	sched_wake(t); /* if it waits for an interrupt (or is about to) */
}

/* WFI: out of the guest until an interrupt is pending for the vCPU (its
 * timers keep running as cvisor timer events meanwhile). */
static void vcpu_wait_for_irq(struct vcpu *v)
{
	vcpu_arch_put(v);
	/* Seen unloaded before it looks: a kick that found it loaded sent
	 * an IPI only, and queued its interrupt first (vcpu_kick). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (READ_ONCE(v->state) == VCPU_ON && !vcpu_arch_irq_pending(v))
		sched_block();
	vcpu_arch_load(v);
}

static enum vcpu_on_result vcpu_cpu_on(struct vcpu *v,
				       const struct vcpu_exit *e)
{
	struct vcpu *t = vm_vcpu_by_hwid(v->vm, e->cpu_on.target);

	if (!t)
		return VCPU_ON_NO_SUCH_CPU;
	/* An entry point outside the VM's executable RAM could only fault
	 * forever. */
	if ((e->cpu_on.entry & (VCPU_ENTRY_ALIGN - 1)) ||
	    !addrspace_gpa_to_host_perm(&v->vm->as, e->cpu_on.entry,
					VCPU_ENTRY_ALIGN, VMCFG_MEM_EXEC)) {
		pr_debug("VM %llu vCPU %u: CPU_ON entry %#llx is not in its RAM",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)e->cpu_on.entry);
		return VCPU_ON_BAD_ENTRY;
	}
	return vm_vcpu_on(v->vm, t, e->cpu_on.entry, e->cpu_on.context);
}

/* Waits, out of the guest, while the vCPU is off. True when a CPU_ON (or
 * a reboot) has turned it on again, false when the VM is going away. */
static bool vcpu_park(struct vcpu *v)
{
	struct vm *vm = v->vm;

	spin_lock(&vm->lock);
	v->parked = true;
	spin_unlock(&vm->lock);
	while (READ_ONCE(v->state) == VCPU_OFF)
		sched_block();
	spin_lock(&vm->lock);
	v->parked = false;
	spin_unlock(&vm->lock);
	return v->state == VCPU_ON || v->state == VCPU_PAUSED;
}

/* The last vCPU of a VM to go off leaves nobody to turn one on again
 * (SBI HSM hart_stop, PSCI CPU_OFF on its last CPU): the VM is done, as
 * if it had powered off, rather than kept forever with every vCPU parked. */
static void vcpu_cpu_off(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool last = true;

	spin_lock(&vm->lock);
	if (v->state == VCPU_ON || v->state == VCPU_PAUSED)
		v->state = VCPU_OFF;
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i]->state != VCPU_OFF)
			last = false;
	spin_unlock(&vm->lock);
	if (last)
		vm_shutdown(vm, "stopped its last vCPU");
}

/* Lets the other tasks of this pCPU run. The vCPU's state leaves the CPU
 * meanwhile: another vCPU must not run with this one's stage 2 and EL1
 * registers, nor this one, coming back, with another's. */
static void vcpu_give_way(struct vcpu *v)
{
	vcpu_arch_put(v);
	sched_yield();
	vcpu_arch_load(v);
}

/* Its VM is suspended: out of the guest, its state kept, until resumed
 * (or stopped). */
static void vcpu_paused(struct vcpu *v)
{
	vcpu_arch_put(v);
	while (READ_ONCE(v->state) == VCPU_PAUSED)
		sched_block();
	vcpu_arch_load(v);
}

/* Its slice is over and another task waits: it gives way, and how much of
 * the slice it had is kept (a neighbour must not be able to cut that
 * short: only the slice's end may preempt it). */
static void __attribute__((noinline)) vcpu_preempt(struct vcpu *v)
{
	uint64_t ran = timer_slice_elapsed_ns();

	v->preempted++;
	if (ran < v->shortest_run)
		v->shortest_run = ran;
	vcpu_give_way(v);
}

/* Handles one exit; false when the vCPU must stop running. */
static bool vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	if (e->kind > EXIT_PIO && e->kind < EXIT_KINDS)
		v->exits[e->kind]++; /* the inline handler counts the others */
	switch (e->kind) {
	case EXIT_HANDLED:
		break;
	case EXIT_NONE:
	case EXIT_HYPERCALL:
	case EXIT_MMIO:
	case EXIT_PIO:
		vcpu_handle_exit_inline(v, e);
		break;
	case EXIT_IRQ:
		irq_dispatch();
		break;
	case EXIT_HALT:
		vcpu_wait_for_irq(v);
		break;
	case EXIT_YIELD:
		vcpu_give_way(v);
		break;
	case EXIT_CPU_ON:
		vcpu_arch_cpu_on_done(v, vcpu_cpu_on(v, e));
		break;
	case EXIT_CPU_OFF:
		vcpu_cpu_off(v);
		return false;
	case EXIT_SYSTEM_OFF:
		vm_shutdown(v->vm, "powered off");
		return false;
	case EXIT_SYSTEM_RESET:
		/* vm_reset() lets this pCPU's other tasks run while it waits
		 * for the VM's other vCPUs: this one's state leaves the CPU
		 * first, as in vcpu_give_way(). Asked as its VM was being
		 * suspended: done once resumed. */
		vcpu_arch_put(v);
		while (!vm_reset(v->vm, v) &&
		       READ_ONCE(v->state) == VCPU_PAUSED)
			while (READ_ONCE(v->state) == VCPU_PAUSED)
				sched_block();
		vcpu_arch_load(v);
		return false;
	case EXIT_FAULT:
		pr_warn("VM %llu vCPU %u: %s (%#llx) at pc %#llx; VM stopped",
			(unsigned long long)v->vm->id, v->id, e->fault.what,
			(unsigned long long)e->fault.info,
			(unsigned long long)vcpu_arch_pc(v));
		vm_shutdown(v->vm, "stopped after a fault");
		return false;
	}
	return true;
}

void vcpu_task_main(void *arg)
{
	struct vcpu *v = arg;
	struct vcpu_exit e;

	/* Each pass is one power-on of the vCPU, from its CPU_ON (or the
	 * VM's boot): reset, run until it goes off (CPU_OFF, a reboot) or
	 * the VM stops. */
	while (vcpu_park(v)) {
		vcpu_arch_reset(v, v->boot_entry, v->boot_arg);
		vcpu_arch_load(v);
		for (;;) {
			while (READ_ONCE(v->state) == VCPU_ON) {
				vcpu_arch_run(v, &e);
				if (!vcpu_handle_exit(v, &e))
					break;
				if (unlikely(sched_need_resched()))
					vcpu_preempt(v);
			}
			if (READ_ONCE(v->state) != VCPU_PAUSED)
				break;
			vcpu_paused(v);
		}
		vcpu_arch_put(v);
	}
	vcpu_arch_stop(v);
	vm_vcpu_exited(v->vm);
}

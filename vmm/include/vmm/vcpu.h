/* The generic vCPU run loop. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <vmm/hypercall.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

/* Body of each vCPU's task: runs the guest and handles its exits until
 * the vCPU is stopped. */
void vcpu_task_main(void *vcpu);
/* An MMIO access no device answered: reported, and an abort for the
 * guest. */
void vcpu_mmio_unanswered(struct vcpu *v, struct vcpu_exit *e);
/* A port access no device answered: a read gets all ones, a write is
 * dropped, as on a PC bus with nothing there; reported at debug level. */
void vcpu_pio_unanswered(struct vcpu *v, struct vcpu_exit *e);

/* Handles an exit that needs nothing of the vCPU's task (no waiting,
 * scheduling or power change): EXIT_NONE, a hypercall, an MMIO or port
 * access;
 * 'e' then says EXIT_HANDLED. The arch's exit path calls it on every exit,
 * to re-enter the guest at once when it returns true: the exit was
 * handled, the vCPU is still on and its pCPU has nothing to reschedule.
 * False: the loop has the rest to do. Inline, for that path's sake. */
static inline bool vcpu_handle_exit_inline(struct vcpu *v, struct vcpu_exit *e)
{
	/* Each case counts its kind with a constant index: the cheapest
	 * count there is, on the path it is counted on. */
	switch (e->kind) {
	case EXIT_HANDLED: /* by the arch, which counted it too */
		break;
	case EXIT_NONE:
		v->exits[EXIT_NONE]++;
		break;
	case EXIT_HYPERCALL:
		v->exits[EXIT_HYPERCALL]++;
		vcpu_arch_set_return(v, hypercall_handle(v, e->hypercall.nr,
							 e->hypercall.args));
		break;
	case EXIT_MMIO:
		v->exits[EXIT_MMIO]++;
		if (io_access(&v->vm->mmio, e->mmio.addr, e->mmio.width,
			      e->mmio.write, &e->mmio.data))
			vcpu_arch_mmio_done(v, e);
		else
			vcpu_mmio_unanswered(v, e);
		break;
	case EXIT_PIO:
		v->exits[EXIT_PIO]++;
		if (!io_access(&v->vm->pio, e->mmio.addr, e->mmio.width,
			       e->mmio.write, &e->mmio.data))
			vcpu_pio_unanswered(v, e);
		vcpu_arch_mmio_done(v, e);
		break;
	default:
		return false;
	}
	e->kind = EXIT_HANDLED;
	return READ_ONCE(v->state) == VCPU_ON && !sched_need_resched();
}

/* Makes 'v' notice new work (an interrupt for it) soon: wakes it from a
 * WFI, or makes it leave the guest if it runs on another pCPU. */
void vcpu_kick(struct vcpu *v);
/* A vCPU task's last act: the VM goes when its last vCPU has gone. */
void vm_vcpu_exited(struct vm *vm);

#endif

/* cvisor's hypercalls, AxVisor's numbering (docs/hypercalls.md). */
#include <kernel/log.h>
#include <vmm/hypercall.h>
#include <vmm/vm.h>

/* Logged at info level, RATELIMIT_BURST lines a second per VM at most. */
uint64_t hypercall_debug(struct vcpu *v, const uint64_t *args)
{
	struct vm *vm = v->vm;
	unsigned missed = 0;
	bool pass;

	spin_lock(&vm->lock);
	pass = ratelimit_pass(&vm->debug_log, &missed);
	spin_unlock(&vm->lock);
	if (!pass)
		return 0;
	if (missed)
		pr_info("VM %llu: %u debug hypercalls not logged (at most %u a "
			"second are)",
			(unsigned long long)vm->id, missed, RATELIMIT_BURST);
	pr_info("VM %llu vCPU %u: debug hypercall (%#llx, %#llx, %#llx)",
		(unsigned long long)vm->id, v->id, (unsigned long long)args[0],
		(unsigned long long)args[1], (unsigned long long)args[2]);
	return 0;
}

void hypercall_refused_log(struct vcpu *v, uint64_t nr)
{
	pr_debug("VM %llu vCPU %u: hypercall %llu refused",
		 (unsigned long long)v->vm->id, v->id, (unsigned long long)nr);
}

/* Out of line: the IVC calls need a frame the common path should not
 * pay for. */
uint64_t hypercall_ivc(struct vcpu *v, uint64_t nr, const uint64_t *args)
{
	switch (nr) {
	case HC_IVC_PUBLISH:
		return ivc_publish(v->vm, args[0], args[1], args[2]);
	case HC_IVC_SUBSCRIBE:
		return ivc_subscribe(v->vm, args[0], args[1], args[2], args[3]);
	case HC_IVC_UNPUBLISH:
		return ivc_unpublish(v->vm, args[0]);
	case HC_IVC_UNSUBSCRIBE:
		return ivc_unsubscribe(v->vm, args[0], args[1]);
	case HC_IVC_NOTIFY:
		return ivc_notify(v->vm, args[0], args[1]);
	default:
		hypercall_refused_log(v, nr);
		return HC_ERROR;
	}
}

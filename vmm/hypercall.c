/* cvisor's hypercalls, AxVisor's numbering (docs/hypercalls.md). */
#include <kernel/log.h>
#include <vmm/vm.h>
#include <vmm/vmm.h>

enum hypercall_nr {
	HC_HYPERVISOR_DISABLE = 0,
	HC_PREPARE_DISABLE = 1,
	HC_DEBUG = 2,
	HC_IVC_PUBLISH = 3,
	HC_IVC_SUBSCRIBE = 4,
	HC_IVC_UNPUBLISH = 5,
	HC_IVC_UNSUBSCRIBE = 6,
	/* cvisor's own, clear of AxVisor's numbers (0-11 in use) */
	HC_IVC_NOTIFY = 16,
};

#define HC_ERROR ((uint64_t)-1)

/* Logged at info level, RATELIMIT_BURST lines a second per VM at most. */
static void hypercall_debug(struct vcpu *v, const uint64_t *args)
{
	struct vm *vm = v->vm;
	unsigned missed = 0;
	bool pass;

	spin_lock(&vm->lock);
	pass = ratelimit_pass(&vm->debug_log, &missed);
	spin_unlock(&vm->lock);
	if (!pass)
		return;
	if (missed)
		pr_info("VM %llu: %u debug hypercalls not logged (at most %u a "
			"second are)",
			(unsigned long long)vm->id, missed, RATELIMIT_BURST);
	pr_info("VM %llu vCPU %u: debug hypercall (%#llx, %#llx, %#llx)",
		(unsigned long long)vm->id, v->id, (unsigned long long)args[0],
		(unsigned long long)args[1], (unsigned long long)args[2]);
}

/* Hypervisor disable (0, 1: only a host VM, AxVisor's type-1.5 mode,
 * may, and cvisor has none) and numbers nobody defined. */
static uint64_t __attribute__((noinline))
hypercall_refused(struct vcpu *v, uint64_t nr)
{
	pr_debug("VM %llu vCPU %u: hypercall %llu refused",
		 (unsigned long long)v->vm->id, v->id, (unsigned long long)nr);
	return HC_ERROR;
}

/* Out of line: the IVC calls need a frame the common path should not
 * pay for. */
static uint64_t __attribute__((noinline))
hypercall_ivc(struct vcpu *v, uint64_t nr, const uint64_t *args)
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
		return hypercall_refused(v, nr);
	}
}

uint64_t hypercall_handle(struct vcpu *v, uint64_t nr, const uint64_t *args)
{
	if (nr == HC_DEBUG) {
		hypercall_debug(v, args);
		return 0;
	}
	if (nr - HC_IVC_PUBLISH <= HC_IVC_NOTIFY - HC_IVC_PUBLISH)
		return hypercall_ivc(v, nr, args);
	return hypercall_refused(v, nr);
}

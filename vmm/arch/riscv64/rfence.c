/* Remote fences between the vCPUs of a VM (SBI RFENCE and the legacy
 * remote fence calls). The caller's own are executed at once; every other
 * vCPU named gets the request in its inject word (INJECT_FENCES) and a
 * kick, and the caller waits until each has done it (before its next
 * entry into the guest) or is not loaded on its hart (a vCPU does every
 * fence as it is loaded, vcpu_arch_load). While it waits it does what
 * others ask of it, so two vCPUs fencing each other do not wait for each
 * other forever.
 * The VS stage's entries are forgotten whole (hfence.vvma of the VMID):
 * an address range or an ASID only narrows what must go. */
#include <kernel/percpu.h>
#include <vmm/vcpu.h>
#include "vmm_riscv64.h"

void rfence_local(uint32_t fences)
{
	if (fences & RFENCE_I)
		__asm__ volatile("fence.i" ::: "memory");
	if (fences & RFENCE_VMA)
		__asm__ volatile(
			".insn r 0x73, 0, 0x11, x0, x0, x0" /* hfence.vvma */
			::
				: "memory");
}

void rfence_local_all(void)
{
	rfence_local(RFENCE_I | RFENCE_VMA);
}

/* The fences alone: the VSSIP others raised may be in the hart's hvip
 * meanwhile (an exit handled in place), and is taken as the guest is
 * entered (guest_irqs_load()). */
void rfence_run_pending(struct vcpu *v)
{
	uint64_t in = __atomic_fetch_and(&v->arch.inject, ~INJECT_FENCES,
					 __ATOMIC_ACQ_REL);

	if (in & INJECT_FENCES)
		rfence_local((uint32_t)(in >> INJECT_FENCE_SHIFT));
}

/* Done, or moot: out of its hart, or being turned off (a reset or a
 * shutdown: it is loaded again, fences and all, if ever; and it may be
 * the one waiting, loaded, for this caller to park). */
static bool rfence_done(const struct vcpu *t)
{
	return !(__atomic_load_n(&t->arch.inject, __ATOMIC_ACQUIRE) &
		 INJECT_FENCES) ||
	       READ_ONCE(percpu_data[t->pcpu].vmm) != t ||
	       READ_ONCE(t->state) != VCPU_ON;
}

void rfence_request(struct vcpu *caller, uint64_t set, uint32_t fences)
{
	struct vm *vm = caller->vm;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!(set >> i & 1))
			continue;
		if (t == caller) {
			rfence_local(fences);
			continue;
		}
		__atomic_fetch_or(&t->arch.inject,
				  (uint64_t)fences << INJECT_FENCE_SHIFT,
				  __ATOMIC_SEQ_CST);
		vcpu_kick(t);
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!(set >> i & 1) || t == caller)
			continue;
		while (!rfence_done(t)) {
			/* The caller being turned off has nothing to wait
			 * for, and must get to its park. */
			if (READ_ONCE(caller->state) != VCPU_ON)
				return;
			rfence_run_pending(caller);
			hal_cpu_relax();
		}
	}
}

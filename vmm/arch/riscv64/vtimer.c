/* The guest's supervisor timer. With Sstc (henvcfg.STCE) the guest
 * programs vstimecmp itself, as its stimecmp, without exits, and its SBI
 * set_timer calls are written there too; the hart raises VSTIP. Without
 * Sstc, SBI set_timer's deadline is kept here and cvisor raises VSTIP
 * (hvip) from the time it passes, a cvisor timer event standing for the
 * comparator. Either way, while the vCPU is out (in WFI, or another
 * vCPU has the hart) a timer event at its deadline wakes it. Guest time
 * is host time plus htimedelta. */
#include <kernel/timer.h>
#include <vmm/vcpu.h>
#include "vmm_riscv64.h"

bool riscv_sstc;

static uint64_t vtimer_deadline(const struct vcpu *v)
{
	return riscv_sstc ? v->arch.vs.vstimecmp : v->arch.sbi_timer;
}

/* In host time; UINT64_MAX: never. */
static uint64_t vtimer_host_deadline(const struct vcpu *v)
{
	uint64_t d = vtimer_deadline(v);

	return d == UINT64_MAX ? d : d - v->arch.vs.htimedelta;
}

bool vtimer_due(const struct vcpu *v)
{
	return hal_timer_now() + v->arch.vs.htimedelta >= vtimer_deadline(v);
}

bool vtimer_armed(const struct vcpu *v)
{
	return (riscv_sstc ? csrr(CSR_VSTIMECMP) : v->arch.sbi_timer) !=
	       UINT64_MAX;
}

static void vtimer_event(struct timer_event *ev)
{
	struct vcpu *v = container_of(ev, struct vcpu, arch.timer_ev);

	vcpu_kick(v);
}

/* SBI set_timer from the loaded vCPU (its own hart). */
void vtimer_set(struct vcpu *v, uint64_t deadline)
{
	if (riscv_sstc) {
		csrw(CSR_VSTIMECMP, deadline);
		return;
	}
	v->arch.sbi_timer = deadline;
	if (deadline == UINT64_MAX)
		timer_event_cancel(&v->arch.timer_ev);
	else
		timer_event_arm(&v->arch.timer_ev, vtimer_host_deadline(v));
}

void vtimer_load(struct vcpu *v)
{
	if (riscv_sstc) {
		/* The deadline leaves cvisor's timer before vstimecmp takes
		 * it: held by both, QEMU 7.2 fires the two copies up to
		 * 99 ns apart (each rounded to the nanosecond of its write),
		 * and under its -icount round robin the second, passing
		 * while this hart handles the first, hands the other hart a
		 * turn up to the next deadline (docs/bench.md, "The
		 * 802 000-instruction stall"). */
		timer_event_cancel_now(&v->arch.timer_ev);
		csrw(CSR_VSTIMECMP, v->arch.vs.vstimecmp);
	}
}

void vtimer_put(struct vcpu *v)
{
	uint64_t d;

	if (!riscv_sstc)
		return; /* its event is armed whenever it has a deadline */
	v->arch.vs.vstimecmp = csrr(CSR_VSTIMECMP);
	csrw(CSR_VSTIMECMP, UINT64_MAX);
	d = vtimer_host_deadline(v);
	if (d != UINT64_MAX)
		timer_event_arm(&v->arch.timer_ev, d);
}

void vtimer_vcpu_init(struct vcpu *v)
{
	v->arch.timer_ev.fn = vtimer_event;
}

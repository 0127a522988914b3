/* The guest's EL1 timers. The virtual (CNTV) and physical (CNTP) timers
 * are the CPU's own while the vCPU runs: the guest programs them without
 * exits (CNTHCTL_EL2 lets EL1 at the physical one, CNTVOFF_EL2 is 0). When
 * one fires, the host takes its PPI and leaves it active, and the guest
 * gets the same PPI (27 or 30) in a list register linked to the host's
 * (LR_HW): the guest's deactivation deactivates the host PPI, with no
 * exit. While the vCPU is out (waiting in WFI, or another vCPU has the
 * pCPU) a cvisor timer event stands in for its timers, and the host PPI's
 * active state is kept with the vCPU (vtimer_put, vtimer_load). The PPIs
 * are level-sensitive: the vGIC takes a pending one back when the guest
 * lowers the timer's output (vtimer_level, vgic.c). */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/timer.h>
#include <arch/vgic.h>
#include "vmm_aarch64.h"

/* The timers' PPIs (and the maintenance one) are enabled at the first
 * load on each CPU and stay so. */
static bool ppis_enabled[MAX_CPUS];

#define CTL_ENABLE  (1u << 0)
#define CTL_IMASK   (1u << 1)
#define CTL_ISTATUS (1u << 2)

static bool timer_armed(uint64_t ctl)
{
	return (ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE;
}

/* ISTATUS is UNKNOWN while ENABLE is 0: the output is down then. */
bool vtimer_level(unsigned intid)
{
	uint64_t ctl = intid == VTIMER_PPI ? read_sysreg(cntv_ctl_el0) :
					     read_sysreg(cntp_ctl_el0);

	return timer_armed(ctl) && (ctl & CTL_ISTATUS);
}

static void vtimer_host_irq(unsigned irq, void *arg)
{
	struct vcpu *v = vcpu_loaded();
	uint64_t ctl = irq == VTIMER_PPI ? read_sysreg(cntv_ctl_el0) :
					   read_sysreg(cntp_ctl_el0);

	(void)arg;
	/* Active until the guest is done with it. With no vCPU here, or
	 * its level down already, a stale one: deactivated at its EOI. */
	if (v && timer_armed(ctl) && (ctl & CTL_ISTATUS)) {
		gic_leave_active();
		vgic_inject_hw(v, irq);
	}
}

/* A timer of a vCPU that is out of the CPU has reached its deadline. */
static void vtimer_event(struct timer_event *ev)
{
	struct vcpu *v = container_of(ev, struct vcpu, arch.timer_ev);
	struct vcpu_arch *a = &v->arch;
	uint64_t now = hal_timer_now();

	if (timer_armed(a->el1[R_CNTV_CTL]) && a->el1[R_CNTV_CVAL] <= now &&
	    !a->vgic.priv[VTIMER_PPI].hw_masked)
		vgic_inject_hw(v, VTIMER_PPI);
	if (timer_armed(a->el1[R_CNTP_CTL]) && a->el1[R_CNTP_CVAL] <= now &&
	    !a->vgic.priv[PTIMER_PPI].hw_masked)
		vgic_inject_hw(v, PTIMER_PPI);
}

void vtimer_put(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	uint64_t deadline = UINT64_MAX;

	/* Nothing of this guest may fire, or stay active, for whoever runs
	 * next. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	if (a->vgic.priv[VTIMER_PPI].hw_masked)
		gic_set_active_local(VTIMER_PPI, false);
	if (a->vgic.priv[PTIMER_PPI].hw_masked)
		gic_set_active_local(PTIMER_PPI, false);
	if (timer_armed(a->el1[R_CNTV_CTL]) &&
	    !a->vgic.priv[VTIMER_PPI].hw_masked)
		deadline = a->el1[R_CNTV_CVAL];
	if (timer_armed(a->el1[R_CNTP_CTL]) &&
	    !a->vgic.priv[PTIMER_PPI].hw_masked &&
	    a->el1[R_CNTP_CVAL] < deadline)
		deadline = a->el1[R_CNTP_CVAL];
	if (deadline != UINT64_MAX)
		timer_event_arm(&a->timer_ev, deadline);
}

void vtimer_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	timer_event_cancel(&a->timer_ev);
	if (unlikely(!ppis_enabled[this_cpu_id()])) {
		ppis_enabled[this_cpu_id()] = true;
		hal_irqchip_set_local(VTIMER_PPI, true);
		hal_irqchip_set_local(PTIMER_PPI, true);
		hal_irqchip_set_local(GIC_MAINT_IRQ, true);
	}
	/* Held by the guest (pending or active in the vGIC, injected
	 * here or by vtimer_event): its list register's link deactivates
	 * it. */
	if (a->vgic.priv[VTIMER_PPI].hw_masked)
		gic_set_active_local(VTIMER_PPI, true);
	if (a->vgic.priv[PTIMER_PPI].hw_masked)
		gic_set_active_local(PTIMER_PPI, true);
}

/* The vCPU's task ends: its timers are gone with it. */
void vtimer_stop(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_ev);
}

void vtimer_vcpu_init(struct vcpu *v)
{
	v->arch.timer_ev.fn = vtimer_event;
	/* Forwarded host PPIs: the guest's deactivation deactivates the
	 * host's (virq_linked), or a guest that polls instead of waiting in
	 * WFI would get its first timer interrupt only. */
	v->arch.vgic.priv[VTIMER_PPI].hwirq = VTIMER_PPI;
	v->arch.vgic.priv[PTIMER_PPI].hwirq = PTIMER_PPI;
}

void vtimer_init(void)
{
	irq_register(VTIMER_PPI, vtimer_host_irq, NULL);
	irq_register(PTIMER_PPI, vtimer_host_irq, NULL);
}

/* The host arch's vCPUs: each plays a script (sim_guest.h) in place of a
 * guest, one exit per step, on the simulated machine of hal/sim. What the
 * generic core answers is checked against what the script expects. */
#include <hal/sim/sim.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <stdio.h>
#include <string.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include "sim_guest.h"
#include "sim_vmm.h"

static struct sim_guest *guests;

void sim_guests_set(struct sim_guest *g)
{
	guests = g;
}

static struct sim_guest *guest_of(const struct vcpu *v)
{
	for (struct sim_guest *g = guests; g && g->vm; g++)
		if (!strcmp(g->vm, v->vm->name) && g->vcpu == v->id)
			return g;
	return NULL;
}

/* The answer the core gave to the step just done. */
static void answer(struct vcpu *v, uint64_t value)
{
	struct sim_guest *g = v->arch.guest;
	const struct sim_step *s = v->arch.asked;

	if (!g || !s)
		return;
	g->last_answer = value;
	if (s->check && value != s->expect) {
		g->mismatches++;
		printf("  sim: VM %s vCPU %u step %u: answer %#llx, expected %#llx\n",
		       v->vm->name, v->id, (unsigned)(s - g->steps),
		       (unsigned long long)value,
		       (unsigned long long)s->expect);
	}
	v->arch.asked = NULL;
}

static void timer_fired(struct timer_event *ev)
{
	struct vcpu *v = container_of(ev, struct vcpu, arch.timer_ev);

	v->arch.irq_pending = true;
	vcpu_kick(v);
}

uint64_t vcpu_arch_hwid(unsigned index)
{
	return index;
}

int vcpu_arch_create(struct vcpu *v)
{
	v->arch.guest = guest_of(v);
	v->arch.timer_ev.fn = timer_fired;
	return 0;
}

void vcpu_arch_reset(struct vcpu *v, gpaddr_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;

	memset(a->regs, 0, sizeof(a->regs));
	a->regs[0] = arg;
	a->pc = entry;
	a->irq_pending = a->timer_armed = false;
	a->spin_left = 0;
	if (a->guest)
		a->guest->runs++;
}

void vcpu_arch_destroy(struct vcpu *v)
{
	(void)v; /* nothing allocated: the script is the test's */
}

void vcpu_arch_stop(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_ev);
}

bool vcpu_arch_irq_pending(struct vcpu *v)
{
	return v->arch.irq_pending;
}

void vcpu_arch_load(struct vcpu *v)
{
	this_cpu()->vmm = v;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	timer_event_cancel(&v->arch.timer_ev);
}

void vcpu_arch_put(struct vcpu *v)
{
	/* As aarch64: a timer event stands in for the guest's timer. */
	if (v->arch.timer_armed)
		timer_event_arm(&v->arch.timer_ev, v->arch.timer_deadline);
	this_cpu()->vmm = NULL;
}

uint64_t vcpu_arch_pc(const struct vcpu *v)
{
	return v->arch.pc;
}

void vcpu_arch_set_return(struct vcpu *v, uint64_t value)
{
	v->arch.regs[0] = value;
	answer(v, value);
}

void vcpu_arch_mmio_done(struct vcpu *v, const struct vcpu_exit *e)
{
	answer(v, e->mmio.write ? 0 : e->mmio.data);
}

void vcpu_arch_cpu_on_done(struct vcpu *v, enum vcpu_on_result r)
{
	answer(v, r);
}

void vcpu_arch_inject_abort(struct vcpu *v, gpaddr_t gpa, bool write)
{
	(void)gpa, (void)write;
	answer(v, SIM_ABORT);
}

static void step_io(struct vcpu *v, const struct sim_step *s,
		    struct vcpu_exit *e)
{
	e->kind = s->op == SIM_PIO_READ || s->op == SIM_PIO_WRITE ? EXIT_PIO :
								    EXIT_MMIO;
	e->mmio.addr = s->a;
	e->mmio.width = (unsigned)s->b;
	e->mmio.write = s->op == SIM_MMIO_WRITE || s->op == SIM_PIO_WRITE;
	e->mmio.data = e->mmio.write ? s->c : 0;
	v->arch.asked = s;
}

static void step_puts(struct vcpu *v, const char *str)
{
	for (; *str; str++) {
		uint64_t c = (uint8_t)*str;
		io_access(&v->vm->mmio, SIM_UART_BASE, 1, true, &c);
	}
}

/* Does the script's steps that need no exit, up to the next that does;
 * false when there is none (the exit is then set). */
static bool step_inline(struct vcpu *v, const struct sim_step *s)
{
	struct vcpu_arch *a = &v->arch;

	switch (s->op) {
	case SIM_PUTS:
		step_puts(v, s->s);
		return true;
	case SIM_ARM_TIMER:
		a->timer_armed = true;
		a->timer_deadline = hal_timer_now() + s->a;
		return true;
	case SIM_IPI:
		if (s->a < v->vm->vcpu_count) {
			struct vcpu *t = v->vm->vcpus[s->a];
			t->arch.irq_pending = true;
			vcpu_kick(t);
		}
		return true;
	case SIM_GOTO:
		a->guest->next = (unsigned)s->a;
		return true;
	case SIM_CALL:
		v->arch.asked = s;
		answer(v, s->fn(s->a));
		return true;
	default:
		return false;
	}
}

static void step_exit(struct vcpu *v, const struct sim_step *s,
		      struct vcpu_exit *e)
{
	switch (s->op) {
	case SIM_HYPERCALL:
		v->arch.regs[1] = s->b;
		v->arch.regs[2] = s->c;
		e->kind = EXIT_HYPERCALL;
		e->hypercall.nr = s->a;
		e->hypercall.args = &v->arch.regs[1];
		v->arch.asked = s;
		break;
	case SIM_MMIO_READ:
	case SIM_MMIO_WRITE:
	case SIM_PIO_READ:
	case SIM_PIO_WRITE:
		step_io(v, s, e);
		break;
	case SIM_YIELD:
		e->kind = EXIT_YIELD;
		break;
	case SIM_CPU_ON:
		e->kind = EXIT_CPU_ON;
		e->cpu_on.target = s->a;
		e->cpu_on.entry = s->b;
		e->cpu_on.context = s->c;
		v->arch.asked = s;
		break;
	case SIM_SYSTEM_OFF:
		e->kind = EXIT_SYSTEM_OFF;
		break;
	case SIM_SYSTEM_RESET:
		e->kind = EXIT_SYSTEM_RESET;
		break;
	case SIM_FAULT:
		e->kind = EXIT_FAULT;
		e->fault.what = "a fault the test made";
		e->fault.info = 0;
		break;
	default: /* SIM_CPU_OFF */
		e->kind = EXIT_CPU_OFF;
		break;
	}
}

/* The guest runs until its next exit. Other CPUs take their turns
 * meanwhile, and a host interrupt for this CPU ends the run first. */
void vcpu_arch_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	struct sim_guest *g = a->guest;

	hal_cpu_relax();
	if (a->timer_armed && hal_timer_now() >= a->timer_deadline) {
		a->timer_armed = false;
		a->irq_pending = true;
	}
	if (sim_irq_pending()) {
		e->kind = EXIT_IRQ;
		return;
	}
	for (;;) {
		const struct sim_step *s = g ? &g->steps[g->next] : NULL;
		if (!s || s->op == SIM_END) {
			e->kind = EXIT_CPU_OFF;
			return;
		}
		a->pc = SIM_GUEST_PC + 4 * g->next;
		if (s->op == SIM_SPIN) {
			if (!a->spin_left)
				a->spin_left = s->a + 1;
			if (--a->spin_left) {
				e->kind = EXIT_NONE;
				return;
			}
		} else if (s->op == SIM_WFI) {
			if (!a->irq_pending) {
				e->kind = EXIT_HALT;
				return;
			}
			a->irq_pending = false;
			g->irqs++;
		} else if (!step_inline(v, s)) {
			g->next++;
			step_exit(v, s, e);
			return;
		}
		if (s->op != SIM_GOTO)
			g->next++;
	}
}

/* One hardware deadline per CPU, shared by the slice tick and the events.
 *
 * The hardware is written only when the deadline it should hold changes
 * (a task switch, which re-evaluates the slice, usually changes nothing).
 * Besides the instructions, a write costs latency under QEMU's -icount
 * round robin: a timer that becomes the earliest makes QEMU end the
 * writing CPU's turn (qemu_timer_notify_cb() kicks it), and the other
 * CPU then runs until that deadline. A CPU about to halt that writes its
 * deadline again meets it on resuming, already passed, and halts with the
 * interrupt pending (docs/bench.md, "x86_64"). */
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/timer.h>

struct cpu_timer {
	struct timer_event *events; /* sorted by deadline */
	uint64_t slice_deadline;    /* 0 when no slicing */
	uint64_t slice_start;       /* of the last slice */
	uint64_t programmed;        /* the deadline the hardware holds, or
				       UINT64_MAX: stopped */
	bool known;                 /* false once it fired (maybe early) */
};

static struct cpu_timer cpu_timers[MAX_CPUS];

uint64_t timer_ns_to_ticks(uint64_t ns)
{
	uint64_t f = hal_timer_freq();

	return ns / 1000000000ull * f + ns % 1000000000ull * f / 1000000000ull;
}

static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t f = hal_timer_freq();

	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

uint64_t timer_now_ns(void)
{
	return ticks_to_ns(hal_timer_now());
}

static void timer_program(struct cpu_timer *ct)
{
	uint64_t next = UINT64_MAX;

	if (ct->events)
		next = ct->events->deadline;
	if (ct->slice_deadline && ct->slice_deadline < next)
		next = ct->slice_deadline;
	if (ct->known && next == ct->programmed)
		return;
	ct->programmed = next;
	ct->known = true;
	if (next == UINT64_MAX)
		hal_timer_stop();
	else
		hal_timer_set_deadline(next);
}

void timer_event_cancel(struct timer_event *ev)
{
	struct cpu_timer *ct = &cpu_timers[ev->cpu];

	if (!ev->armed)
		return;
	for (struct timer_event **pp = &ct->events; *pp; pp = &(*pp)->next) {
		if (*pp == ev) {
			*pp = ev->next;
			break;
		}
	}
	ev->armed = false;
}

void timer_event_cancel_now(struct timer_event *ev)
{
	if (!ev->armed)
		return;
	timer_event_cancel(ev);
	timer_program(&cpu_timers[ev->cpu]);
}

void timer_event_arm(struct timer_event *ev, uint64_t deadline)
{
	timer_event_cancel(ev);
	ev->cpu = this_cpu_id();
	ev->deadline = deadline;
	struct cpu_timer *ct = &cpu_timers[ev->cpu];
	struct timer_event **pp = &ct->events;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	ev->next = *pp;
	*pp = ev;
	ev->armed = true;
	timer_program(ct);
}

static void slice_begin(struct cpu_timer *ct)
{
	ct->slice_start = hal_timer_now();
	ct->slice_deadline =
		ct->slice_start + timer_ns_to_ticks(SCHED_SLICE_US * 1000ull);
}

void timer_slice_update(bool others_waiting)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];

	if (others_waiting)
		slice_begin(ct);
	else
		ct->slice_deadline = 0;
	timer_program(ct);
}

void timer_slice_start(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];

	if (ct->slice_deadline)
		return;
	slice_begin(ct);
	timer_program(ct);
}

uint64_t timer_slice_elapsed_ns(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];

	return ticks_to_ns(hal_timer_now() - ct->slice_start);
}

void timer_handle_irq(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];
	uint64_t now = hal_timer_now();

	/* Fired, or early (a clamped one-shot count, riscv64's yield tick):
	 * whatever comes next is written, a level-triggered timer's stop
	 * included. */
	ct->known = false;
	while (ct->events && ct->events->deadline <= now) {
		struct timer_event *ev = ct->events;
		ct->events = ev->next;
		ev->armed = false;
		ev->fn(ev);
	}
	if (ct->slice_deadline && ct->slice_deadline <= now) {
		ct->slice_deadline = 0;
		sched_tick();
	}
	timer_program(ct);
}

void timer_init_cpu(void)
{
	hal_timer_stop(); /* known: false, as at boot */
}

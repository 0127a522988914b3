/* Per-CPU round-robin scheduler of pinned tasks. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

static struct runqueue *rq_of(unsigned cpu)
{
	return &percpu_data[cpu].rq;
}

static void rq_push(struct runqueue *rq, struct task *t)
{
	t->next = NULL;
	t->on_rq = true;
	if (rq->tail)
		rq->tail->next = t;
	else
		rq->head = t;
	rq->tail = t;
	rq->nr_running++;
}

static struct task *rq_pop(struct runqueue *rq)
{
	struct task *t = rq->head;

	if (!t)
		return NULL;
	rq->head = t->next;
	if (!rq->head)
		rq->tail = NULL;
	t->on_rq = false;
	rq->nr_running--;
	return t;
}

static void task_release(struct task *t)
{
	page_free(ptr_to_pa(t->stack), TASK_STACK_SIZE / PAGE_SIZE);
	kfree(t);
}

/* Tasks that asked to be freed as they end and are not yet. */
static unsigned reaping;

/* The end of every switch, in the task switched to, with the run queue
 * lock that the switch holds: the task that ended before it is now off
 * the CPU for good, its stack no longer in use. */
static void sched_finish_switch(struct runqueue *rq)
{
	struct task *dead = rq->dead;

	rq->dead = NULL;
	if (dead && !dead->reap) {
		__atomic_store_n(&dead->off_cpu, true, __ATOMIC_RELEASE);
		dead = NULL;
	}
	spin_unlock(&rq->lock);
	if (dead) {
		task_release(dead);
		__atomic_fetch_sub(&reaping, 1u, __ATOMIC_RELEASE);
	}
}

unsigned task_reaping(void)
{
	return __atomic_load_n(&reaping, __ATOMIC_ACQUIRE);
}

void task_free(struct task *t)
{
	if (t == sched_current()) {
		if (!t->reap)
			__atomic_fetch_add(&reaping, 1u, __ATOMIC_RELAXED);
		t->reap = true;
		return;
	}
	while (!__atomic_load_n(&t->off_cpu, __ATOMIC_ACQUIRE))
		hal_cpu_relax();
	task_release(t);
}

size_t task_freed_at_exit(void)
{
	if (!this_cpu()->rq.current->reap)
		return 0;
	return TASK_STACK_SIZE + heap_footprint(sizeof(struct task));
}

static void task_trampoline(void *arg)
{
	struct task *t = arg;

	/* A new task starts with its run queue lock held by the switch. */
	sched_finish_switch(rq_of(t->cpu));
	t->entry(t->arg);
	task_exit();
}

struct task *task_create(const char *name, unsigned cpu, void (*entry)(void *),
			 void *arg)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	paddr_t stack = page_alloc(TASK_STACK_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!stack) {
		kfree(t);
		return NULL;
	}
	t->name = name;
	t->cpu = cpu;
	t->entry = entry;
	t->arg = arg;
	t->stack = pa_to_ptr(stack);
	t->stack_size = TASK_STACK_SIZE;
	hal_context_init(&t->ctx, (char *)t->stack + TASK_STACK_SIZE,
			 task_trampoline, t);
	t->state = TASK_BLOCKED;
	sched_wake(t);
	return t;
}

/* Switches from the current task to the next runnable one (or idle).
 * Called with rq->lock held; returns, in the resumed task, with it
 * released. */
static void sched_switch_locked(struct runqueue *rq)
{
	struct task *prev = rq->current;
	struct task *next = rq_pop(rq);

	if (!next)
		next = this_cpu()->idle;
	if (prev->state == TASK_RUNNABLE && prev != this_cpu()->idle)
		rq_push(rq, prev);
	rq->need_resched = false;
	if (next == prev) {
		spin_unlock(&rq->lock);
		return;
	}
	rq->current = next;
	if (prev->state == TASK_DEAD)
		rq->dead = prev;
	/* A vCPU's state (its stage 2, its EL1 or supervisor registers)
	 * leaves the CPU before its task does: the next task may be another
	 * VM's vCPU, which must not run with it nor leave its own behind. */
	BUG_ON(this_cpu()->vmm);
	timer_slice_update(rq->nr_running > 0);
	hal_context_switch(&prev->ctx, &next->ctx);
	/* Back in 'prev', possibly much later; a dead task's switch never
	 * comes back. The lock was taken by whoever switched to us. */
	sched_finish_switch(rq_of(this_cpu_id()));
}

void sched_yield(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	spin_lock(&rq->lock);
	if (!rq->nr_running && rq->current != this_cpu()->idle) {
		rq->need_resched = false;
		spin_unlock(&rq->lock);
		return;
	}
	sched_switch_locked(rq);
}

void sched_block(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	spin_lock(&rq->lock);
	struct task *t = rq->current;
	if (t->wake_pending) {
		t->wake_pending = false;
		spin_unlock(&rq->lock);
		return;
	}
	t->state = TASK_BLOCKED;
	sched_switch_locked(rq);
}

void sched_wake(struct task *t)
{
	struct runqueue *rq = rq_of(t->cpu);
	bool queued = false;

	spin_lock(&rq->lock);
	if (t->state == TASK_BLOCKED) {
		t->state = TASK_RUNNABLE;
		if (!t->on_rq && rq->current != t) {
			rq_push(rq, t);
			queued = true;
		}
	} else if (t->state == TASK_RUNNABLE) {
		t->wake_pending = true;
	}
	spin_unlock(&rq->lock);
	/* An idle CPU wakes; a busy one lets its task finish its slice
	 * (sched_kicked): a wake-up never shortens another task's slice,
	 * or whoever wakes tasks here would decide how often it switches. */
	if (queued) {
		if (t->cpu != this_cpu_id())
			hal_irqchip_send_ipi(t->cpu);
		else
			sched_kicked();
	}
}

void sched_kicked(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	/* No lock: the timer is this CPU's, and a task queued after this
	 * look comes with a kick of its own. */
	if (READ_ONCE(rq->nr_running) && rq->current != this_cpu()->idle)
		timer_slice_start();
}

void task_exit(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	spin_lock(&rq->lock);
	rq->current->state = TASK_DEAD;
	/* The stack stays allocated while we run on it: it is freed (by
	 * task_free or, when asked, by the next task here) after the switch. */
	sched_switch_locked(rq);
	panic("dead task resumed");
}

void sched_tick(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	if (rq->nr_running)
		rq->need_resched = true;
}

struct task *sched_current(void)
{
	return this_cpu()->rq.current;
}

void sched_init_cpu(unsigned cpu)
{
	struct percpu *pc = &percpu_data[cpu];
	static struct task idle_tasks[MAX_CPUS];

	pc->idle = &idle_tasks[cpu];
	pc->idle->name = "idle";
	pc->idle->cpu = cpu;
	pc->idle->state = TASK_RUNNABLE;
	pc->rq.current = pc->idle;
}

void sched_run_idle(void)
{
	struct runqueue *rq = &this_cpu()->rq;

	for (;;) {
		spin_lock(&rq->lock);
		if (rq->nr_running) {
			sched_switch_locked(rq);
			continue;
		}
		spin_unlock(&rq->lock);
		/* Interrupts stay masked while deciding to sleep, so a wake
		 * between the check and the wait is not lost: the pending
		 * interrupt ends the wait at once. */
		hal_wait_for_interrupt();
		hal_irq_enable();
		hal_irq_disable();
	}
}

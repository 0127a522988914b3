/* Tasks and the per-CPU scheduler.
 *
 * Each vCPU runs as a task pinned to one pCPU. A pCPU round-robins the
 * runnable tasks pinned to it, switching on a time-slice tick (delivered as
 * need_resched and acted on at the task's next exit) or when a task blocks.
 * Switching is cooperative: only sched_yield()/sched_block() switch. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <hal/hal.h>

enum task_state { TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD };

struct task {
	struct hal_context ctx;
	struct task *next; /* run-queue link */
	enum task_state state;
	bool wake_pending; /* a wake that raced with blocking */
	bool on_rq;
	bool off_cpu; /* dead and switched away for good */
	bool reap;    /* the scheduler frees it once off_cpu */
	unsigned cpu;
	const char *name;
	void (*entry)(void *);
	void *arg;
	void *stack;
	size_t stack_size;
};

struct runqueue {
	spinlock_t lock;
	struct task *head, *tail;
	unsigned nr_running; /* on the queue, current excluded */
	struct task *current;
	struct task *dead; /* ended, its switch not yet finished */
	/* A word, not a bool: every exit tests it, and a volatile byte
	 * costs GCC a mask (tst) beside its load and branch. */
	uint32_t need_resched;
};

#define TASK_STACK_SIZE (16 * 1024)
#define SCHED_SLICE_US  5000

/* Creates a task pinned to 'cpu', runnable at once. NULL without memory. */
struct task *task_create(const char *name, unsigned cpu, void (*entry)(void *),
			 void *arg);
/* Ends the calling task. Never returns. */
void task_exit(void) __attribute__((noreturn));
/* Frees the memory of task 't', which has ended or is the calling task
 * about to end (then it is freed once it has switched away for the last
 * time). Waits, on another CPU, until 't' is off its CPU. Any CPU. */
void task_free(struct task *t);
/* How many tasks freed as they ran (task_free of the caller) have not
 * yet made their last switch, which frees them. */
unsigned task_reaping(void);
/* The bytes the calling task holds (its stack and descriptor) when
 * task_free() has been asked to free it as it ends; 0 otherwise. */
size_t task_freed_at_exit(void);

/* Gives the CPU to the next runnable task, if there is one. */
void sched_yield(void);
/* Blocks the calling task until sched_wake(); returns at once if a wake
 * arrived since the last block. */
void sched_block(void);
/* Makes 't' runnable; kicks its CPU if it is another. Any CPU. A busy
 * CPU runs 't' when its current task's slice ends, not before. */
void sched_wake(struct task *t);
/* On the CPU a task was queued on (its IPI handler): starts the current
 * task's slice if none runs, so that the queued task gets its turn. */
void sched_kicked(void);
/* The time-slice tick handler's work: asks for a switch if others wait. */
void sched_tick(void);
/* sched_need_resched(), true when the current task should yield at its
 * next chance, is inline in kernel/percpu.h (it reads the per-CPU
 * runqueue, on every VM exit). */
struct task *sched_current(void);

/* Per-CPU scheduler start: becomes this CPU's idle task. Never returns. */
void sched_run_idle(void) __attribute__((noreturn));
void sched_init_cpu(unsigned cpu);

#endif

/* Per-CPU data. Each CPU reaches its own through a register the hal sets
 * (TPIDR_EL2, sscratch-free tp, GS base), so this_cpu() is one instruction. */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <kernel/sched.h>
#include <kernel/types.h>
#include <hal/hal.h>

struct percpu {
	unsigned cpu_id; /* logical index, 0 = boot CPU */
	uint64_t hwid;   /* MPIDR affinity / hart id / APIC id */
	bool online;
	struct runqueue rq;
	struct task *idle;
	void *vmm; /* the vmm layer's per-CPU state */
	struct percpu_arch arch;
};

extern struct percpu percpu_data[MAX_CPUS];
extern unsigned cpu_count; /* CPUs brought online or being started */

static inline struct percpu *this_cpu(void)
{
	return hal_get_percpu();
}

static inline unsigned this_cpu_id(void)
{
	struct percpu *p = this_cpu();

	return p ? p->cpu_id : 0;
}

/* True when the current task should yield at its next chance. */
static inline bool sched_need_resched(void)
{
	return READ_ONCE(this_cpu()->rq.need_resched) != 0;
}

/* True when another task waits for this CPU (on its run queue). One
 * queued from another CPU comes with an IPI (sched_wake). */
static inline bool sched_others_runnable(void)
{
	return READ_ONCE(this_cpu()->rq.nr_running) != 0;
}

/* The logical CPU whose hardware id is 'hwid', or -1. */
int percpu_find_hwid(uint64_t hwid);

#endif

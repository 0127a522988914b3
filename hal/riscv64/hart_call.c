/* Calls every hart must run before the caller goes on, with cvisor's own
 * IPIs (arch/hart_call.h says why not the firmware's remote fences).
 * One call at a time (call_lock): the caller posts fn and arg under a new
 * sequence number, kicks the other online harts and waits, in
 * hal_cpu_relax, until each has recorded that number as done. While one
 * call is out none can be posted, so a hart that sees a number it has
 * not done reads that call's fn and arg. */
#include <arch/hart_call.h>
#include <hal/hal.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include "riscv64.h"

static spinlock_t call_lock = SPINLOCK_INIT;
static void (*call_fn)(uint64_t);
static uint64_t call_arg;
static uint64_t call_seq;            /* the call posted last */
static uint64_t call_done[MAX_CPUS]; /* the last call each hart ran */

void hart_call_service(void)
{
	unsigned me = this_cpu_id();
	uint64_t seq = __atomic_load_n(&call_seq, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&call_done[me], __ATOMIC_RELAXED) == seq)
		return;
	/* Masked, so that the IPI's acknowledge does not run it again
	 * halfway through a spin-wait's run. */
	uint64_t ie = csr_read(sstatus) & SSTATUS_SIE;
	csr_clear(sstatus, SSTATUS_SIE);
	if (call_done[me] != seq) {
		call_fn(call_arg);
		__atomic_store_n(&call_done[me], seq, __ATOMIC_RELEASE);
	}
	csr_set(sstatus, ie);
}

void hart_call_all(void (*fn)(uint64_t), uint64_t arg)
{
	uint64_t ie = csr_read(sstatus) & SSTATUS_SIE;
	unsigned me = this_cpu_id();
	bool kicked[MAX_CPUS] = { false };

	csr_clear(sstatus, SSTATUS_SIE);
	/* A hart waiting here for the lock runs the holder's call in its
	 * spin (hal_cpu_relax), so the holder's wait below ends. */
	spin_lock(&call_lock);
	call_fn = fn;
	call_arg = arg;
	uint64_t seq = call_seq + 1;
	/* Orders fn, arg and whatever the caller changed before (the G
	 * stage's tables) before the number the others look at. */
	__atomic_store_n(&call_seq, seq, __ATOMIC_SEQ_CST);
	fn(arg);
	__atomic_store_n(&call_done[me], seq, __ATOMIC_RELEASE);
	for (unsigned c = 0; c < cpu_count && c < MAX_CPUS; c++) {
		if (c == me || !READ_ONCE(percpu_data[c].online))
			continue;
		kicked[c] = true;
		hal_irqchip_send_ipi(c);
	}
	/* Only the harts kicked: one coming online meanwhile got no IPI
	 * (and has no old translations). */
	for (unsigned c = 0; c < MAX_CPUS; c++)
		while (kicked[c] &&
		       __atomic_load_n(&call_done[c], __ATOMIC_ACQUIRE) != seq)
			hal_cpu_relax();
	spin_unlock(&call_lock);
	csr_set(sstatus, ie);
}

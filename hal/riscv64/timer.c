/* The host timer: the `time` CSR as the clock, one deadline per hart
 * (supervisor timer interrupt, scause 5) written to stimecmp where the
 * hart has Sstc and M-mode lets S-mode use it (menvcfg.STCE), else set
 * through the SBI TIME extension. The frequency is
 * /cpus/timebase-frequency from the DTB. */
#include <hal/hal.h>
#include <kernel/percpu.h>
#include "riscv64.h"

static uint64_t timer_hz = 10000000; /* QEMU virt's, until the DTB says */
/* stimecmp is S-mode's: a deadline is one CSR write, not an SBI call of
 * some 150 instructions (the same on every hart: M-mode sets them up
 * alike). */
static bool timer_sstc;

/* Whether S-mode may read stimecmp (CSR 0x14d): without Sstc, or without
 * menvcfg.STCE, it is an illegal instruction, which the firmware hands
 * back to stvec, here a landing after the read. At boot, interrupts
 * off. */
static bool probe_stimecmp(void)
{
	uint64_t ok;

	__asm__ volatile("csrr t1, stvec\n"
			 "lla t0, 1f\n"
			 "csrw stvec, t0\n"
			 "li %0, 0\n"
			 "csrr t2, 0x14d\n"
			 "li %0, 1\n"
			 ".balign 4\n"
			 "1: csrw stvec, t1\n"
			 : "=&r"(ok)
			 :
			 : "t0", "t1", "t2", "memory");
	return ok;
}

void arch_timer_probe(void)
{
	timer_sstc = probe_stimecmp();
}

bool arch_timer_sstc(void)
{
	return timer_sstc;
}

void arch_timer_set_freq(uint64_t hz)
{
	if (hz)
		timer_hz = hz;
}

uint64_t hal_timer_now(void)
{
	return csr_read(time);
}

uint64_t hal_timer_freq(void)
{
	return timer_hz;
}

/* Once there are other harts, no deadline is further away than this: the
 * timer interrupt's WFI (hal_irqchip_ack) then ends this hart's turn in
 * QEMU 7.2's -icount round robin now and then even while a VM spins here
 * without trapping, so that the harts after it run (see hal_cpu_relax,
 * cpu.c). The kernel takes an early interrupt as one with nothing due. */
#define SMP_YIELD_US 1000

/* A yield tick that no other hart's comparator comes before is this
 * close instead (below), in nanoseconds: a few hundred instructions of
 * the other hart's under QEMU's -icount. */
#define SMP_YIELD_ALONE_NS 300

/* The deadline each hart was asked for, before the clamp, and the one
 * its comparator holds. */
static uint64_t requested[MAX_CPUS];
static uint64_t comparator[MAX_CPUS];
/* The comparator holds the shortened yield tick: its interrupt does not
 * give the turn away (this hart has work, or it would not have been
 * kicked out of its turn). */
static bool short_tick[MAX_CPUS];

/* Whether another hart's comparator holds a deadline in (now, d]. */
static bool other_deadline_before(uint64_t now, uint64_t d)
{
	for (unsigned c = 0; c < MAX_CPUS; c++) {
		uint64_t o = __atomic_load_n(&comparator[c], __ATOMIC_RELAXED);
		if (c != this_cpu_id() && o > now && o <= d)
			return true;
	}
	return false;
}

static uint64_t smp_yield_clamp(uint64_t deadline)
{
	unsigned me = this_cpu_id();
	bool was_short = short_tick[me];
	uint64_t now, latest;

	requested[me] = deadline;
	short_tick[me] = false;
	if (!__atomic_load_n(&arch_smp_yield, __ATOMIC_RELAXED))
		return deadline;
	now = hal_timer_now();
	latest = now + timer_hz / (1000000 / SMP_YIELD_US);
	if (deadline < latest) {
		latest = deadline;
	} else if (!was_short && !other_deadline_before(now, latest)) {
		/* Written, the yield tick would be the earliest deadline of
		 * all, which under QEMU 7.2's -icount round robin ends this
		 * hart's turn and runs the others until it, a millisecond
		 * with this hart's work waiting (its vCPU just woken). That
		 * is when another hart is between its own deadline and
		 * writing the next: this hart's turn comes back after a few
		 * hundred of its instructions, by which time it has
		 * (docs/bench.md, "The 802 000-instruction stall"). Once
		 * in a row: a hart that has not by then is not running,
		 * and the full tick that follows gives it the turn (a
		 * guest spinning here would otherwise keep it for good). */
		latest = now + 1 + timer_hz * SMP_YIELD_ALONE_NS / 1000000000;
		short_tick[me] = true;
	}
	__atomic_store_n(&comparator[me], latest, __ATOMIC_RELAXED);
	return latest;
}

/* Whether the timer interrupt being taken is the clamp's (the yield
 * tick): nothing that was asked for is due yet. */
bool arch_timer_yield_tick(void)
{
	unsigned me = this_cpu_id();

	return hal_timer_now() < requested[me] && !short_tick[me];
}

/* Programming a new deadline also clears a pending STIP; the interrupt
 * is unmasked in sie until it is taken (see hal_irqchip_ack). */
void hal_timer_set_deadline(uint64_t deadline)
{
	uint64_t d = smp_yield_clamp(deadline);

	if (timer_sstc)
		csr_write(0x14d, d); /* stimecmp */
	else
		sbi_set_timer(d);
	csr_set(sie, SIE_STIE);
}

/* Masking is enough: a stale STIP stays invisible until the next
 * hal_timer_set_deadline() reprograms the comparator first. With other
 * harts the yield tick goes on instead. */
void hal_timer_stop(void)
{
	if (__atomic_load_n(&arch_smp_yield, __ATOMIC_RELAXED)) {
		hal_timer_set_deadline(UINT64_MAX);
		return;
	}
	csr_clear(sie, SIE_STIE);
}

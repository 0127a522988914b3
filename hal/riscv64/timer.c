/* The host timer: the `time` CSR as the clock, one deadline per hart set
 * through the SBI TIME extension (supervisor timer interrupt, scause 5).
 * The frequency is /cpus/timebase-frequency from the DTB. */
#include <hal/hal.h>
#include "riscv64.h"

static uint64_t timer_hz = 10000000; /* QEMU virt's, until the DTB says */

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

static uint64_t smp_yield_clamp(uint64_t deadline)
{
	if (!__atomic_load_n(&arch_smp_yield, __ATOMIC_RELAXED))
		return deadline;
	uint64_t latest = hal_timer_now() + timer_hz / (1000000 / SMP_YIELD_US);
	return deadline < latest ? deadline : latest;
}

/* Programming a new deadline also clears a pending STIP; the interrupt
 * is unmasked in sie until it is taken (see hal_irqchip_ack). */
void hal_timer_set_deadline(uint64_t deadline)
{
	sbi_set_timer(smp_yield_clamp(deadline));
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

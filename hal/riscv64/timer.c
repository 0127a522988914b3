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

/* Programming a new deadline also clears a pending STIP; the interrupt
 * is unmasked in sie until it is taken (see hal_irqchip_ack). */
void hal_timer_set_deadline(uint64_t deadline)
{
	sbi_set_timer(deadline);
	csr_set(sie, SIE_STIE);
}

/* Masking is enough: a stale STIP stays invisible until the next
 * hal_timer_set_deadline() reprograms the comparator first. */
void hal_timer_stop(void)
{
	csr_clear(sie, SIE_STIE);
}

/* The host "interrupt controller" of the hal interface: the hart's local
 * interrupts. HAL_IPI_IRQ is the supervisor software interrupt, raised by
 * SBI IPI (sbi_send_ipi); HAL_TIMER_IRQ is the supervisor timer interrupt.
 * External interrupts through the PLIC come later: until then
 * hal_irqchip_enable()/disable() accept and ignore other ids. */
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include "riscv64.h"

void hal_irqchip_init(void)
{
	pr_info("host interrupts: SBI IPI and SBI timer (no PLIC yet)");
}

void hal_irqchip_cpu_init(void)
{
	csr_clear(sip, SIE_SSIE);
	csr_clear(sie, SIE_SEIE | SIE_STIE);
	csr_set(sie, SIE_SSIE);
}

/* The IPI is always enabled on every hart, the timer whenever a deadline
 * is set; PLIC sources (HAL_PLIC_IRQ_BASE + n) are not handled yet. */
void hal_irqchip_enable(unsigned irq, unsigned cpu)
{
	(void)irq, (void)cpu;
}

void hal_irqchip_disable(unsigned irq)
{
	(void)irq;
}

/* In the privileged spec's priority order (software before timer). A
 * software interrupt is cleared here (SSIP is writable in S-mode); the
 * timer's STIP can only be cleared by a new deadline, so its interrupt is
 * masked here and hal_timer_set_deadline() unmasks it again. Either way
 * an interrupt without a handler cannot fire forever. */
unsigned hal_irqchip_ack(void)
{
	uint64_t pending = csr_read(sip) & csr_read(sie);

	if (pending & SIE_SSIE) {
		csr_clear(sip, SIE_SSIE);
		return HAL_IPI_IRQ;
	}
	if (pending & SIE_STIE) {
		csr_clear(sie, SIE_STIE);
		return HAL_TIMER_IRQ;
	}
	return HAL_IRQ_NONE;
}

void hal_irqchip_eoi(unsigned irq)
{
	(void)irq;
}

void hal_irqchip_send_ipi(unsigned cpu)
{
	int err = sbi_send_ipi(percpu_data[cpu].hwid);

	if (err)
		pr_warn("SBI IPI to CPU %u failed: %d", cpu, err);
}

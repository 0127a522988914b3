/* The host interrupt controller of the hal interface: the hart's local
 * interrupts and the PLIC. HAL_IPI_IRQ is the supervisor software
 * interrupt, raised by SBI IPI (sbi_send_ipi); HAL_TIMER_IRQ is the
 * supervisor timer interrupt; PLIC source n is HAL_PLIC_IRQ_BASE + n,
 * claimed from the hart's S-mode context (2 * hart + 1, QEMU virt's
 * numbering) on a supervisor external interrupt and completed at EOI. */
#include <arch/hart_call.h>
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include "riscv64.h"

#define PLIC_PRIORITY(s)  (4ul * (s))
#define PLIC_ENABLE(c, s) (0x2000ul + 0x80ul * (c) + 4ul * ((s) / 32))
#define PLIC_THRESHOLD(c) (0x200000ul + 0x1000ul * (c))
#define PLIC_CLAIM(c)     (PLIC_THRESHOLD(c) + 4)
#define PLIC_SOURCES      1024u

static volatile uint8_t *plic;

void plic_set_base(paddr_t base)
{
	plic = pa_to_ptr(base);
}

bool plic_present(void)
{
	return plic != NULL;
}

static volatile uint32_t *plic_reg(unsigned long off)
{
	return (volatile uint32_t *)(plic + off);
}

static unsigned plic_context(unsigned cpu)
{
	return (unsigned)(2 * percpu_data[cpu].hwid + 1);
}

void hal_irqchip_init(void)
{
	pr_info("host interrupts: SBI IPI, SBI timer%s",
		plic ? ", PLIC" : " (no PLIC in the device tree)");
}

void hal_irqchip_cpu_init(void)
{
	csr_clear(sip, SIE_SSIE);
	csr_clear(sie, SIE_SEIE | SIE_STIE);
	csr_set(sie, SIE_SSIE);
	if (plic) {
		*plic_reg(PLIC_THRESHOLD(plic_context(this_cpu_id()))) = 0;
		csr_set(sie, SIE_SEIE);
	}
}

/* The IPI is always enabled on every hart, the timer whenever a deadline
 * is set; a PLIC source is routed to 'cpu' alone. */
void hal_irqchip_enable(unsigned irq, unsigned cpu)
{
	unsigned s = irq - HAL_PLIC_IRQ_BASE;

	if (!plic || irq < HAL_PLIC_IRQ_BASE || s >= PLIC_SOURCES)
		return;
	*plic_reg(PLIC_PRIORITY(s)) = 1;
	*plic_reg(PLIC_ENABLE(plic_context(cpu), s)) |= 1u << (s % 32);
}

void hal_irqchip_disable(unsigned irq)
{
	unsigned s = irq - HAL_PLIC_IRQ_BASE;

	if (!plic || irq < HAL_PLIC_IRQ_BASE || s >= PLIC_SOURCES)
		return;
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
		if (percpu_data[cpu].online)
			*plic_reg(PLIC_ENABLE(plic_context(cpu), s)) &=
				~(1u << (s % 32));
}

/* In the privileged spec's priority order: external, software, timer.
 * A software interrupt is cleared here (SSIP is writable in S-mode); the
 * timer's STIP can only be cleared by a new deadline, so its interrupt is
 * masked here and hal_timer_set_deadline() unmasks it again. Either way
 * an interrupt without a handler cannot fire forever. */
/* The timer interrupt being handled is the yield tick (below). */
static bool yield_tick[MAX_CPUS];

unsigned hal_irqchip_ack(void)
{
	uint64_t pending = csr_read(sip) & csr_read(sie);

	if (pending & SIE_SEIE) {
		uint32_t s = *plic_reg(PLIC_CLAIM(plic_context(this_cpu_id())));
		if (s)
			return HAL_PLIC_IRQ_BASE + s;
	}
	if (pending & SIE_SSIE) {
		csr_clear(sip, SIE_SSIE);
		hart_call_service();
		return HAL_IPI_IRQ;
	}
	if (pending & SIE_STIE) {
		/* The yield tick (timer.c) ends this hart's turn in QEMU
		 * 7.2's -icount round robin, so that a hart after it runs
		 * while a VM spins here without trapping: at its end
		 * (hal_irqchip_eoi), as a spin-wait does (hal_cpu_relax,
		 * cpu.c). Only the yield tick: at a deadline that was asked
		 * for (a vCPU's timer) the other hart would run on until its
		 * own next deadline, as much as a millisecond, with this
		 * one's interrupt waiting. And at the end, once the handler
		 * has written the next deadline: yielding before, the other
		 * hart could meet this one's next deadline written as the
		 * earliest of all, which makes QEMU end the turn of the hart
		 * that wrote it, and run on until it (docs/bench.md,
		 * riscv64). */
		yield_tick[this_cpu_id()] =
			__atomic_load_n(&arch_smp_yield, __ATOMIC_RELAXED) &&
			arch_timer_yield_tick();
		csr_clear(sie, SIE_STIE);
		return HAL_TIMER_IRQ;
	}
	return HAL_IRQ_NONE;
}

void arch_irq_yield_cancel(void)
{
	yield_tick[this_cpu_id()] = false;
}

void hal_irqchip_eoi(unsigned irq)
{
	/* The timer's own interrupt needs no EOI. */
	if (irq == HAL_TIMER_IRQ && yield_tick[this_cpu_id()]) {
		yield_tick[this_cpu_id()] = false;
		hal_cpu_relax();
		return;
	}
	if (plic && irq >= HAL_PLIC_IRQ_BASE)
		*plic_reg(PLIC_CLAIM(plic_context(this_cpu_id()))) =
			irq - HAL_PLIC_IRQ_BASE;
}

void hal_irqchip_send_ipi(unsigned cpu)
{
	int err = sbi_send_ipi(percpu_data[cpu].hwid);

	if (err)
		pr_warn("SBI IPI to CPU %u failed: %d", cpu, err);
}

/* Interrupts of the x86_64 test guests: each vCPU's local APIC (xAPIC
 * at 0xfee0_0000). IPIs are fixed interrupts to an APIC id (the vCPU's
 * index) at GUEST_IPI_VECTOR + n. */
#include <guest.h>

#define REG_TPR    0x080
#define REG_SVR    0x0f0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310

extern void (*guest_irq_handler)(unsigned irq);

const char *guest_irq_init(void (*handler)(unsigned irq))
{
	guest_irq_handler = handler;
	return "LAPIC";
}

void guest_irq_cpu_init(unsigned cpu)
{
	(void)cpu;
	LAPIC_REG(REG_TPR) = 0;
	LAPIC_REG(REG_SVR) = 0x100 | GUEST_SPURIOUS;
}

void guest_ipi_send(unsigned cpu, unsigned ipi)
{
	LAPIC_REG(REG_ICR_HI) = cpu << 24;
	LAPIC_REG(REG_ICR_LO) = GUEST_IPI_VECTOR + ipi;
}

#define IOAPIC            0xfec00000ul
#define GUEST_LINE_VECTOR 0x60u /* + the IOAPIC pin */

unsigned guest_irq_enable_line(unsigned line, unsigned cpu)
{
	volatile uint32_t *sel = (volatile uint32_t *)IOAPIC;
	volatile uint32_t *win = (volatile uint32_t *)(IOAPIC + 0x10);

	*sel = 0x10 + 2 * line + 1;
	*win = cpu << 24; /* the vCPU's APIC id */
	*sel = 0x10 + 2 * line;
	*win = GUEST_LINE_VECTOR + line; /* fixed, edge, high, unmasked */
	return GUEST_LINE_VECTOR + line;
}

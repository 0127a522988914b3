/* Interrupts of the x86_64 test guests: each vCPU's local APIC (xAPIC
 * at 0xfee0_0000, or x2APIC: guest_x2apic()), device lines and the ACPI
 * power button's SCI through the IOAPIC. IPIs are fixed interrupts to an
 * APIC id (the vCPU's index) at GUEST_IPI_VECTOR + n. */
#include <guest.h>

#define REG_TPR    0x080
#define REG_SVR    0x0f0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310

extern void (*guest_irq_handler)(unsigned irq);

const char *guest_irq_init(void (*handler)(unsigned irq))
{
	guest_irq_handler = handler;
	return guest_x2apic() ? "x2APIC" : "LAPIC";
}

void guest_irq_cpu_init(unsigned cpu)
{
	(void)cpu;
	lapic_write(REG_TPR, 0);
	lapic_write(REG_SVR, 0x100 | GUEST_SPURIOUS);
}

void guest_ipi_send(unsigned cpu, unsigned ipi)
{
	if (guest_x2apic()) {
		wrmsr(X2APIC_ICR,
		      (uint64_t)cpu << 32 | (GUEST_IPI_VECTOR + ipi));
		return;
	}
	LAPIC_REG(REG_ICR_HI) = cpu << 24;
	LAPIC_REG(REG_ICR_LO) = GUEST_IPI_VECTOR + ipi;
}

#define IOAPIC            0xfec00000ul
#define GUEST_LINE_VECTOR 0x60u /* + the IOAPIC pin */

#define RTE_LEVEL (1u << 15)

/* IOAPIC pin 'line' to vCPU 'cpu', fixed, active high, unmasked. */
static unsigned route_line(unsigned line, unsigned cpu, uint32_t trigger)
{
	volatile uint32_t *sel = (volatile uint32_t *)IOAPIC;
	volatile uint32_t *win = (volatile uint32_t *)(IOAPIC + 0x10);

	*sel = 0x10 + 2 * line + 1;
	*win = cpu << 24; /* the vCPU's APIC id */
	*sel = 0x10 + 2 * line;
	*win = (GUEST_LINE_VECTOR + line) | trigger;
	return GUEST_LINE_VECTOR + line;
}

unsigned guest_irq_enable_line(unsigned line, unsigned cpu)
{
	return route_line(line, cpu, 0); /* edge */
}

/* ACPI's fixed-feature power button: PWRBTN_STS and PWRBTN_EN (bit 8)
 * in the PM1a block at q35's PMBASE, and the SCI on ISA IRQ 9, level and
 * active high as the MADT's override says (docs/x86_64.md). */
#define PM1_STS 0x600
#define PM1_EN  0x602
#define PWRBTN  0x100u
#define SCI_IRQ 9u

unsigned guest_power_button_init(unsigned cpu)
{
	outw(PM1_STS, PWRBTN); /* a press from before is not this one */
	outw(PM1_EN, PWRBTN);
	return route_line(SCI_IRQ, cpu, RTE_LEVEL);
}

/* Before the EOI, so that the level SCI is down when it is taken. */
void guest_power_button_ack(void)
{
	outw(PM1_STS, PWRBTN);
}

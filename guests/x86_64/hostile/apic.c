/* Junk at every 32-bit offset of the LAPIC page (the local vector table
 * kept masked, so that junk vectors below 32 cannot reach the guest as
 * exceptions; the ICR is the IPI part's), other widths at its registers,
 * then every IOAPIC register through IOREGSEL/IOWIN and every offset of
 * its page. After that both must still work: a self-IPI arrives. */
#include "hostile.h"

#define REG_ID         0x020
#define REG_TPR        0x080
#define REG_EOI        0x0b0
#define REG_SVR        0x0f0
#define REG_ICR_LO     0x300
#define REG_ICR_HI     0x310
#define REG_LVT_FIRST  0x2f0 /* CMCI */
#define REG_LVT_LAST   0x370 /* error */
#define REG_TIMER_INIT 0x380
#define REG_DCR        0x3e0
#define LVT_MASKED     0x10000u
#define IOAPIC_SEL     (*(volatile uint32_t *)IOAPIC_BASE)
#define IOAPIC_WIN     (*(volatile uint32_t *)(IOAPIC_BASE + 0x10))
#define IOAPIC_PINS    24

static volatile unsigned self_ipis;

static void on_irq(unsigned irq)
{
	if (irq == 2)
		self_ipis++;
}

static uint32_t lapic_id;

/* Its id back (a guest may write it), masked LVTs, no timer, the APIC
 * enabled, nothing in service. */
static void lapic_calm(void)
{
	LAPIC_REG(REG_ID) = lapic_id;
	for (unsigned off = REG_LVT_FIRST; off <= REG_LVT_LAST; off += 0x10)
		if (off != 0x300 && off != 0x310)
			LAPIC_REG(off) = LVT_MASKED;
	LAPIC_REG(REG_TIMER_INIT) = 0;
	LAPIC_REG(REG_DCR) = 0xb;
	LAPIC_REG(REG_TPR) = 0;
	LAPIC_REG(REG_SVR) = 0x100 | GUEST_SPURIOUS;
	for (unsigned i = 0; i < 256; i++)
		LAPIC_REG(REG_EOI) = 0;
}

bool self_ipi_arrives(void)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 10;
	unsigned before = self_ipis;

	guest_irq_init(on_irq);
	guest_ipi_send(0, 2);
	while (self_ipis == before && guest_counter() < end)
		irq_window();
	return self_ipis > before;
}

void hostile_lapic(void)
{
	uint64_t n = guest_trap.count;

	lapic_id = LAPIC_REG(REG_ID);
	irq_disable();
	for (unsigned off = 0; off < 0x1000; off += 4) {
		if (off == REG_ICR_LO)
			continue;
		(void)LAPIC_REG(off);
		LAPIC_REG(off) = (uint32_t)junk() | LVT_MASKED;
		(void)LAPIC_REG(off);
	}
	lapic_calm();
	verdict("LAPIC: junk read and written at every offset, no exception",
		guest_trap.count == n);
	n = guest_trap.count;
	for (unsigned off = 0; off < 0x400; off += 0x10) {
		volatile uint8_t *b = (volatile uint8_t *)(LAPIC_BASE + off);
		GUARDED("movb (%[p]), %%al\n\tmovw 2(%[p]), %%ax\n\t"
			"movq (%[p]), %%rax",
			:
			: [p] "r"(b), RESUME_OFF
			: "rax", "r11", "memory");
	}
	lapic_calm();
	verdict("LAPIC: byte, word and quadword reads: survived",
		guest_trap.count - n <= 0x40);
	expect_eq("LAPIC id", LAPIC_REG(REG_ID), lapic_id);
	verdict("LAPIC: after the junk, a self-IPI arrives",
		LAPIC_REG(REG_ID) == lapic_id && self_ipi_arrives());
}

void hostile_ioapic(void)
{
	uint64_t n = guest_trap.count;
	uint32_t id, ver;

	IOAPIC_SEL = 1;
	ver = IOAPIC_WIN;
	irq_disable();
	for (unsigned reg = 0; reg < 256; reg++) {
		IOAPIC_SEL = reg;
		(void)IOAPIC_WIN;
		IOAPIC_WIN = (uint32_t)junk() | LVT_MASKED;
		(void)IOAPIC_WIN;
	}
	for (unsigned off = 0; off < 0x1000; off += 4) {
		volatile uint32_t *p = (volatile uint32_t *)(IOAPIC_BASE + off);
		(void)*p;
		*p = (uint32_t)junk() | (off == 0x10 ? LVT_MASKED : 0);
	}
	/* Every pin masked again. */
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		IOAPIC_SEL = 0x10 + 2 * pin;
		IOAPIC_WIN = LVT_MASKED;
	}
	IOAPIC_SEL = 0;
	id = IOAPIC_WIN;
	IOAPIC_SEL = 1;
	verdict("IOAPIC: junk at every register and offset, no exception; "
		"its version register read-only",
		guest_trap.count == n && IOAPIC_WIN == ver &&
			(id & ~0x0f000000u) == 0);
	verdict("IOAPIC: after the junk, a self-IPI arrives",
		self_ipi_arrives());
}

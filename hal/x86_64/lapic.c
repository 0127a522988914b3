/* The host interrupt controller: each CPU's local APIC in xAPIC (MMIO)
 * mode. The legacy 8259 PICs are remapped and masked, and every IOAPIC
 * input masked until it is routed: COM1's (cvisor's console input) and
 * the pins forwarded to VMs (HAL_GSI_IRQ_BASE). Interrupt ids are
 * vectors. */
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include "x86.h"

#define LAPIC_ID         0x020
#define LAPIC_TPR        0x080
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_ISR        0x100 /* 8 registers, 0x10 apart */
#define LAPIC_IRR        0x200 /* the same */
#define LAPIC_ESR        0x280
#define LAPIC_ICR_LO     0x300
#define LAPIC_ICR_HI     0x310
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0

#define SVR_ENABLE       0x100
#define SPURIOUS_VECTOR  0xff
#define LVT_MASKED       0x10000
#define LVT_NMI          0x400
#define ICR_PENDING      0x1000
#define ICR_ASSERT       0x4000
#define APIC_BASE_ENABLE 0x800

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VER    0x01
#define IOAPIC_REDTBL 0x10

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(x86_platform.lapic_base + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(x86_platform.lapic_base + reg, v);
}

uint32_t x86_lapic_id(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return r[1] >> 24; /* initial APIC id */
}

/* Remaps the PICs away from the exception vectors (0x20-0x2f), then masks
 * every line: their spurious IRQ 7/15 could otherwise look like a trap. */
static void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20); /* ICW2: vector base */
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL      (1u << 15)

/* The IOAPIC's register pair is one access at a time across CPUs. */
static spinlock_t ioapic_lock = SPINLOCK_INIT;
static unsigned ioapic_pins;
/* A forwarded pin's low RTE word (vector, trigger, polarity, mask) and
 * its target's APIC id, as last written. */
static uint32_t gsi_lo[HAL_GSI_COUNT], gsi_dest[HAL_GSI_COUNT];

static void ioapic_mask_all(paddr_t base)
{
	mmio_write32(base + IOAPIC_REGSEL, IOAPIC_VER);
	unsigned max = (mmio_read32(base + IOAPIC_WINDOW) >> 16) & 0xff;

	ioapic_pins = max + 1;
	for (unsigned i = 0; i < HAL_GSI_COUNT; i++)
		gsi_lo[i] = LVT_MASKED;
	for (unsigned i = 0; i <= max; i++) {
		mmio_write32(base + IOAPIC_REGSEL, IOAPIC_REDTBL + 2 * i);
		mmio_write32(base + IOAPIC_WINDOW, LVT_MASKED);
	}
}

void x86_lapic_cpu_setup(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
}

void hal_irqchip_init(void)
{
	pic_disable();
	if (x86_platform.ioapic_base)
		ioapic_mask_all(x86_platform.ioapic_base);
	/* cvisor's: no VM is given them (a VM's own local APIC and IOAPIC
	 * sit in their place). */
	hostres_claim(x86_platform.lapic_base, 0x1000, HOSTRES_CVISOR,
		      "the local APIC", NULL);
	if (x86_platform.ioapic_base)
		hostres_claim(x86_platform.ioapic_base, 0x1000, HOSTRES_CVISOR,
			      "the IOAPIC", NULL);
	x86_lapic_cpu_setup();
	x86_timer_calibrate();
}

void hal_irqchip_cpu_init(void)
{
	struct percpu *pc = this_cpu();

	x86_lapic_cpu_setup();
	pc->arch.apic_id = lapic_read(LAPIC_ID) >> 24;
	x86_timer_cpu_setup();
}

/* Caller holds ioapic_lock. */
static void ioapic_write_rte(uint32_t gsi, uint32_t lo, uint32_t dest)
{
	paddr_t base = x86_platform.ioapic_base;

	mmio_write32(base + IOAPIC_REGSEL, IOAPIC_REDTBL + 2 * gsi + 1);
	mmio_write32(base + IOAPIC_WINDOW, dest << 24);
	mmio_write32(base + IOAPIC_REGSEL, IOAPIC_REDTBL + 2 * gsi);
	mmio_write32(base + IOAPIC_WINDOW, lo);
}

static void ioapic_route(uint32_t gsi, uint32_t lo, uint32_t dest)
{
	spin_lock(&ioapic_lock);
	ioapic_write_rte(gsi, lo, dest);
	spin_unlock(&ioapic_lock);
}

int hal_x86_gsi_check(unsigned gsi)
{
	if (!x86_platform.ioapic_base || gsi >= HAL_GSI_COUNT ||
	    gsi >= ioapic_pins)
		return -1;
	return gsi == x86_platform.com1_gsi ? -2 : 0;
}

/* A forwarded pin's entry: its shadow's low word with 'clear' cleared
 * and 'set' set, aimed at 'cpu' (or where it was, with NULL). Shadow
 * and entry change together: a pin's handler masks it while a guest's
 * EOI unmasks it elsewhere. */
static void gsi_update(unsigned gsi, uint32_t clear, uint32_t set,
		       const unsigned *cpu)
{
	if (hal_x86_gsi_check(gsi))
		return;
	spin_lock(&ioapic_lock);
	if (cpu)
		gsi_dest[gsi] = (uint32_t)percpu_data[*cpu].hwid;
	gsi_lo[gsi] = (gsi_lo[gsi] & ~clear & ~0xffu) | set |
		      (HAL_GSI_IRQ_BASE + gsi);
	ioapic_write_rte(gsi, gsi_lo[gsi], gsi_dest[gsi]);
	spin_unlock(&ioapic_lock);
}

void hal_x86_gsi_mode(unsigned gsi, bool level, bool active_low)
{
	gsi_update(gsi, RTE_LEVEL | RTE_ACTIVE_LOW,
		   (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0),
		   NULL);
}

bool hal_x86_gsi_level(unsigned gsi)
{
	return gsi < HAL_GSI_COUNT &&
	       (__atomic_load_n(&gsi_lo[gsi], __ATOMIC_RELAXED) & RTE_LEVEL);
}

/* The LAPIC's own vectors (timer, IPI) need no routing; a forwarded
 * GSI's is its vector, with the mode hal_x86_gsi_mode() set; COM1's goes
 * through the IOAPIC, fixed to the CPU's APIC id, with the polarity and
 * trigger the MADT gives (ISA defaults: high, edge). */
void hal_irqchip_enable(unsigned irq, unsigned cpu)
{
	uint32_t lo = irq;
	uint16_t f = x86_platform.com1_flags;

	if (irq - HAL_GSI_IRQ_BASE < HAL_GSI_COUNT) {
		gsi_update(irq - HAL_GSI_IRQ_BASE, LVT_MASKED, 0, &cpu);
		return;
	}
	if (irq != X86_COM1_VECTOR || !x86_platform.ioapic_base)
		return;
	if ((f & 3) == 3)
		lo |= 1u << 13; /* active low */
	if ((f >> 2 & 3) == 3)
		lo |= 1u << 15; /* level */
	ioapic_route(x86_platform.com1_gsi, lo,
		     (uint32_t)percpu_data[cpu].hwid);
}

void hal_irqchip_disable(unsigned irq)
{
	if (irq - HAL_GSI_IRQ_BASE < HAL_GSI_COUNT) {
		gsi_update(irq - HAL_GSI_IRQ_BASE, 0, LVT_MASKED, NULL);
		return;
	}
	if (irq == X86_COM1_VECTOR && x86_platform.ioapic_base)
		ioapic_route(x86_platform.com1_gsi, LVT_MASKED, 0);
}

/* x86 delivers the vector through the IDT, and x86_trap() handles it
 * by its vector. For irq_dispatch() (the VMM's EXIT_IRQ, which x86_64's
 * exits do not use), "acknowledging" is reading which vector is in
 * service: the highest bit set in the ISR. Once it has been EOIed the
 * ISR is clear again and irq_dispatch() stops. */
unsigned hal_irqchip_ack(void)
{
	for (int i = 7; i >= 1; i--) {
		uint32_t isr = lapic_read(LAPIC_ISR + 0x10 * (uint32_t)i);
		if (isr)
			return (unsigned)i * 32 + 31 -
			       (unsigned)__builtin_clz(isr);
	}
	return HAL_IRQ_NONE;
}

bool x86_lapic_irr_pending(void)
{
	/* The eight registers in one pass, without a branch each: this is
	 * on the way into every wait (hal_wait_for_interrupt()). */
#define IRR(i) lapic_read(LAPIC_IRR + 0x10 * (i))
	return (IRR(0) | IRR(1) | IRR(2) | IRR(3) | IRR(4) | IRR(5) | IRR(6) |
		IRR(7)) != 0;
#undef IRR
}

void hal_irqchip_eoi(unsigned irq)
{
	(void)irq;
	lapic_write(LAPIC_EOI, 0);
}

void x86_lapic_send(uint32_t apic_id, uint32_t icr)
{
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		hal_cpu_relax();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		hal_cpu_relax();
}

void hal_irqchip_send_ipi(unsigned cpu)
{
	x86_lapic_send((uint32_t)percpu_data[cpu].hwid,
		       ICR_ASSERT | HAL_IPI_IRQ);
}

void x86_lapic_timer_lvt(uint32_t lvt)
{
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, lvt);
}

void x86_lapic_timer_write_init(uint32_t count)
{
	lapic_write(LAPIC_TIMER_INIT, count);
}

uint32_t x86_lapic_timer_read_current(void)
{
	return lapic_read(LAPIC_TIMER_CUR);
}

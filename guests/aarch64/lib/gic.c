/* A minimal GIC driver for the test guests, for the GICv3 or GICv2 that
 * a VM sees at QEMU virt's addresses (GICD 0x0800_0000, GICR 0x080A_0000
 * per CPU, or GICC 0x0801_0000). */
#include <guest.h>

#define GICD     0x08000000ul
#define GICR     0x080a0000ul
#define GICC     0x08010000ul
#define GICR_SGI 0x10000ul

#define REG32(a) (*(volatile uint32_t *)(a))

static unsigned gic_version;
static void (*irq_handler)(unsigned intid);
volatile unsigned gic_spurious;

#define msr(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define mrs(r)                                              \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})

unsigned gic_init(void (*handler)(unsigned intid))
{
	irq_handler = handler;
	gic_version = (REG32(GICD + 0xffe8) >> 4 & 0xf) == 3 ? 3 : 2;
	/* Group 1 (and affinity routing) on v3; forwarding on v2. */
	gic_dist_enable(true);
	return gic_version;
}

unsigned gic_get_version(void)
{
	return gic_version;
}

void gic_dist_enable(bool on)
{
	if (gic_version == 3)
		REG32(GICD) = on ? 0x12 : 0x10; /* ARE kept */
	else
		REG32(GICD) = on ? 1 : 0;
}

void gic_cpu_init(unsigned cpu)
{
	guest_trap_install();
	if (gic_version == 3) {
		unsigned long rd = GICR + cpu * 0x20000ul;
		REG32(rd + 0x14) &= ~2u; /* WAKER: awake */
		while (REG32(rd + 0x14) & 4u)
			;
		REG32(rd + GICR_SGI + 0x80) = ~0u; /* group 1 */
		msr(S3_0_C12_C12_5, 7);            /* ICC_SRE_EL1 */
		__asm__ volatile("isb");
		msr(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
		msr(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	} else {
		REG32(GICC + 0x4) = 0xff; /* PMR */
		REG32(GICC) = 1;          /* CTLR */
	}
	__asm__ volatile("isb");
}

void gic_enable_private(unsigned cpu, unsigned intid)
{
	if (gic_version == 3)
		REG32(GICR + cpu * 0x20000ul + GICR_SGI + 0x100) = 1u << intid;
	else
		REG32(GICD + 0x100) = 1u << intid;
}

void gic_enable_spi(unsigned intid, unsigned cpu)
{
	if (gic_version == 3)
		*(volatile uint64_t *)(GICD + 0x6000 + 8ul * intid) = cpu;
	else
		*(volatile uint8_t *)(GICD + 0x800 + intid) =
			(uint8_t)(1u << cpu);
	if (gic_version == 3)
		REG32(GICD + 0x80 + intid / 32 * 4) |= 1u << (intid % 32);
	REG32(GICD + 0x100 + intid / 32 * 4) = 1u << (intid % 32);
}

void gic_set_priority(unsigned cpu, unsigned intid, uint8_t prio)
{
	if (gic_version == 3 && intid < 32)
		*(volatile uint8_t *)(GICR + cpu * 0x20000ul + GICR_SGI +
				      0x400 + intid) = prio;
	else
		*(volatile uint8_t *)(GICD + 0x400 + intid) = prio;
}

uint32_t gic_pending_private(unsigned cpu)
{
	if (gic_version == 3)
		return REG32(GICR + cpu * 0x20000ul + GICR_SGI + 0x200);
	return REG32(GICD + 0x200); /* banked: this CPU's */
}

void gic_set_pmr(uint8_t prio)
{
	if (gic_version == 3)
		msr(S3_0_C4_C6_0, prio); /* ICC_PMR_EL1 */
	else
		REG32(GICC + 0x4) = prio;
	__asm__ volatile("isb");
}

void gic_send_sgi(unsigned cpu, unsigned sgi)
{
	if (gic_version == 3) {
		msr(S3_0_C12_C11_5,
		    (uint64_t)sgi << 24 | 1u << cpu); /* SGI1R */
		__asm__ volatile("isb");
	} else {
		REG32(GICD + 0xf00) = 1u << (16 + cpu) | sgi;
	}
}

const char *guest_irq_init(void (*handler)(unsigned irq))
{
	return gic_init(handler) == 3 ? "GICv3" : "GICv2";
}

void guest_irq_cpu_init(unsigned cpu)
{
	gic_cpu_init(cpu);
	for (unsigned s = 0; s < GUEST_IPIS; s++)
		gic_enable_private(cpu, s);
}

void guest_ipi_send(unsigned cpu, unsigned ipi)
{
	gic_send_sgi(cpu, ipi);
}

/* The IRQ entry of lib/trap.S: every pending interrupt, to the handler
 * given to gic_init(). An entry whose first acknowledge finds nothing
 * (1023: the interrupt went away between its signal and the read) is
 * counted in gic_spurious. */
void guest_irq(void)
{
	for (bool first = true;; first = false) {
		uint32_t iar = gic_version == 3 ?
				       (uint32_t)mrs(S3_0_C12_C12_0) :
				       REG32(GICC + 0xc);
		unsigned intid = iar & 0x3ff;
		if (intid >= 1020) {
			if (first)
				gic_spurious++;
			return;
		}
		if (irq_handler)
			irq_handler(intid);
		if (gic_version == 3)
			msr(S3_0_C12_C12_1, iar); /* EOIR1 */
		else
			REG32(GICC + 0x10) = iar;
	}
}

unsigned guest_irq_enable_line(unsigned line, unsigned cpu)
{
	/* GICD_ICFGR: two bits an interrupt, the upper one set for edge. */
	REG32(GICD + 0xc00 + line / 16 * 4) |= 2u << (line % 16 * 2);
	gic_enable_spi(line, cpu);
	return line;
}

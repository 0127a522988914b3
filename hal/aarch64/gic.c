/* The host's GIC, version 3 (system-register CPU interface, one
 * redistributor per CPU) or version 2 (memory-mapped CPU interface), as
 * the DTB describes it. Host SPIs are group 1 (v3) or 0 (v2) and routed
 * to one CPU. */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <hal/hal.h>
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <lib/fdt.h>
#include "aarch64.h"

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR  0x0800
#define GICD_SGIR       0x0f00
#define GICD_IROUTER    0x6000

#define GICR_WAKER  0x0014
#define GICR_TYPER  0x0008
#define GICR_SGI    0x10000 /* SGI/PPI frame offset */
#define GICR_STRIDE 0x20000

#define GICC_CTLR         0x0000
#define GICC_PMR          0x0004
#define GICC_IAR          0x000c
#define GICC_EOIR         0x0010
#define GICC_DIR          0x1000
#define GICC_CTLR_EOIMODE (1u << 9) /* EOIR drops priority, DIR deactivates */

#define PRIO_DEFAULT 0xa0

struct gic {
	unsigned version;
	volatile uint8_t *gicd;
	volatile uint8_t *gicr; /* v3: redistributor region */
	volatile uint8_t *gicc; /* v2: CPU interface */
	size_t gicr_size;
	unsigned nr_irqs;
	volatile uint8_t *rd[MAX_CPUS]; /* v3: each CPU's redistributor */
	uint64_t ipi_sgi1r[MAX_CPUS];   /* v3: ICC_SGI1R_EL1 that IPIs it */
	paddr_t gich, gicv;             /* v2: virtualisation frames */
	uint64_t gicv_size;
};

static struct gic gic;
bool gic_sysregs;

/* The interrupt this CPU is handling stays active after its EOI
 * (gic_leave_active): the guest it was forwarded to deactivates it. */
static bool leave_active[MAX_CPUS];

static inline uint32_t rd32(volatile uint8_t *b, size_t off)
{
	return *(volatile uint32_t *)(b + off);
}

static inline void wr32(volatile uint8_t *b, size_t off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}

static bool gic_reg(const struct fdt *f, int node, unsigned idx, uint64_t *base,
		    uint64_t *size)
{
	struct fdt_prop p;

	return fdt_get_prop(f, node, "reg", &p) == FDT_OK &&
	       fdt_prop_cells(&p, idx * 4, 2, base) &&
	       fdt_prop_cells(&p, idx * 4 + 2, 2, size);
}

int gic_probe(const void *blob)
{
	struct fdt f;
	uint64_t base, size, b2, s2;
	int node;

	if (fdt_open(&f, blob, 1 << 20) != FDT_OK)
		return -1;
	if ((node = fdt_find_compatible(&f, -1, "arm,gic-v3")) >= 0) {
		gic.version = 3;
		gic_sysregs = true;
	} else if ((node = fdt_find_compatible(&f, -1, "arm,cortex-a15-gic")) >=
			   0 ||
		   (node = fdt_find_compatible(&f, -1, "arm,gic-400")) >= 0) {
		gic.version = 2;
	} else {
		return -1;
	}
	if (!gic_reg(&f, node, 0, &base, &size) ||
	    !gic_reg(&f, node, 1, &b2, &s2))
		return -1;
	gic.gicd = pa_to_ptr(base);
	hostres_claim(base, size, HOSTRES_CVISOR, "the GIC distributor", NULL);
	if (gic.version == 3) {
		gic.gicr = pa_to_ptr(b2);
		gic.gicr_size = s2;
		hostres_claim(b2, s2, HOSTRES_CVISOR, "the GIC redistributors",
			      NULL);
	} else {
		gic.gicc = pa_to_ptr(b2);
		hostres_claim(b2, s2, HOSTRES_CVISOR, "the GIC CPU interface",
			      NULL);
		if (gic_reg(&f, node, 2, &base, &size) &&
		    gic_reg(&f, node, 3, &b2, &s2)) {
			gic.gich = base;
			gic.gicv = b2;
			gic.gicv_size = s2;
			hostres_claim(base, size, HOSTRES_CVISOR,
				      "the GIC virtual interface control",
				      NULL);
			hostres_claim(b2, s2, HOSTRES_CVISOR,
				      "the GIC virtual CPU interface", NULL);
		}
	}
	return 0;
}

unsigned hal_gic_nr_irqs(void)
{
	return gic.nr_irqs;
}

bool hal_gic_v2_virt_frames(paddr_t *gich, paddr_t *gicv, uint64_t *gicv_size)
{
	*gich = gic.gich;
	*gicv = gic.gicv;
	*gicv_size = gic.gicv_size;
	return gic.gich && gic.gicv;
}

void hal_irqchip_set_local(unsigned irq, bool enable)
{
	if (irq >= 32)
		return;
	volatile uint8_t *base =
		gic.version == 3 ? gic.rd[this_cpu_id()] + GICR_SGI : gic.gicd;
	wr32(base, enable ? GICD_ISENABLER : GICD_ICENABLER, 1u << irq);
}

void gic_set_active_local(unsigned irq, bool active)
{
	if (irq >= 32)
		return;
	volatile uint8_t *base =
		gic.version == 3 ? gic.rd[this_cpu_id()] + GICR_SGI : gic.gicd;
	wr32(base, active ? GICD_ISACTIVER : GICD_ICACTIVER, 1u << irq);
}

void gic_leave_active(void)
{
	leave_active[this_cpu_id()] = true;
}

unsigned hal_gic_version(void)
{
	return gic.version;
}

void hal_irqchip_init(void)
{
	if (!gic.version)
		panic("no GIC found in the host device tree");
	gic.nr_irqs =
		MIN(32 * ((rd32(gic.gicd, GICD_TYPER) & 0x1f) + 1), 1020u);
	wr32(gic.gicd, GICD_CTLR, 0);
	/* v3: group 1, as the system-register interface takes them; v2:
	 * group 0, as the private interrupts (gicv2_cpu_init). */
	for (unsigned i = 32; i < gic.nr_irqs; i += 32) {
		wr32(gic.gicd, GICD_ICENABLER + i / 8, 0xffffffff);
		wr32(gic.gicd, GICD_IGROUPR + i / 8,
		     gic.version == 3 ? 0xffffffff : 0);
	}
	for (unsigned i = 32; i < gic.nr_irqs; i += 4)
		wr32(gic.gicd, GICD_IPRIORITYR + i, 0xa0a0a0a0);
	/* v3: affinity routing, group 1 (non-secure view when DS=0);
	 * v2: group 0 and 1 forwarding. */
	wr32(gic.gicd, GICD_CTLR, gic.version == 3 ? (1u << 4 | 3u) : 3u);
	pr_info("host GICv%u, %u interrupt lines", gic.version, gic.nr_irqs);
}

/* v3: finds this CPU's redistributor by its affinity and wakes it. */
static volatile uint8_t *gicv3_find_rd(uint64_t mpidr)
{
	uint32_t aff =
		(uint32_t)((mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 24);

	for (size_t off = 0; off + GICR_STRIDE <= gic.gicr_size;
	     off += GICR_STRIDE) {
		uint64_t typer =
			*(volatile uint64_t *)(gic.gicr + off + GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			return gic.gicr + off;
		if (typer & (1u << 4)) /* Last */
			break;
	}
	return NULL;
}

/* v3: the ICC_SGI1R_EL1 value that sends the IPI to the CPU 'mpidr'
 * (worked out once: each kick sends one). */
static uint64_t sgi1r_of(uint64_t mpidr)
{
	return (mpidr & 0xff00ull) << 8 |        /* Aff1 */
	       (mpidr & 0xff0000ull) << 16 |     /* Aff2 */
	       (mpidr & 0xff00000000ull) << 16 | /* Aff3 */
	       (uint64_t)HAL_IPI_IRQ << 24 | 1ull << (mpidr & 0xf);
}

static void gicv3_cpu_init(void)
{
	unsigned cpu = this_cpu_id();
	volatile uint8_t *rd = gicv3_find_rd(read_sysreg(mpidr_el1));

	if (!rd)
		panic("no GIC redistributor for CPU %u", cpu);
	gic.rd[cpu] = rd;
	gic.ipi_sgi1r[cpu] = sgi1r_of(read_sysreg(mpidr_el1));
	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~2u);
	while (rd32(rd, GICR_WAKER) & 4u)
		;
	wr32(rd, GICR_SGI + GICD_IGROUPR, 0xffffffff);
	wr32(rd, GICR_SGI + GICD_ICENABLER, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(rd, GICR_SGI + GICD_IPRIORITYR + i, 0xa0a0a0a0);
	wr32(rd, GICR_SGI + GICD_ISENABLER,
	     1u << HAL_IPI_IRQ | 1u << HAL_TIMER_IRQ);
	/* System-register interface for EL2 and, virtualised, for EL1. */
	write_sysreg(S3_4_C12_C9_5, 0xf); /* ICC_SRE_EL2: SRE|Enable */
	isb();
	write_sysreg(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	write_sysreg(S3_0_C12_C12_4, 2);  /* ICC_CTLR_EL1: EOImode 1 */
	write_sysreg(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	isb();
}

static void gicv2_cpu_init(void)
{
	wr32(gic.gicd, GICD_IGROUPR, 0);
	wr32(gic.gicd, GICD_ICENABLER, 0xffffffff);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(gic.gicd, GICD_IPRIORITYR + i, 0xa0a0a0a0);
	wr32(gic.gicd, GICD_ISENABLER, 1u << HAL_IPI_IRQ | 1u << HAL_TIMER_IRQ);
	wr32(gic.gicc, GICC_PMR, 0xff);
	wr32(gic.gicc, GICC_CTLR, 1 | GICC_CTLR_EOIMODE);
}

void hal_irqchip_cpu_init(void)
{
	if (gic.version == 3)
		gicv3_cpu_init();
	else
		gicv2_cpu_init();
}

void hal_irqchip_enable(unsigned irq, unsigned cpu)
{
	if (irq < 32 || irq >= gic.nr_irqs)
		return;
	if (gic.version == 3)
		*(volatile uint64_t *)(gic.gicd + GICD_IROUTER + irq * 8) =
			percpu_data[cpu].hwid;
	else
		gic.gicd[GICD_ITARGETSR + irq] = (uint8_t)(1u << cpu);
	wr32(gic.gicd, GICD_ISENABLER + irq / 32 * 4, 1u << (irq % 32));
}

void hal_irqchip_disable(unsigned irq)
{
	if (irq < gic.nr_irqs && irq >= 32)
		wr32(gic.gicd, GICD_ICENABLER + irq / 32 * 4, 1u << (irq % 32));
}

unsigned hal_irqchip_ack(void)
{
	unsigned irq;

	if (gic.version == 3) {
		irq = (unsigned)read_sysreg(S3_0_C12_C12_0) &
		      0xffffff; /* IAR1 */
		dsb(sy);
	} else {
		irq = rd32(gic.gicc, GICC_IAR) & 0x3ff;
	}
	return irq >= 1020 ? HAL_IRQ_NONE : irq;
}

/* EOImode 1: the EOI drops the running priority, and the deactivation
 * is a second write, left out for an interrupt a guest deactivates. */
void hal_irqchip_eoi(unsigned irq)
{
	bool *keep = &leave_active[this_cpu_id()];

	if (gic.version == 3) {
		write_sysreg(S3_0_C12_C12_1, irq); /* ICC_EOIR1_EL1 */
		if (likely(!*keep))
			write_sysreg(S3_0_C12_C11_1, irq); /* ICC_DIR_EL1 */
		isb();
	} else {
		wr32(gic.gicc, GICC_EOIR, irq);
		if (likely(!*keep))
			wr32(gic.gicc, GICC_DIR, irq);
	}
	*keep = false;
}

void gic_eoi_ipi(void)
{
	if (gic.version != 3) {
		hal_irqchip_eoi(HAL_IPI_IRQ);
		return;
	}
	write_sysreg(S3_0_C12_C12_1, HAL_IPI_IRQ); /* ICC_EOIR1_EL1 */
	write_sysreg(S3_0_C12_C11_1, HAL_IPI_IRQ); /* ICC_DIR_EL1 */
	isb();
}

void hal_irqchip_send_ipi(unsigned cpu)
{
	dsb(ishst);
	if (gic.version == 3) {
		write_sysreg(S3_0_C12_C11_5, gic.ipi_sgi1r[cpu]); /* SGI1R */
		isb();
	} else {
		wr32(gic.gicd, GICD_SGIR, 1u << (16 + cpu) | HAL_IPI_IRQ);
	}
}

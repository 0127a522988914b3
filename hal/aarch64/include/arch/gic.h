/* What the VMM needs to know of the host GIC to virtualise it. */
#ifndef ARCH_GIC_H
#define ARCH_GIC_H

#include <arch/sysreg.h>
#include <hal/hal.h>
#include <kernel/types.h>

#define GIC_MAINT_IRQ 25u /* virtual CPU interface maintenance PPI */

/* 2 or 3. */
unsigned hal_gic_version(void);
/* Host interrupt lines (INTIDs below 1020). */
unsigned hal_gic_nr_irqs(void);
/* GICv2: the hypervisor control (GICH) and virtual CPU interface (GICV)
 * frames; false when the DTB gave none. */
bool hal_gic_v2_virt_frames(paddr_t *gich, paddr_t *gicv, uint64_t *gicv_size);
/* Enables or disables private interrupt 'irq' (SGI/PPI) on this CPU. */
void hal_irqchip_set_local(unsigned irq, bool enable);
/* Sets or clears the active state of private interrupt 'irq' on this
 * CPU: a forwarded timer PPI is active while its guest holds it. */
void gic_set_active_local(unsigned irq, bool active);
/* Called by the handler of a host interrupt it forwards to the loaded
 * vCPU with a list register's hardware link: the interrupt stays active
 * after its EOI, until the guest deactivates its virtual twin. */
void gic_leave_active(void);
/* Ends the host IPI (HAL_IPI_IRQ) this CPU acknowledged, for the exit
 * path that handles it itself: its EOI and deactivation (its handler
 * never leaves it active), without hal_irqchip_eoi()'s checks. */
void gic_eoi_ipi(void);

/* A GICv3 host (its CPU interface in system registers): set once, at
 * boot. */
extern bool gic_sysregs;

/* hal_irqchip_ack() and gic_eoi_ipi() inline on a GICv3 host, for the
 * exit path that handles the IPI itself (vcpu_arch_irq): no call. */
static inline unsigned gic_ack_inline(void)
{
	unsigned irq;

	if (!gic_sysregs)
		return hal_irqchip_ack();
	irq = (unsigned)read_sysreg(S3_0_C12_C12_0) & 0xffffff; /* IAR1 */
	dsb(sy);
	return irq >= 1020 ? HAL_IRQ_NONE : irq;
}

static inline void gic_eoi_ipi_inline(void)
{
	if (!gic_sysregs) {
		gic_eoi_ipi();
		return;
	}
	write_sysreg(S3_0_C12_C12_1, HAL_IPI_IRQ); /* ICC_EOIR1_EL1 */
	write_sysreg(S3_0_C12_C11_1, HAL_IPI_IRQ); /* ICC_DIR_EL1 */
	isb();
}

#endif

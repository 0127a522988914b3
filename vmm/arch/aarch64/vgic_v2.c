/* GICv2 virtual CPU interface: the list registers of the GICH frame, and
 * the guest's GICC, which is the host's GICV frame mapped into the VM. */
#include <arch/gic.h>
#include <kernel/log.h>
#include <arch/vgic.h>
#include "virt_platform.h"
#include "vmm_aarch64.h"

#define GICH_HCR    0x000
#define GICH_VTR    0x004
#define GICH_VMCR   0x008
#define GICH_EISR0  0x020
#define GICH_ELRSR0 0x030
#define GICH_APR    0x0f0
#define GICH_LR     0x100

static volatile uint32_t *gich;
static volatile uint32_t *gicv; /* the GICV frame, for gicc_read/write */
static paddr_t gicv_base;
static uint64_t gicv_size;

static inline uint32_t gich_rd(unsigned off)
{
	return gich[off / 4];
}
static inline void gich_wr(unsigned off, uint32_t v)
{
	gich[off / 4] = v;
}

/* v2 list register <-> the v3 layout vgic.c works with. With the
 * hardware bit (31), bits 19:10 are the host INTID instead of the EOI
 * bit and the SGI's source CPU. */
#define V2_LR_HW (1u << 31)

static uint32_t lr_to_v2(uint64_t lr)
{
	uint32_t v = (uint32_t)(lr >> LR_PRIO_SHIFT & 0xf8) << 20 | /* prio */
		     (uint32_t)(lr >> 62) << 28 |
		     ((lr & LR_GROUP1) ? 1u << 30 : 0);

	if (lr & LR_HW)
		return v | V2_LR_HW | (uint32_t)(lr & 0x3ff) |
		       (uint32_t)(lr >> LR_PINTID_SHIFT & 0x3ff) << 10;
	return v | (uint32_t)(lr & 0x1fff) | /* vINTID, CPUID */
	       ((lr & LR_EOI) ? 1u << 19 : 0);
}

static uint64_t lr_from_v2(uint32_t v)
{
	uint64_t lr = (uint64_t)(v >> 20 & 0xf8) << LR_PRIO_SHIFT |
		      (uint64_t)(v >> 28 & 3) << 62 |
		      ((v & (1u << 30)) ? LR_GROUP1 : 0);

	if (v & V2_LR_HW)
		return lr | LR_HW | (v & 0x3ff) |
		       (uint64_t)(v >> 10 & 0x3ff) << LR_PINTID_SHIFT;
	return lr | (v & 0x1fff) | ((v & (1u << 19)) ? LR_EOI : 0);
}

static void v2_write_lr(unsigned i, uint64_t lr)
{
	gich_wr(GICH_LR + 4 * i, lr_to_v2(lr));
}
static uint64_t v2_read_lr(unsigned i)
{
	return lr_from_v2(gich_rd(GICH_LR + 4 * i));
}
static uint32_t v2_empty_lrs(void)
{
	return gich_rd(GICH_ELRSR0);
}
static uint32_t v2_eoi_lrs(void)
{
	return gich_rd(GICH_EISR0);
}
static void v2_write_hcr(uint32_t hcr)
{
	gich_wr(GICH_HCR, hcr);
}
static uint32_t v2_read_vmcr(void)
{
	return gich_rd(GICH_VMCR);
}

/* GICv2 has no trap for its CPU interface, and the guest's GICC is the
 * GICV frame mapped in stage 2: GICC_IAR's page, the first, is unmapped
 * from the VM's stage 2 while any of its vCPUs traps. Its accesses are
 * forwarded meanwhile (gicc_read/write), by the pCPU of the vCPU that
 * made them, to the same frame. */
static void v2_trap_ack(struct vcpu *v, bool on, bool loaded)
{
	struct vgic *g = v->vm->arch.vgic;

	(void)loaded; /* unmapping happens loaded (its TLBI) */
	spin_lock(&g->ack_lock);
	bool was_trapping = g->ack_traps != 0;
	g->ack_traps = on ? g->ack_traps + 1 : g->ack_traps - 1;
	if (was_trapping != (g->ack_traps != 0))
		stage2_page_set_valid(&v->vm->as.s2, VIRT_GICC_BASE,
				      g->ack_traps == 0);
	spin_unlock(&g->ack_lock);
}

static void v2_load(struct vgic_cpu *c)
{
	for (unsigned i = 0; i < vgic_hw->nr_lrs; i++)
		gich_wr(GICH_LR + 4 * i, lr_to_v2(c->lr[i]));
	gich_wr(GICH_APR, c->apr1[0]);
	gich_wr(GICH_VMCR, c->vmcr);
	gich_wr(GICH_HCR, c->hcr);
}

static void v2_put(struct vgic_cpu *c)
{
	for (unsigned i = 0; i < vgic_hw->nr_lrs; i++)
		c->lr[i] = lr_from_v2(gich_rd(GICH_LR + 4 * i));
	c->apr1[0] = gich_rd(GICH_APR);
	c->vmcr = gich_rd(GICH_VMCR);
	gich_wr(GICH_HCR, 0);
}

static struct vgic_hw v2_hw = {
	.write_lr = v2_write_lr,
	.read_lr = v2_read_lr,
	.empty_lrs = v2_empty_lrs,
	.eoi_lrs = v2_eoi_lrs,
	.write_hcr = v2_write_hcr,
	.read_vmcr = v2_read_vmcr,
	.trap_ack = v2_trap_ack,
	.load = v2_load,
	.put = v2_put,
};

int vgic_v2_probe(void)
{
	paddr_t h;

	if (!hal_gic_v2_virt_frames(&h, &gicv_base, &gicv_size)) {
		pr_error("host GICv2 without virtualisation frames (GICH, "
			 "GICV): VMs get no interrupts");
		return -1;
	}
	gich = pa_to_ptr(h);
	gicv = pa_to_ptr(gicv_base);
	v2_hw.nr_lrs =
		MIN((gich_rd(GICH_VTR) & 0x3f) + 1, (unsigned)VGIC_MAX_LRS);
	vgic_hw = &v2_hw;
	pr_info("vGICv2: %u list registers", v2_hw.nr_lrs);
	return 0;
}

/* The guest's GICC while its first page is unmapped (v2_trap_ack): the
 * timers' levels are sampled first, as for a trapped acknowledge on v3,
 * then the access is made. Its registers are all 32-bit. */
static bool gicc_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	if (width != 4)
		return vgic_odd_access(ctx, "GICC", off, width, false, val);
	vgic_sample_levels(vcpu_loaded());
	*val = gicv[off / 4];
	return true;
}

static bool gicc_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	if (width != 4)
		return vgic_odd_access(ctx, "GICC", off, width, true, &val);
	vgic_sample_levels(vcpu_loaded());
	gicv[off / 4] = (uint32_t)val;
	return true;
}

int vgic_v2_map_cpu_interface(struct vm *vm)
{
	/* The guest's GICC is the GICV frame itself: its accesses exit
	 * only while acknowledges trap (gicc_read/write answer them then).
	 * 8 KiB: GICC_DIR lives in the second page. */
	uint64_t size = MIN(gicv_size, 0x2000ull);
	struct io_device dev = {
		.name = "gicc",
		.base = VIRT_GICC_BASE,
		.size = size,
		.ctx = vm,
		.read = gicc_read,
		.write = gicc_write,
	};

	if (stage2_map(&vm->as.s2, VIRT_GICC_BASE, gicv_base, size,
		       S2_READ | S2_WRITE | S2_DEVICE) ||
	    !io_register(&vm->mmio, &dev)) {
		pr_error("VM %s: cannot map its GIC CPU interface", vm->name);
		return -1;
	}
	return 0;
}

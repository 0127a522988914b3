/* The emulated GICv3 redistributors: one pair of 64 KiB frames per vCPU
 * (RD_base, then SGI_base with the private interrupts' registers), laid
 * out from the guest's 0x080A_0000 as on QEMU's virt machine. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <arch/vgic.h>
#include "virt_platform.h"
#include "vmm_aarch64.h"

#define GICR_SGI_BASE 0x10000

#define GICR_CTLR  0x0000
#define GICR_IIDR  0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

struct vgicr {
	struct vm *vm;
};

static uint64_t gicr_typer(struct vcpu *v)
{
	uint64_t h = v->hwid;
	uint64_t aff = (h >> 32 & 0xff) << 24 | (h & 0xffffff);

	return aff << 32 | (uint64_t)v->id << 8 |
	       (v->id == v->vm->vcpu_count - 1 ? 1u << 4 : 0); /* Last */
}

static bool rd_read(struct vcpu *v, uint64_t off, unsigned width, uint64_t *val)
{
	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		if (off & (width - 1) || width < 4)
			return false;
		uint64_t t = gicr_typer(v);
		*val = width == 8 ? t : (uint32_t)(t >> (off & 4 ? 32 : 0));
		return true;
	}
	if (width != 4 || (off & 3))
		return false;
	switch (off) {
	case GICR_IIDR:
		*val = 0x43b;
		return true;
	case GICR_WAKER:
		*val = v->arch.vgic.rd_asleep ?
			       WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP :
			       0;
		return true;
	case GICR_PIDR2:
		*val = 0x3b; /* GICv3 */
		return true;
	}
	*val = 0; /* CTLR (no LPIs), STATUSR, reserved */
	return true;
}

static bool gicr_access(void *ctx, uint64_t off, unsigned width, bool write,
			uint64_t *val)
{
	struct vgicr *r = ctx;
	unsigned idx = (unsigned)(off / VIRT_GICR_STRIDE);
	struct vcpu *v;

	if (idx >= r->vm->vcpu_count)
		return false;
	v = r->vm->vcpus[idx];
	off %= VIRT_GICR_STRIDE;
	if (off >= GICR_SGI_BASE)
		return vgic_irq_regs_access(v, 0, VGIC_NR_PRIVATE,
					    off - GICR_SGI_BASE, width, write,
					    val);
	if (!write)
		return rd_read(v, off, width, val);
	if (width != 4 && !(width == 8 && off == GICR_TYPER))
		return false;
	if (off == GICR_WAKER)
		v->arch.vgic.rd_asleep = *val & WAKER_PROCESSOR_SLEEP;
	return true; /* CTLR, read-only and reserved: ignored */
}

static bool gicr_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vgicr *r = ctx;

	return gicr_access(r, off, width, false, val) ||
	       (off / VIRT_GICR_STRIDE < r->vm->vcpu_count &&
		vgic_odd_access(r->vm, "GICR", off, width, false, val));
}

static bool gicr_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vgicr *r = ctx;

	return gicr_access(r, off, width, true, &val) ||
	       (off / VIRT_GICR_STRIDE < r->vm->vcpu_count &&
		vgic_odd_access(r->vm, "GICR", off, width, true, &val));
}

int vgic_redist_create(struct vm *vm)
{
	struct vgicr *r = kzalloc(sizeof(*r));

	if (!r)
		return -1;
	r->vm = vm;
	struct io_device dev = {
		.name = "gicr",
		.base = VIRT_GICR_BASE,
		.size = (uint64_t)vm->cfg->cpu_num * VIRT_GICR_STRIDE,
		.ctx = r,
		.read = gicr_read,
		.write = gicr_write,
		.destroy = kfree,
	};
	if (!io_register(&vm->mmio, &dev)) {
		kfree(r);
		return -1;
	}
	return 0;
}

/* The VM's ACPI PM block where q35's ICH9 has it (PMBASE 0x600): PM1a
 * event status and enable (0x600, 0x602), PM1a control (0x604; a write
 * with SLP_EN powers the VM off, decoded on the exit path in vcpu.c as
 * S5: QEMU's _S5 is SLP_TYP 0) and the 24-bit PM timer at 3.579545 MHz
 * (0x608), from the host's TSC. The guest finds it through ACPI tables,
 * which cvisor does not write yet (docs/x86_64.md). */
#include <hal/hal.h>
#include <kernel/mm.h>
#include <vmm/io_bus.h>
#include "svm.h"

#define PM_TIMER_HZ 3579545ull
#define OFF_STS     0
#define OFF_EN      2
#define OFF_CNT     4
#define OFF_TMR     8

struct vpm {
	uint16_t sts, en, cnt;
	uint64_t ticks_per_tsc; /* 32.32 */
};

static bool pm_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vpm *p = ctx;

	if (off == OFF_TMR && width == 4) {
		uint64_t t = (uint64_t)(((unsigned __int128)hal_timer_now() *
					 p->ticks_per_tsc) >>
					32);
		*val = t & 0xffffff;
		return true;
	}
	if (width != 2)
		return false;
	*val = off == OFF_STS ? p->sts :
	       off == OFF_EN  ? p->en :
	       off == OFF_CNT ? p->cnt :
				0;
	return true;
}

static bool pm_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vpm *p = ctx;

	if (width != 2)
		return false;
	if (off == OFF_STS)
		p->sts &= (uint16_t)~val; /* write one to clear */
	else if (off == OFF_EN)
		p->en = (uint16_t)val;
	else if (off == OFF_CNT)
		p->cnt = (uint16_t)(val & ~X86_PM1_SLP_EN);
	return true;
}

static void pm_reset(void *ctx)
{
	struct vpm *p = ctx;

	p->sts = p->en = p->cnt = 0;
}

static void pm_destroy(void *ctx)
{
	kfree(ctx);
}

int vpm_create(struct vm *vm)
{
	struct vpm *p = kzalloc(sizeof(*p));

	if (!p)
		return -1;
	p->ticks_per_tsc = (PM_TIMER_HZ << 32) / hal_timer_freq();
	struct io_device d = {
		.name = "acpi-pm",
		.base = X86_PM_BASE,
		.size = 12,
		.ctx = p,
		.read = pm_read,
		.write = pm_write,
		.reset = pm_reset,
		.destroy = pm_destroy,
	};
	if (!io_register(&vm->pio, &d)) {
		kfree(p);
		return -1;
	}
	return 0;
}

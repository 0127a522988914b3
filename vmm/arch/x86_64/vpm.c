/* The VM's ACPI PM block where q35's ICH9 has it (PMBASE 0x600): PM1a
 * event status and enable (0x600, 0x602), PM1a control (0x604; a write
 * with SLP_EN powers the VM off, decoded on the exit path in vcpu.c as
 * S5: QEMU's _S5 is SLP_TYP 0) and the 24-bit PM timer at 3.579545 MHz
 * (0x608), from the host's TSC. The guest finds it through the FADT
 * (acpi_tables.c).
 *
 * Its one event is the fixed-feature power button: a press sets
 * PWRBTN_STS (write one to clear), and the SCI, ISA IRQ 9 (level, active
 * high, as the MADT's override says), is up while a status bit is set
 * with its enable bit. SCI_EN reads set: the FADT has no SMI_CMD, so
 * the VM is always in ACPI mode. */
#include <hal/hal.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/io_bus.h>
#include <vmm/vm.h>
#include "svm.h"

#define PM_TIMER_HZ 3579545ull
#define OFF_STS     0
#define OFF_EN      2
#define OFF_CNT     4
#define OFF_TMR     8
#define PWRBTN      (1u << 8) /* PM1 status PWRBTN_STS, enable PWRBTN_EN */
#define SCI_EN      (1u << 0) /* PM1 control */
#define SCI_IRQ     9

struct vpm {
	struct vm *vm;
	spinlock_t lock; /* sts, en and the SCI's level */
	uint16_t sts, en, cnt;
	uint64_t ticks_per_tsc; /* 32.32 */
};

/* The SCI follows status and enable; lock held. */
static void sci_update(struct vpm *p)
{
	vm_arch_set_irq_line(p->vm, SCI_IRQ, (p->sts & p->en & PWRBTN) != 0);
}

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
	spin_lock(&p->lock);
	*val = off == OFF_STS ? p->sts :
	       off == OFF_EN  ? p->en :
	       off == OFF_CNT ? p->cnt :
				0;
	spin_unlock(&p->lock);
	return true;
}

static bool pm_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vpm *p = ctx;

	if (width != 2)
		return false;
	spin_lock(&p->lock);
	if (off == OFF_STS)
		p->sts &= (uint16_t)~val; /* write one to clear */
	else if (off == OFF_EN) /* kept as written: ACPICA reads it back */
		p->en = (uint16_t)val;
	else if (off == OFF_CNT)
		p->cnt = (uint16_t)((val & ~X86_PM1_SLP_EN) | SCI_EN);
	sci_update(p);
	spin_unlock(&p->lock);
	return true;
}

static void pm_reset(void *ctx)
{
	struct vpm *p = ctx;

	spin_lock(&p->lock);
	p->sts = p->en = 0;
	p->cnt = SCI_EN;
	sci_update(p);
	spin_unlock(&p->lock);
}

void vpm_power_button(struct vm *vm, bool pressed)
{
	struct vpm *p = vm->arch.pm;

	if (!pressed)
		return; /* the status stays set until the guest clears it */
	spin_lock(&p->lock);
	p->sts |= PWRBTN;
	sci_update(p);
	spin_unlock(&p->lock);
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
	p->vm = vm;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	p->cnt = SCI_EN;
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
	vm->arch.pm = p;
	return 0;
}

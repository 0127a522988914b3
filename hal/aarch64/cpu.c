/* aarch64 CPU set-up at EL2, task contexts, and fault reports. */
#include <arch/sysreg.h>
#include <hal/hal.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include "aarch64.h"

void arch_task_start(void);

void hal_set_percpu(void *p)
{
	write_sysreg(tpidr_el2, (uint64_t)p);
}

void hal_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

void hal_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

void hal_wait_for_interrupt(void)
{
	dsb(sy);
	__asm__ volatile("wfi" ::: "memory");
}

void hal_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

void hal_context_init(struct hal_context *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	for (int i = 0; i < 12; i++)
		ctx->x19_x30[i] = 0;
	ctx->x19_x30[0] = (uint64_t)entry;
	ctx->x19_x30[1] = (uint64_t)arg;
	ctx->x19_x30[11] = (uint64_t)arch_task_start; /* x30: return address */
	ctx->sp = (uint64_t)stack_top;
}

void hal_cpu_init(unsigned cpu)
{
	(void)cpu;
	arch_mmu_enable();
	/* The rest of HCR_EL2 is set per vCPU on entry. */
	write_sysreg(hcr_el2, HCR_HOST);
	/* Trap SVE and SME until they are context-switched, and the
	 * trace and activity-monitor registers; FP/SIMD is not trapped
	 * (cvisor itself never uses it). */
	write_sysreg(cptr_el2, CPTR_EL2_DEFAULT);
	/* Debug, PMU and trace registers are not the guests': they trap,
	 * and vmm/arch/aarch64/sysreg.c answers. */
	write_sysreg(mdcr_el2,
		     (read_sysreg(mdcr_el2) & MDCR_EL2_HPMN) | MDCR_EL2_TRAPS);
	/* EL1 physical timer and counter accessible to the guest. */
	write_sysreg(cnthctl_el2, 3);
	write_sysreg(cntvoff_el2, 0);
	isb();
}

static const char *const fault_kinds[] = {
	"sync (SP_EL0)",
	"IRQ (SP_EL0)",
	"FIQ (SP_EL0)",
	"SError (SP_EL0)",
	"synchronous exception",
	"IRQ",
	"FIQ",
	"SError",
	"",
	"",
	"",
	"",
	"AArch32 sync",
	"AArch32 IRQ",
	"AArch32 FIQ",
	"AArch32 SError",
};

/* An exception cvisor did not expect in itself: report and stop. */
void arch_el2_fault(uint64_t *frame, uint64_t kind)
{
	uint64_t esr = read_sysreg(esr_el2);

	console_printf("\n[cvisor] unexpected %s at EL2\n"
		       "  ESR_EL2 %016llx (EC %#llx)  ELR_EL2 %016llx\n"
		       "  FAR_EL2 %016llx  SPSR_EL2 %016llx  LR %016llx\n",
		       fault_kinds[kind & 15], (unsigned long long)esr,
		       (unsigned long long)ESR_EC(esr),
		       (unsigned long long)frame[31],
		       (unsigned long long)read_sysreg(far_el2),
		       (unsigned long long)frame[32],
		       (unsigned long long)frame[30]);
	panic("stopping after an exception in cvisor");
}

void arch_boot_primary(uint64_t dtb)
{
	arch_boot_dtb = dtb;
	kernel_main();
}

void arch_boot_secondary(uint64_t cpu)
{
	kernel_secondary_main((unsigned)cpu);
}

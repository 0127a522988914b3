/* riscv64 CPU set-up in HS-mode, task contexts, and fault reports. */
#include <hal/hal.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include "riscv64.h"

void arch_task_start(void);

uint64_t arch_boot_dtb;
uint64_t arch_boot_hartid;

void hal_set_percpu(void *p)
{
	__asm__ volatile("mv tp, %0" ::"r"(p) : "memory");
}

void hal_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

void hal_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

/* wfi resumes once an interrupt enabled in sie is pending, whatever
 * sstatus.SIE says; the caller then unmasks to take it. */
void hal_wait_for_interrupt(void)
{
	__asm__ volatile("fence iorw, iorw\n\twfi" ::: "memory");
}

/* Zihintpause's PAUSE (a FENCE with pred = W, succ = 0): a hint, and a
 * harmless fence on harts without the extension. */
void hal_cpu_relax(void)
{
	__asm__ volatile(".word 0x0100000f" ::: "memory");
}

void hal_context_init(struct hal_context *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	for (int i = 0; i < 12; i++)
		ctx->s[i] = 0;
	ctx->s[0] = (uint64_t)entry;
	ctx->s[1] = (uint64_t)arg;
	ctx->ra = (uint64_t)arch_task_start;
	ctx->sp = (uint64_t)stack_top;
}

void hal_cpu_init(unsigned cpu)
{
	(void)cpu;
	this_cpu()->arch.hartid = this_cpu()->hwid;
	/* sscratch = 0 means "running in HS-mode"; guest entry will keep
	 * the per-CPU pointer there while tp holds the guest's. */
	csr_write(sscratch, 0);
	arch_mmu_enable();
}

static const char *const exception_names[] = {
	"instruction address misaligned",
	"instruction access fault",
	"illegal instruction",
	"breakpoint",
	"load address misaligned",
	"load access fault",
	"store address misaligned",
	"store access fault",
	"ecall from U-mode",
	"ecall from HS-mode",
	"ecall from VS-mode",
	"ecall from M-mode",
	"instruction page fault",
	"load page fault",
	"reserved",
	"store page fault",
	"",
	"",
	"",
	"",
	"instruction guest-page fault",
	"load guest-page fault",
	"virtual instruction",
	"store guest-page fault",
};

/* An exception cvisor did not expect in itself: report and stop.
 * 'frame' is laid out by trap.S: x0-x31, sepc, sstatus, scause, stval. */
void arch_trap_fault(uint64_t *frame)
{
	uint64_t cause = frame[34];
	const char *name = cause < ARRAY_SIZE(exception_names) ?
				   exception_names[cause] :
				   "";

	console_printf("\n[cvisor] unexpected exception in HS-mode: %s\n"
		       "  scause %016llx  sepc %016llx  stval %016llx\n"
		       "  ra %016llx  sp %016llx  sstatus %016llx\n",
		       *name ? name : "unknown", (unsigned long long)cause,
		       (unsigned long long)frame[32],
		       (unsigned long long)frame[35],
		       (unsigned long long)frame[1],
		       (unsigned long long)frame[2],
		       (unsigned long long)frame[33]);
	panic("stopping after an exception in cvisor");
}

void arch_boot_primary(uint64_t hartid, uint64_t dtb)
{
	arch_boot_hartid = hartid;
	arch_boot_dtb = dtb;
	kernel_main();
}

void arch_boot_secondary(uint64_t cpu, uint64_t hartid)
{
	(void)hartid;
	kernel_secondary_main((unsigned)cpu);
}

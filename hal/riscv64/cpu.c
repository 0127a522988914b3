/* riscv64 CPU set-up in HS-mode, task contexts, and fault reports. */
#include <arch/hart_call.h>
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

/* Set by hal_cpu_start once a second hart is asked for: from then on a
 * spin-wait gives the emulated hart's turn away (below). */
bool arch_smp_yield;

/* Gives QEMU's single-threaded round-robin loop a turn's end, for QEMU
 * 7.2 with -icount and more than one hart (-icount forces the one TCG
 * thread). There each hart is run in turn with a budget of all the
 * instructions up to the next QEMU_CLOCK_VIRTUAL deadline
 * (accel/tcg/tcg-accel-ops-icount.c, icount_prepare_for_run:
 * "cpu->icount_budget = icount_get_limit();"). A hart that never halts
 * spends all of it, so the virtual clock stands at that deadline when
 * the next hart's turn comes: its budget is 0, cpu_exec() leaves at once
 * (accel/tcg/cpu-exec.c, cpu_handle_interrupt: exit when
 * "icount_decr.u16.low + cpu->icount_extra == 0"), and the round-robin
 * loop (tcg-accel-ops-rr.c, rr_cpu_thread_fn) starts over at first_cpu.
 * A hart after a spinning one never runs another instruction: hart 1
 * stays in OpenSBI's cold-boot WFI while hart 0 spins in smp_boot for
 * it, or could never release a lock or answer a remote fence hart 0
 * spins on. Only a WFI ends a turn early (target/riscv/op_helper.c,
 * helper_wfi: halted = 1, EXCP_HLT, even with an interrupt pending), and
 * the next hart then gets what is left of the budget. Later QEMU splits
 * the budget between the harts (rr_cpu_count, icount_percpu_budget).
 *
 * So, once there are other harts: raise our own SSIP (a software
 * interrupt, enabled in sie on every hart by hal_irqchip_cpu_init) and
 * WFI with interrupts masked. The WFI returns at once on any hart, real
 * or emulated, as an enabled interrupt is pending; SSIP is left pending
 * (clearing it could lose an IPI that came meanwhile) and is taken as a
 * spurious kick once unmasked, which sched_kicked() allows. A spin in
 * the firmware cannot be broken so: cvisor asks it for nothing that
 * waits on another hart (hart_call.h). A spinning hart also runs the
 * call another hart waits for (hart_call_service), which may be what
 * it waits for in turn. Before a second hart, Zihintpause's PAUSE (a
 * FENCE with pred = W, succ = 0): a hint, and a harmless fence on harts
 * without the extension. */
void hal_cpu_relax(void)
{
	if (!__atomic_load_n(&arch_smp_yield, __ATOMIC_RELAXED) ||
	    !(csr_read(sie) & SIE_SSIE)) {
		__asm__ volatile(".word 0x0100000f" ::: "memory");
		return;
	}
	hart_call_service();
	uint64_t s = csr_read(sstatus) & SSTATUS_SIE;
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sip, SIE_SSIE);
	__asm__ volatile("wfi" ::: "memory");
	csr_set(sstatus, s);
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

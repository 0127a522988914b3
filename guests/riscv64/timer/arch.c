/* The timer guest on riscv64: SBI TIME's set_timer, then the hart's own
 * stimecmp (Sstc) when the vCPU has it: a read that traps (an illegal
 * instruction: cvisor did not set henvcfg.STCE) says it has not. Then
 * WFI with an IPI pending but disabled in sie: the vCPU must sleep
 * through it until the timer, as a hart does, and take it once enabled. */
#include "timer.h"

#define CSR_STIMECMP 0x14d
#define MASKED_IPI   3u

static void stie_on(void)
{
	csr_set(sie, SIE_STIE);
}
static void sbi_arm(uint64_t cval)
{
	guest_sbi(SBI_EXT_TIME, 0, cval, 0, 0);
}
static void sbi_stop(void)
{
	guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
}
static void sstc_arm(uint64_t cval)
{
	csr_write(0x14d, cval);
}
static void sstc_stop(void)
{
	csr_write(0x14d, UINT64_MAX);
}

const struct timer_src timer_srcs[] = {
	{ "SBI set_timer", GUEST_IRQ_STIMER, stie_on, sbi_arm, sbi_stop },
	{ "Sstc stimecmp", GUEST_IRQ_STIMER, stie_on, sstc_arm, sstc_stop },
};

unsigned timer_arch_sources(void)
{
	uint64_t before = guest_trap.count;

	guest_trap_install();
	(void)csr_read(0x14d);
	if (guest_trap.count != before) {
		guest_puts("timer: no Sstc (reading stimecmp: illegal "
			   "instruction)\n");
		return 1;
	}
	return 2;
}

static volatile unsigned masked_ipis, masked_ticks;
static volatile bool in_masked_wait;

bool timer_arch_irq(unsigned irq)
{
	if (irq == MASKED_IPI) {
		masked_ipis++;
		return true;
	}
	if (in_masked_wait && irq == GUEST_IRQ_STIMER) {
		masked_ticks++;
		sbi_stop();
		return true;
	}
	return false;
}

/* One SBI timer tick 10 periods ahead with an IPI pending whose enable
 * (sie.SSIE) is off: WFI may return only for the tick. Then SSIE on,
 * and the IPI is taken. */
static bool masked_wait(uint64_t period)
{
	unsigned wakeups = 0;

	csr_clear(sie, SIE_SSIE);
	masked_ticks = 0;
	in_masked_wait = true;
	irq_disable();
	guest_ipi_send(guest_cpu_index(), MASKED_IPI);
	stie_on();
	sbi_arm(guest_counter() + 10 * period);
	while (!masked_ticks) {
		wait_irq_masked();
		wakeups++;
	}
	in_masked_wait = false;
	csr_set(sie, SIE_SSIE);
	while (!masked_ipis)
		wait_irq_masked();
	guest_puts("timer: WFI with a disabled IPI pending: ");
	guest_put_dec(wakeups);
	guest_puts(" wakeup(s) before the tick, then the IPI taken\n");
	return wakeups <= 2;
}

bool timer_arch_checks(uint64_t period)
{
	return masked_wait(period);
}

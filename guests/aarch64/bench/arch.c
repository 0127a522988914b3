/* The bench guest's operations on aarch64 (ops.S) and their interrupts:
 * the IPI ping-pong between CPU 0 and CPU 1 (SGIs) and the virtual timer,
 * through the GIC. */
#include "bench.h"

uint64_t bench_null_hypercall(uint64_t n);
uint64_t bench_psci_version(uint64_t n);
uint64_t bench_gicd_typer_read(uint64_t n);
uint64_t bench_uart_write(uint64_t n);
uint64_t bench_ipi_round_trip(uint64_t n);
uint64_t bench_vtimer_irq(uint64_t n);

const struct bench_op bench_ops[] = {
	{ "null_hypercall", bench_null_hypercall, BENCH_ITERS, true, false },
	{ "psci_version", bench_psci_version, BENCH_ITERS, false, false },
	{ "gicd_typer_read", bench_gicd_typer_read, BENCH_ITERS, false, false },
	{ "uart_write", bench_uart_write, BENCH_ITERS, false, false },
	{ "ipi_round_trip", bench_ipi_round_trip, IRQ_ITERS, false, true },
	{ "vtimer_irq", bench_vtimer_irq, IRQ_ITERS, false, false },
};
const unsigned bench_op_count = sizeof(bench_ops) / sizeof(bench_ops[0]);

/* ---- interrupts: the IPI ping-pong and the virtual timer ----
 * CPU 0 pings CPU 1 with SGI_PING; CPU 1's handler answers with SGI_PONG.
 * Both wait for interrupts in WFI (with interrupts masked, then taken),
 * as an idle kernel does, so an idle CPU executes nothing meanwhile. */
#define SGI_PING   1
#define SGI_PONG   2
#define VTIMER_PPI 27

static volatile unsigned pongs, timer_irqs;

#define msr(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static void on_irq(unsigned intid)
{
	switch (intid) {
	case SGI_PING: /* on CPU 1 */
		gic_send_sgi(0, SGI_PONG);
		break;
	case SGI_PONG: /* on CPU 0 */
		pongs++;
		break;
	case VTIMER_PPI:
		msr(cntv_ctl_el0, 0); /* stop it, or its level stays up */
		timer_irqs++;
		break;
	}
}

/* One round trip (ops.S loops around it): ping, wait for the answer. */
void bench_ipi_once(void);
void bench_ipi_once(void)
{
	unsigned want = pongs + 1;

	gic_send_sgi(1, SGI_PING);
	while (pongs != want)
		wait_irq_masked();
}

/* One timer interrupt: arm CNTV with a deadline already past (0), wait,
 * interrupts unmasked, until the handler has run; guest_irq() EOIs it. */
void bench_vtimer_once(void);
void bench_vtimer_once(void)
{
	unsigned want = timer_irqs + 1;

	msr(cntv_cval_el0, 0);
	msr(cntv_ctl_el0, 1);
	irq_enable();
	while (timer_irqs != want)
		;
	irq_disable();
}

static void cpu1_main(unsigned me)
{
	gic_cpu_init(me);
	gic_enable_private(me, SGI_PING);
	irq_disable();
	gic_send_sgi(0, SGI_PONG); /* up */
	for (;;)
		wait_irq_masked();
}

/* Starts CPU 1 for the IPI round trip and waits (in WFI) for its first
 * answer; false if QEMU or cvisor refuse to start it. */
static bool start_cpu1(void)
{
	unsigned want = pongs + 1;

	if (guest_cpu_on(1, 1, cpu1_main) != 0)
		return false;
	while (pongs != want)
		wait_irq_masked();
	return true;
}

bool bench_arch_init(void)
{
	gic_init(on_irq);
	gic_cpu_init(0);
	gic_enable_private(0, SGI_PONG);
	gic_enable_private(0, VTIMER_PPI);
	irq_disable();
	return start_cpu1();
}

uint64_t bench_arch_trap_code(void)
{
	return guest_trap.esr;
}

/* cvisor answers the Debug hypercall with 0 (and logs it); QEMU booting
 * the guest directly answers every HVC as a PSCI call, so with
 * NOT_SUPPORTED (-1) for this number. */
bool bench_arch_under_cvisor(void)
{
	return guest_hypercall(HC_DEBUG, 0xbe7c, 0, 0) == 0;
}

uint64_t bench_arch_counter_hz(void)
{
	return guest_counter_freq();
}

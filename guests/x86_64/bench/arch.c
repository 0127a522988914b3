/* The bench guest's operations on x86_64 (ops.S) and their interrupts,
 * through each vCPU's LAPIC: the IPI ping-pong between vCPU 0 and vCPU 1
 * (both waiting in HLT), and the LAPIC timer, one-shot; both again in
 * x2APIC mode, last (the xAPIC page is not the LAPIC's after it). */
#include "bench.h"

#define REG_LVT_TIMER  0x320
#define REG_TIMER_INIT 0x380
#define REG_DCR        0x3e0
#define IPI_PING       1
#define IPI_PONG       2
#define IPI_X2APIC     3 /* vCPU 1: into x2APIC mode, then a pong */
#define X2APIC_ID      0x802u

uint64_t bench_null_hypercall(uint64_t n);
uint64_t bench_uart_pio_write(uint64_t n);
uint64_t bench_lapic_read(uint64_t n);
uint64_t bench_ipi_round_trip(uint64_t n);
uint64_t bench_lapic_timer_irq(uint64_t n);
uint64_t bench_x2apic_ipi_round_trip(uint64_t n);
uint64_t bench_x2apic_timer_irq(uint64_t n);

const struct bench_op bench_ops[] = {
	{ "null_hypercall", bench_null_hypercall, BENCH_ITERS, true, false },
	{ "uart_pio_write", bench_uart_pio_write, BENCH_ITERS, false, false },
	{ "lapic_read", bench_lapic_read, BENCH_ITERS, false, false },
	{ "ipi_round_trip", bench_ipi_round_trip, IRQ_ITERS, false, true },
	{ "lapic_timer_irq", bench_lapic_timer_irq, IRQ_ITERS, false, false },
	/* Under cvisor only: QEMU 7.2's TCG CPU has no x2APIC. */
	{ "x2apic_ipi_round_trip", bench_x2apic_ipi_round_trip, IRQ_ITERS, true,
	  true },
	{ "x2apic_timer_irq", bench_x2apic_timer_irq, IRQ_ITERS, true, false },
};
const unsigned bench_op_count = sizeof(bench_ops) / sizeof(bench_ops[0]);

static volatile unsigned pongs, timer_irqs;

static void on_irq(unsigned irq)
{
	switch (irq) {
	case IPI_PING: /* on vCPU 1 */
		guest_ipi_send(0, IPI_PONG);
		break;
	case IPI_PONG: /* on vCPU 0 */
		pongs++;
		break;
	case IPI_X2APIC: /* on vCPU 1 */
		guest_x2apic_enable();
		guest_ipi_send(0, IPI_PONG);
		break;
	case GUEST_TIMER_VECTOR:
		timer_irqs++;
		break;
	}
}

/* One round trip: ping, wait (HLT) for the answer. */
void bench_ipi_once(void);
void bench_ipi_once(void)
{
	unsigned want = pongs + 1;

	guest_ipi_send(1, IPI_PING);
	while (pongs != want)
		wait_irq_masked();
}

/* One timer interrupt: a count of 1, waited for with interrupts
 * unmasked until the handler has run. */
void bench_timer_once(void);
void bench_timer_once(void)
{
	unsigned want = timer_irqs + 1;

	LAPIC_REG(REG_TIMER_INIT) = 1;
	irq_enable();
	while (timer_irqs != want)
		;
	irq_disable();
}

/* Both vCPUs into x2APIC mode, once (at the op's first call, which is
 * not measured): vCPU 1 first (it answers in the new mode), then this
 * one. Without an x2APIC, the read of its ID is #GP, which makes the op
 * "n/a" rather than measured in xAPIC mode. */
static void x2apic_on(void)
{
	unsigned want = pongs + 1;

	if (guest_x2apic())
		return;
	guest_ipi_send(1, IPI_X2APIC);
	while (pongs != want)
		wait_irq_masked();
	if (!guest_x2apic_enable())
		(void)rdmsr(X2APIC_ID);
}

void bench_x2apic_ipi_once(void);
void bench_x2apic_ipi_once(void)
{
	x2apic_on();
	bench_ipi_once();
}

void bench_x2apic_timer_once(void);
void bench_x2apic_timer_once(void)
{
	unsigned want = timer_irqs + 1;

	x2apic_on();
	wrmsr(X2APIC_MSR(REG_TIMER_INIT), 1);
	irq_enable();
	while (timer_irqs != want)
		;
	irq_disable();
}

static void cpu1_main(unsigned me)
{
	guest_irq_cpu_init(me);
	irq_disable();
	guest_ipi_send(0, IPI_PONG); /* up */
	for (;;)
		wait_irq_masked();
}

bool bench_arch_init(void)
{
	unsigned want = pongs + 1;

	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	LAPIC_REG(REG_DCR) = 0xb;                      /* divide by 1 */
	LAPIC_REG(REG_LVT_TIMER) = GUEST_TIMER_VECTOR; /* one-shot */
	irq_disable();
	/* Natively the runtime does not start a second CPU (it waits for
	 * one at the TSC rate cvisor's CPUID leaf gives, and QEMU booting
	 * the guest directly ended in a double fault at rip 8): the IPI
	 * round trip is measured under cvisor only. */
	if (!bench_arch_under_cvisor() || guest_cpu_on(1, 1, cpu1_main) != 0)
		return false;
	while (pongs != want)
		wait_irq_masked();
	return true;
}

/* cvisor's CPUID leaf 0x4000_0000 says "cvisorcvisor"; natively (QEMU's
 * TCG) there is no hypervisor leaf. */
bool bench_arch_under_cvisor(void)
{
	uint32_t r[4];

	cpuid(0x40000000u, 0, r);
	return r[1] == 0x73697663u; /* "cvis" */
}

/* Under -icount, QEMU's TSC counts nanoseconds of virtual time
 * (cpu_get_ticks() is icount_get()), natively and under cvisor alike. */
uint64_t bench_arch_counter_hz(void)
{
	return 1000000000ull;
}

uint64_t bench_arch_trap_code(void)
{
	return guest_trap.vector;
}

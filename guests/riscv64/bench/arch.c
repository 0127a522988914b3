/* The bench guest's operations on riscv64 (ops.S) and their interrupts:
 * the IPI ping-pong between vCPU 0 and vCPU 1 (SBI IPIs, taken as SSIP),
 * an IPI to the hart itself, and the timer interrupts: the hart's Sstc
 * stimecmp (no exit under cvisor) and SBI set_timer. */
#include "bench.h"

#define CSR_STIMECMP 0x14d

uint64_t bench_null_hypercall(uint64_t n);
uint64_t bench_sbi_spec_version(uint64_t n);
uint64_t bench_plic_read(uint64_t n);
uint64_t bench_uart_write(uint64_t n);
uint64_t bench_ipi_to_self(uint64_t n);
uint64_t bench_ipi_round_trip(uint64_t n);
uint64_t bench_timer_irq(uint64_t n);
uint64_t bench_sbi_timer_irq(uint64_t n);

const struct bench_op bench_ops[] = {
	{ "null_hypercall", bench_null_hypercall, BENCH_ITERS, true, false },
	{ "sbi_spec_version", bench_sbi_spec_version, BENCH_ITERS, false,
	  false },
	{ "plic_read", bench_plic_read, BENCH_ITERS, false, false },
	{ "uart_write", bench_uart_write, BENCH_ITERS, false, false },
	{ "ipi_to_self", bench_ipi_to_self, IRQ_ITERS, false, false },
	{ "ipi_round_trip", bench_ipi_round_trip, IRQ_ITERS, false, true },
	{ "timer_irq", bench_timer_irq, IRQ_ITERS, false, false },
	{ "sbi_timer_irq", bench_sbi_timer_irq, IRQ_ITERS, false, false },
};
const unsigned bench_op_count = sizeof(bench_ops) / sizeof(bench_ops[0]);

/* vCPU 0 pings vCPU 1 with IPI_PING; vCPU 1's handler answers with
 * IPI_PONG. Both wait for interrupts in WFI (masked, then taken), as an
 * idle kernel does. */
#define IPI_SELF 0
#define IPI_PING 1
#define IPI_PONG 2

static volatile unsigned ipis, pongs, timer_irqs;
static volatile bool sbi_timer;

static void on_irq(unsigned irq)
{
	switch (irq) {
	case IPI_SELF:
		ipis++;
		break;
	case IPI_PING: /* on vCPU 1 */
		guest_ipi_send(0, IPI_PONG);
		break;
	case IPI_PONG: /* on vCPU 0 */
		pongs++;
		break;
	case GUEST_IRQ_STIMER:
		/* Stop it, or its level stays up. */
		if (sbi_timer)
			guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
		else
			csr_write(0x14d, UINT64_MAX);
		timer_irqs++;
		break;
	}
}

/* One IPI to ourselves, waited for in WFI and taken. */
void bench_ipi_once(void);
void bench_ipi_once(void)
{
	unsigned want = ipis + 1;

	guest_ipi_send(0, IPI_SELF);
	while (ipis != want)
		wait_irq_masked();
}

/* One round trip (ops.S loops around it): ping, wait for the answer. */
void bench_ipi_round_trip_once(void);
void bench_ipi_round_trip_once(void)
{
	unsigned want = pongs + 1;

	guest_ipi_send(1, IPI_PING);
	while (pongs != want)
		wait_irq_masked();
}

/* One timer interrupt: a deadline already past (0), waited for with
 * interrupts unmasked until the handler has run. */
void bench_stimecmp_once(void);
void bench_stimecmp_once(void)
{
	unsigned want = timer_irqs + 1;

	sbi_timer = false;
	csr_write(0x14d, 0);
	irq_enable();
	while (timer_irqs != want)
		;
	irq_disable();
}

void bench_sbi_timer_once(void);
void bench_sbi_timer_once(void)
{
	unsigned want = timer_irqs + 1;

	sbi_timer = true;
	guest_sbi(SBI_EXT_TIME, 0, 0, 0, 0);
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

/* Starts vCPU 1 on the other hart (under OpenSBI alone the boot hart
 * may be hart 1) and waits, in WFI, for its first answer; false if it
 * does not start. */
static bool start_cpu1(void)
{
	unsigned want = pongs + 1;

	if (guest_cpu_on(1, guest_cpu_hwid(0) ? 0 : 1, cpu1_main) != 0)
		return false;
	while (pongs != want)
		wait_irq_masked();
	return true;
}

bool bench_arch_init(void)
{
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	csr_set(sie, SIE_STIE);
	irq_disable();
	return start_cpu1();
}

uint64_t bench_arch_trap_code(void)
{
	return guest_trap.scause;
}

/* cvisor answers the Debug hypercall with 0 (and logs it); OpenSBI
 * answers the unknown extension with SBI_ERR_NOT_SUPPORTED. */
bool bench_arch_under_cvisor(void)
{
	return guest_hypercall(HC_DEBUG, 0xbe7c, 0, 0) == 0;
}

uint64_t bench_arch_counter_hz(void)
{
	return guest_counter_freq();
}

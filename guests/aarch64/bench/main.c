/* bench: instructions per operation, under cvisor or natively.
 *
 * Run under QEMU with -icount shift=0 (one instruction = 1 ns of virtual
 * time), the counter CNTVCT_EL0 advances cntfrq ticks per 10^9
 * instructions. For each operation the guest times N repetitions and an
 * empty loop of N, and prints the raw tick counts; scripts/bench.sh turns
 * them into instructions per operation. Lines are
 *   bench: mode cvisor|native cntfrq F
 *   bench: op NAME iters N ticks T empty E
 *   bench: op NAME n/a ESR          (the op trapped: not available here)
 *   bench: op NAME n/a native       (a hypervisor's op, skipped natively)
 *   bench: op NAME n/a nocpu        (the second CPU did not start)
 *   bench: compute iters N ticks T checksum C
 *   bench: done
 * Natively (QEMU's own PSCI answers HVC; see under_hypervisor()) every op
 * that means something there runs too, for comparison. */
#include <guest.h>

#define BENCH_ITERS   10000
#define IRQ_ITERS     2000 /* the interrupt round trips are longer */
#define COMPUTE_ITERS 2000000
#define ROUNDS        3 /* the least of 3 runs: skips stray ticks */

uint64_t bench_empty(uint64_t n);
uint64_t bench_null_hypercall(uint64_t n);
uint64_t bench_psci_version(uint64_t n);
uint64_t bench_gicd_typer_read(uint64_t n);
uint64_t bench_uart_write(uint64_t n);
uint64_t bench_ipi_round_trip(uint64_t n);
uint64_t bench_vtimer_irq(uint64_t n);
uint64_t bench_compute(uint64_t n);

struct bench_op {
	const char *name;
	uint64_t (*run)(uint64_t n);
	unsigned iters;
	bool hv_only;    /* meaningless without a hypervisor */
	bool needs_cpu1; /* needs the second CPU (the IPI's peer) */
};

/* Operations in the order they run. */
static const struct bench_op ops[] = {
	{ "null_hypercall", bench_null_hypercall, BENCH_ITERS, true, false },
	{ "psci_version", bench_psci_version, BENCH_ITERS, false, false },
	{ "gicd_typer_read", bench_gicd_typer_read, BENCH_ITERS, false, false },
	{ "uart_write", bench_uart_write, BENCH_ITERS, false, false },
	{ "ipi_round_trip", bench_ipi_round_trip, IRQ_ITERS, false, true },
	{ "vtimer_irq", bench_vtimer_irq, IRQ_ITERS, false, false },
};

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

static uint64_t least_ticks(uint64_t (*run)(uint64_t), uint64_t n)
{
	uint64_t best = ~0ull;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = guest_counter();
		run(n);
		uint64_t t = guest_counter() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* One repetition under watch: false (and the exception printed) if it
 * trapped, e.g. an MMIO read that nothing emulates yet. */
static bool op_works(const struct bench_op *op)
{
	uint64_t before = guest_trap.count;

	op->run(1);
	if (guest_trap.count == before)
		return true;
	guest_puts("bench: op ");
	guest_puts(op->name);
	guest_puts(" n/a ");
	guest_put_hex(guest_trap.esr);
	guest_puts("\n");
	return false;
}

static void print_kv(const char *key, uint64_t v)
{
	guest_puts(key);
	guest_put_dec(v);
}

static void bench_op_run(const struct bench_op *op, bool hv, bool cpu1)
{
	if ((op->hv_only && !hv) || (op->needs_cpu1 && !cpu1)) {
		guest_puts("bench: op ");
		guest_puts(op->name);
		guest_puts(op->hv_only && !hv ? " n/a native\n" :
						" n/a nocpu\n");
		return;
	}
	if (!op_works(op))
		return;
	uint64_t empty = least_ticks(bench_empty, op->iters);
	uint64_t ticks = least_ticks(op->run, op->iters);
	guest_puts("bench: op ");
	guest_puts(op->name);
	print_kv(" iters ", op->iters);
	print_kv(" ticks ", ticks);
	print_kv(" empty ", empty);
	guest_puts("\n");
}

static void bench_compute_run(void)
{
	uint64_t sum = 0, best = ~0ull;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = guest_counter();
		sum = bench_compute(COMPUTE_ITERS);
		uint64_t t = guest_counter() - t0;
		if (t < best)
			best = t;
	}
	print_kv("bench: compute iters ", COMPUTE_ITERS);
	print_kv(" ticks ", best);
	guest_puts(" checksum ");
	guest_put_hex(sum);
	guest_puts("\n");
}

/* cvisor answers the Debug hypercall with 0 (and logs it); QEMU booting
 * the guest directly answers every HVC as a PSCI call, so with
 * NOT_SUPPORTED (-1) for this number. */
static bool under_hypervisor(void)
{
	return guest_hypercall(HC_DEBUG, 0xbe7c, 0, 0) == 0;
}

int main(void)
{
	guest_trap_install();
	bool hv = under_hypervisor();
	guest_puts(hv ? "bench: mode cvisor" : "bench: mode native");
	print_kv(" cntfrq ", guest_counter_freq());
	guest_puts("\n");
	gic_init(on_irq);
	gic_cpu_init(0);
	gic_enable_private(0, SGI_PONG);
	gic_enable_private(0, VTIMER_PPI);
	irq_disable();
	bool cpu1 = start_cpu1();
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		bench_op_run(&ops[i], hv, cpu1);
	bench_compute_run();
	guest_puts("bench: done\n");
	return 0;
}

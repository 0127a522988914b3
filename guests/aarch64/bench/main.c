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
 *   bench: compute iters N ticks T checksum C
 *   bench: done
 * Natively (QEMU's own PSCI answers HVC; see under_hypervisor()) every op
 * that means something there runs too, for comparison. */
#include <guest.h>

#define BENCH_ITERS    10000
#define COMPUTE_ITERS  2000000
#define ROUNDS         3          /* the least of 3 runs: skips stray ticks */

uint64_t bench_empty(uint64_t n);
uint64_t bench_null_hypercall(uint64_t n);
uint64_t bench_psci_version(uint64_t n);
uint64_t bench_gicd_typer_read(uint64_t n);
uint64_t bench_uart_write(uint64_t n);
uint64_t bench_compute(uint64_t n);

struct bench_op {
	const char *name;
	uint64_t (*run)(uint64_t n);
	bool hv_only;             /* meaningless without a hypervisor */
};

/* Operations in the order they run. The vGIC's virtual IPI round trip
 * (to a vCPU on another pCPU and back) and virtual timer interrupt
 * delivery go here once the vGIC is in; they need guest_irq() and a
 * second vCPU (PSCI CPU_ON) in this guest and cpu_num = 2 in
 * configs/vms/bench-aarch64.toml. */
static const struct bench_op ops[] = {
	{ "null_hypercall",  bench_null_hypercall,  true },
	{ "psci_version",    bench_psci_version,    false },
	{ "gicd_typer_read", bench_gicd_typer_read, false },
	{ "uart_write",      bench_uart_write,      false },
};

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

static void bench_op_run(const struct bench_op *op, bool hv)
{
	if (op->hv_only && !hv) {
		guest_puts("bench: op ");
		guest_puts(op->name);
		guest_puts(" n/a native\n");
		return;
	}
	if (!op_works(op))
		return;
	uint64_t empty = least_ticks(bench_empty, BENCH_ITERS);
	uint64_t ticks = least_ticks(op->run, BENCH_ITERS);
	guest_puts("bench: op ");
	guest_puts(op->name);
	print_kv(" iters ", BENCH_ITERS);
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
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		bench_op_run(&ops[i], hv);
	bench_compute_run();
	guest_puts("bench: done\n");
	return 0;
}

/* bench: instructions per operation, under cvisor or natively.
 *
 * Run under QEMU with -icount shift=0 (one instruction = 1 ns of virtual
 * time), the counter (guest_counter()) advances cntfrq ticks per 10^9
 * instructions. For each operation the guest times N repetitions and an
 * empty loop of N, and prints the raw tick counts; scripts/bench.sh turns
 * them into instructions per operation. Lines are
 *   bench: mode cvisor|native cntfrq F
 *   bench: op NAME iters N ticks T empty E
 *   bench: op NAME n/a CODE         (the op trapped: not available here)
 *   bench: op NAME n/a native       (a hypervisor's op, skipped natively)
 *   bench: op NAME n/a nocpu        (the second CPU did not start)
 *   bench: compute iters N ticks T checksum C
 *   bench: done
 * Natively (bench_arch_under_cvisor() says so) every op that means
 * something there runs too, for comparison. The
 * operations and their interrupts are the arch's (guests/<arch>/bench/). */
#include "bench.h"

#define COMPUTE_ITERS 2000000
#define ROUNDS        3 /* the least of 3 runs: skips stray ticks */

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
	guest_put_hex(bench_arch_trap_code());
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

int main(void)
{
	guest_trap_install();
	bool hv = bench_arch_under_cvisor();
	guest_puts(hv ? "bench: mode cvisor" : "bench: mode native");
	print_kv(" cntfrq ", bench_arch_counter_hz());
	guest_puts("\n");
	bool cpu1 = bench_arch_init();
	for (unsigned i = 0; i < bench_op_count; i++)
		bench_op_run(&bench_ops[i], hv, cpu1);
	bench_compute_run();
	guest_puts("bench: done\n");
	return 0;
}

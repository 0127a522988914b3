/* latency: how late a periodic timer interrupt's handler runs, the figure
 * a real-time guest lives by (make bench, docs/bench.md), in the manner
 * of cyclictest. The timer fires every PERIOD_US of counter time; the
 * handler reads the counter first thing and records how far past the
 * deadline it is, then arms the next deadline (the previous one plus the
 * period; periods already past are skipped and counted as missed). Under
 * -icount shift=0 the counter follows executed instructions, so the
 * figures hold however busy the host is. The first WARMUP_PERIODS are a
 * warm-up, not recorded: they meet whatever the start meets (a neighbour
 * VM being created, its first exits logged, the first decode of the
 * handler's EOI, which on x86_64 beside a busy neighbour falls after
 * the next deadline), not the steady interference the figures are
 * about.
 *
 * Options, in the VM's command line (the device tree's bootargs, the
 * Multiboot command line on x86_64):
 *   latency.periods=N  samples to take (default 10000, at most MAX_SAMPLES)
 *   latency.poll       spin with interrupts unmasked between periods (a
 *                      busy guest) rather than wait in WFI/HLT (an idle one)
 * It prints, in counter ticks (scripts/bench_report.py converts):
 *   latency: cntfrq F period P periods N wait wfi|poll
 *   latency: min A median B p99 C p999 D max E missed M
 *   latency: hist V:C V:C ...     (C samples V ticks late, V ascending)
 *   latency: done */
#include "latency.h"

#define PERIOD_US       100
#define DEFAULT_PERIODS 10000
#define MAX_SAMPLES     100000
#define WARMUP_PERIODS  2
#define HIST_PER_LINE   8

static uint32_t late[MAX_SAMPLES];
static volatile unsigned taken;
static unsigned want, timer_irq;
static unsigned warming = WARMUP_PERIODS;
static uint64_t period, deadline, missed;

static void on_irq(unsigned irq)
{
	uint64_t now = guest_counter();

	if (irq != timer_irq)
		return;
	if (taken >= want) { /* one raised as it was stopped */
		latency_arch_stop();
		return;
	}
	uint64_t d = now > deadline ? now - deadline : 0;
	bool record = !warming; /* not a warm-up period */
	if (record)
		late[taken] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	if (record && taken + 1 == want) {
		latency_arch_stop();
		taken++;
		return;
	}
	deadline += period;
	while (deadline <= now) {
		deadline += period;
		missed += record;
	}
	latency_arch_arm(deadline);
	taken += record;
	warming -= warming > 0;
}

/* ---- options ---- */

static unsigned option_periods(const char *args, size_t n)
{
	const char *p = args ? guest_bytes_find(args, n, "latency.periods=") :
			       0;
	unsigned v = 0;

	if (!p)
		return DEFAULT_PERIODS;
	while (p < args + n && *p >= '0' && *p <= '9' && v < MAX_SAMPLES)
		v = v * 10 + (unsigned)(*p++ - '0');
	return v < 1 ? 1 : v > MAX_SAMPLES ? MAX_SAMPLES : v;
}

/* ---- the figures ---- */

static void sift_down(uint32_t *a, size_t i, size_t n)
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			return;
		uint32_t t = a[i];
		a[i] = a[c];
		a[c] = t;
	}
}

static void heap_sort(uint32_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		uint32_t t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

/* The least sample that at least num/den of them do not exceed. */
static uint32_t quantile(const uint32_t *a, size_t n, uint64_t num,
			 uint64_t den)
{
	uint64_t rank = (n * num + den - 1) / den;

	return a[rank ? rank - 1 : 0];
}

static void print_kv(const char *key, uint64_t v)
{
	guest_puts(key);
	guest_put_dec(v);
}

static void report(unsigned n)
{
	heap_sort(late, n);
	print_kv("latency: min ", late[0]);
	print_kv(" median ", quantile(late, n, 1, 2));
	print_kv(" p99 ", quantile(late, n, 99, 100));
	print_kv(" p999 ", quantile(late, n, 999, 1000));
	print_kv(" max ", late[n - 1]);
	print_kv(" missed ", missed);
	guest_puts("\n");
	unsigned pairs = 0;
	for (unsigned i = 0, j; i < n; i = j) {
		for (j = i; j < n && late[j] == late[i]; j++)
			;
		guest_puts(pairs % HIST_PER_LINE ? " " : "latency: hist ");
		guest_put_dec(late[i]);
		print_kv(":", j - i);
		if (++pairs % HIST_PER_LINE == 0)
			guest_puts("\n");
	}
	if (pairs % HIST_PER_LINE)
		guest_puts("\n");
}

int main(uint64_t boot_arg)
{
	size_t len = 0;
	const char *args = latency_arch_args(boot_arg, &len);
	bool poll = args && guest_bytes_find(args, len, "latency.poll");
	uint64_t freq = guest_counter_freq();

	want = option_periods(args, len);
	period = freq * PERIOD_US / 1000000;
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	timer_irq = latency_arch_timer_init();
	irq_disable();
	print_kv("latency: cntfrq ", freq);
	print_kv(" period ", period);
	print_kv(" periods ", want);
	guest_puts(poll ? " wait poll\n" : " wait wfi\n");

	deadline = guest_counter() + period;
	latency_arch_arm(deadline);
	if (poll) {
		irq_enable();
		while (taken < want)
			;
		irq_disable();
	} else {
		while (taken < want)
			wait_irq_masked();
	}
	report(want);
	guest_puts("latency: done\n");
	return 0;
}

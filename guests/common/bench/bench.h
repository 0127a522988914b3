/* What the bench guest asks of its arch (guests/<arch>/bench/): the
 * operations it measures (each a loop in the arch's ops.S of the same
 * shape as bench_empty's), the interrupt set-up they need, and how a
 * trap that makes an op unavailable is named. */
#ifndef BENCH_H
#define BENCH_H

#include <guest.h>

struct bench_op {
	const char *name;
	uint64_t (*run)(uint64_t n);
	unsigned iters;
	bool hv_only;    /* meaningless without a hypervisor */
	bool needs_cpu1; /* needs the second CPU (the IPI's peer) */
};

#define BENCH_ITERS 10000
#define IRQ_ITERS   2000 /* the interrupt round trips are longer */

/* The operations, in the order they run. */
extern const struct bench_op bench_ops[];
extern const unsigned bench_op_count;

/* Interrupts ready on the boot CPU, the second CPU started if an op
 * needs one; false if it did not start. */
bool bench_arch_init(void);
/* Whether cvisor runs the guest (else the ops that need it are skipped). */
bool bench_arch_under_cvisor(void);
/* The counter's ticks per second (guest_counter()). */
uint64_t bench_arch_counter_hz(void);
/* The last trap's syndrome (ESR, scause), printed for an op that traps. */
uint64_t bench_arch_trap_code(void);

/* ops.S: the loop alone, and compute-bound work returning a checksum. */
uint64_t bench_empty(uint64_t n);
uint64_t bench_compute(uint64_t n);

#endif

/* regleak: two instances of this guest (VM A and VM B, told apart by
 * "regleak-vm=A" or "=B" on their command line) share one pCPU and look
 * for each other in the CPU's EL0/EL1 registers.
 *
 * 1. Probe: each register of the table (regs.c) is read, with undefined
 *    ones caught (lib/trap.S) and skipped; then written twice (our
 *    pattern, its complement within the mask) to learn which bits keep
 *    what is written. VM B starts 100 ms after VM A, so a register that
 *    nobody switches holds A's pattern when B first reads it (what a new
 *    VM would see of the last): FAIL. So is a register the ID registers
 *    say exists but that is undefined; one that exists though the ID
 *    registers hide its feature is noted (cvisor switches what it cannot
 *    trap).
 * 2. Check: our pattern goes into every register with writable bits,
 *    the FP/SIMD registers, VBAR_EL1 (one of two vector tables) and
 *    SP_EL1 (a stack of our own); then, for a while, with interrupts
 *    masked and nothing trapping to EL1, we read them again and again
 *    while cvisor's time slices hand the pCPU to the other VM (seen as
 *    gaps in the counter). Any value but ours is a FAIL, the other VM's
 *    value a covert channel; ours is written again, so that the other
 *    VM finds the leak too.
 * Then a PASS/FAIL line per group of registers, and a summary. */
#include "regleak.h"

#define CHECK_MS     300  /* check at least this long */
#define CHECK_MAX_MS 3000 /* and at most this long */
#define AWAY_MIN     8    /* ...until the pCPU was taken this often */
#define AWAY_MS      2    /* a gap this long: another vCPU ran */
#define START_B_MS   100  /* VM B starts this much later */
#define STACK_WORDS  2048 /* 16 KiB */
#define FP_WORDS     64

static char vm_name[2] = "?";
static unsigned me; /* 0: VM A, 1: VM B */
static unsigned failed;
static bool advertised[F_COUNT];
static uint64_t stacks[2][STACK_WORDS] __attribute__((aligned(16)));
static uint64_t fp_mine[FP_WORDS], fp_theirs[FP_WORDS], fp_now[FP_WORDS];
static bool fp_failed, sp_failed;

static void say(const char *s)
{
	guest_puts("regleak ");
	guest_puts(vm_name);
	guest_puts(": ");
	guest_puts(s);
}

static void fail(const char *name, const char *what, uint64_t val)
{
	failed++;
	say("FAIL: ");
	guest_puts(name);
	guest_puts(": ");
	guest_puts(what);
	guest_puts(" ");
	guest_put_hex(val);
	guest_puts("\n");
}

/* The same for what the check phase found 'ms' into it. */
static void fail_at(const char *name, const char *what, uint64_t ms)
{
	failed++;
	say("FAIL: ");
	guest_puts(name);
	guest_puts(": ");
	guest_puts(what);
	guest_puts(" after ");
	guest_put_dec(ms);
	guest_puts(" ms\n");
}

/* ---- which VM we are: "regleak-vm=X" in the device tree (x0) ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The command line is a property of /chosen: looking for the string in
 * the whole blob is enough. */
static char vm_from_dtb(const uint8_t *dtb)
{
	static const char key[] = "regleak-vm=";
	uint32_t size;

	if (!dtb || be32(dtb) != 0xd00dfeedu)
		return '?';
	size = be32(dtb + 4);
	for (uint32_t i = 0; i + sizeof(key) < size && i < 0x10000; i++) {
		unsigned k = 0;
		while (k < sizeof(key) - 1 && dtb[i + k] == (uint8_t)key[k])
			k++;
		if (k == sizeof(key) - 1)
			return (char)dtb[i + k];
	}
	return '?';
}

/* ---- what the guest's ID registers say ---- */

#define ID_READ(enc)                                          \
	({                                                    \
		uint64_t v_;                                  \
		__asm__ volatile("mrs %0, " #enc : "=r"(v_)); \
		v_;                                           \
	})

static unsigned field(uint64_t v, unsigned shift)
{
	return v >> shift & 0xf;
}

static void read_id_regs(void)
{
	uint64_t pfr0 = ID_READ(S3_0_C0_C4_0), pfr1 = ID_READ(S3_0_C0_C4_1);
	uint64_t dfr0 = ID_READ(S3_0_C0_C5_0), isar1 = ID_READ(S3_0_C0_C6_1);
	uint64_t isar2 = ID_READ(S3_0_C0_C6_2), mmfr1 = ID_READ(S3_0_C0_C7_1);
	uint64_t mmfr2 = ID_READ(S3_0_C0_C7_2);
	unsigned pmu = field(dfr0, 8);

	advertised[F_BASE] = true;
	advertised[F_PAUTH] = field(isar1, 4) || field(isar1, 8) ||
			      field(isar1, 24) || field(isar1, 28) ||
			      field(isar2, 8) || field(isar2, 12);
	advertised[F_PAN] = field(mmfr1, 20) != 0;
	advertised[F_UAO] = field(mmfr2, 4) != 0;
	advertised[F_DIT] = field(pfr0, 48) != 0;
	advertised[F_SSBS] = field(pfr1, 4) != 0;
	advertised[F_MTE] = field(pfr1, 8) >= 1;
	advertised[F_MTE2] = field(pfr1, 8) >= 2;
	advertised[F_SVE] = field(pfr0, 32) != 0;
	advertised[F_SME] = field(pfr1, 24) != 0;
	advertised[F_RAS] = field(pfr0, 28) != 0;
	advertised[F_LOR] = field(mmfr1, 16) != 0;
	advertised[F_SCXT] = field(pfr0, 56) >= 2 ||
			     (field(pfr0, 56) == 1 && field(pfr1, 32) >= 2);
	advertised[F_PMU] = pmu != 0 && pmu != 0xf;
	say("ID_AA64PFR0 ");
	guest_put_hex(pfr0);
	guest_puts(" PFR1 ");
	guest_put_hex(pfr1);
	guest_puts(" MMFR1 ");
	guest_put_hex(mmfr1);
	guest_puts("\n");
}

/* ---- phase 1: probe ---- */

static bool try_read(const struct reg *r, uint64_t *v)
{
	uint64_t before = guest_trap.count;

	*v = r->read();
	return guest_trap.count == before;
}

static bool try_write(const struct reg *r, uint64_t v)
{
	uint64_t before = guest_trap.count;

	r->write(v);
	return guest_trap.count == before;
}

/* VM 'who''s pattern for register i: the two VMs' differ in every bit
 * (and are far in the future as timer deadlines). VBAR_EL1 gets one of
 * the two vector tables. */
static uint64_t pattern(const struct reg *r, unsigned i, unsigned who)
{
	uint64_t p = 0x5555555555555555ull ^ (uint64_t)i << 32;

	if (r->vbar)
		p = (uint64_t)regleak_vectors + 2048 * who;
	else if (who)
		p = ~p;
	return (r->first & ~r->mask) | r->set | (p & r->mask);
}

static void probe(struct reg *r, unsigned i)
{
	uint64_t w2, r1, r2;

	if (!try_read(r, &r->first)) {
		r->first = guest_trap.esr; /* for check_first() */
		r->state = S_ABSENT;
		return;
	}
	r->mine = pattern(r, i, me);
	r->theirs = pattern(r, i, !me);
	w2 = (r->mine & ~r->mask) | (~r->mine & r->mask);
	if (!try_write(r, r->mine)) {
		r->state = S_READ_ONLY;
		return;
	}
	r1 = r->read();
	r->write(w2);
	r2 = r->read();
	r->write(r->first);
	r->sticky = r->mask & ~(r1 ^ r->mine) & ~(r2 ^ w2);
	r->state = (r->sticky & (r->mine ^ r->theirs)) ? S_CHECKED : S_FIXED;
}

/* The bits that tell the two VMs' values apart. */
static uint64_t telling(const struct reg *r)
{
	return r->sticky & (r->mine ^ r->theirs);
}

static unsigned bit_count(uint64_t v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* What the register says before we wrote it. A field of a few bits is
 * often at its reset value, which may be the other VM's pattern (the OS
 * lock is set at reset, a binary point at its minimum): those are left
 * to the check phase. */
static void check_first(struct reg *r)
{
	uint64_t d = telling(r);
	bool listed = r->feat != F_UNLISTED && r->feat != F_QEMU_LACKS;

	if (listed && r->state == S_ABSENT && advertised[r->feat])
		fail(r->name,
		     "undefined, though the ID registers say it "
		     "exists; ESR",
		     r->first);
	if (listed && r->state != S_ABSENT && !advertised[r->feat]) {
		say("note: ");
		guest_puts(r->name);
		guest_puts(" exists though the ID registers hide it\n");
	}
	if (r->state == S_CHECKED && bit_count(d) >= 8 &&
	    (r->first & d) == (r->theirs & d)) {
		r->failed = true;
		fail(r->name,
		     "holds the other VM's value before we wrote "
		     "ours:",
		     r->first);
	}
}

/* ---- phase 2: check ---- */

static void check_reg(struct reg *r, uint64_t ms)
{
	uint64_t v = r->read();

	if ((v & r->sticky) == (r->mine & r->sticky))
		return;
	/* Ours again, so that the other VM sees it too; reported once. */
	r->write(r->mine);
	if (r->failed)
		return;
	r->failed = true;
	if ((v & telling(r)) == (r->theirs & telling(r)))
		fail_at(r->name, "holds the other VM's value", ms);
	else
		fail_at(r->name, "changed", ms);
	say("  it reads ");
	guest_put_hex(v);
	guest_puts(", ours is ");
	guest_put_hex(r->mine);
	guest_puts("\n");
}

static void check_fp_sp(uint64_t ms)
{
	uint64_t sp;

	regleak_fp_dump(fp_now);
	for (unsigned k = 0; k < FP_WORDS; k++) {
		if (fp_now[k] == fp_mine[k])
			continue;
		regleak_fp_fill(fp_mine); /* as in check_reg() */
		if (!fp_failed)
			fail_at("q0-q31",
				fp_now[k] == fp_theirs[k] ?
					"hold the other VM's value" :
					"changed",
				ms);
		fp_failed = true;
		break;
	}
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	if (!sp_failed &&
	    (sp < (uint64_t)stacks[me] || sp >= (uint64_t)stacks[me + 1])) {
		sp_failed = true;
		fail("SP_EL1", "left our stack:", sp);
	}
}

static void fill_fp(void)
{
	for (unsigned k = 0; k < FP_WORDS; k++) {
		fp_mine[k] = 0x3c3c3c3c00000000ull | k;
		fp_theirs[k] = ~fp_mine[k];
		if (me)
			fp_mine[k] = ~fp_mine[k], fp_theirs[k] = ~fp_theirs[k];
	}
	regleak_fp_dump(fp_now);
	for (unsigned k = 0; k < FP_WORDS; k++)
		if (fp_now[k] == fp_theirs[k]) {
			fp_failed = true;
			fail("q0-q31",
			     "hold the other VM's value before we wrote "
			     "ours:",
			     fp_now[k]);
			break;
		}
	regleak_fp_fill(fp_mine);
}

static void write_ours(void)
{
	for (unsigned i = 0; i < regleak_nr_regs; i++) {
		struct reg *r = &regleak_regs[i];

		if (r->state != S_CHECKED)
			continue;
		r->write(r->mine);
		if ((r->read() & r->sticky) != (r->mine & r->sticky)) {
			r->failed = true;
			fail(r->name,
			     "does not keep what we write:", r->read());
		}
	}
}

/* Runs on our own stack, with VBAR_EL1 at our own table from
 * write_ours() on. */
static void check_phase(void)
{
	uint64_t freq = guest_counter_freq(), start, last, ms = 0;
	unsigned away = 0, rounds = 0;

	fill_fp();
	write_ours();
	start = last = guest_counter();
	do {
		for (unsigned i = 0; i < regleak_nr_regs; i++)
			if (regleak_regs[i].state == S_CHECKED)
				check_reg(&regleak_regs[i], ms);
		check_fp_sp(ms);
		uint64_t now = guest_counter();
		away += now - last >= freq * AWAY_MS / 1000;
		last = now;
		ms = (now - start) * 1000 / freq;
		rounds++;
	} while (ms < CHECK_MAX_MS && (ms < CHECK_MS || away < AWAY_MIN));
	guest_trap_install();
	if (away < AWAY_MIN)
		fail("check phase",
		     "the other VM hardly ran; pCPU taken away "
		     "only",
		     away);
	say("checked ");
	guest_put_dec(rounds);
	guest_puts(" times in ");
	guest_put_dec(ms);
	guest_puts(" ms, the pCPU taken away ");
	guest_put_dec(away);
	guest_puts(" times (from ");
	guest_put_dec(start * 1000 / freq);
	guest_puts(" ms of the counter)\n");
}

/* ---- report ---- */

/* The names of group g's registers in state s, a few a line. */
static void list(unsigned g, enum state s, bool failed_ones, const char *head)
{
	unsigned n = 0;

	for (unsigned i = 0; i < regleak_nr_regs; i++) {
		const struct reg *r = &regleak_regs[i];
		if (r->group != g || r->state != s || r->failed != failed_ones)
			continue;
		if (n % 6 == 0) {
			if (n)
				guest_puts("\n");
			say("  ");
			guest_puts(head);
		}
		guest_puts(" ");
		guest_puts(r->name);
		n++;
	}
	if (n)
		guest_puts("\n");
}

static bool group_failed(unsigned g)
{
	for (unsigned i = 0; i < regleak_nr_regs; i++)
		if (regleak_regs[i].group == g && regleak_regs[i].failed)
			return true;
	return (g == G_FP && fp_failed) || (g == G_EXCEPTION && sp_failed);
}

static void report_group(unsigned g)
{
	say(regleak_group_names[g]);
	guest_puts(group_failed(g) ? ": FAIL\n" : ": PASS\n");
	list(g, S_CHECKED, true, "leaked:");
	list(g, S_CHECKED, false, "kept:");
	if (g == G_FP)
		say("  kept: q0-q31\n");
	if (g == G_EXCEPTION)
		say("  kept: SP_EL1\n");
	list(g, S_FIXED, false, "no writable bits:");
	list(g, S_READ_ONLY, false, "read-only:");
	list(g, S_ABSENT, false, "undefined:");
}

static void report(void)
{
	unsigned n[S_CHECKED + 1] = { 0 };

	for (unsigned g = 0; g < G_COUNT; g++)
		report_group(g);
	for (unsigned i = 0; i < regleak_nr_regs; i++)
		n[regleak_regs[i].state]++;
	say("done, ");
	guest_put_dec(failed);
	guest_puts(" failed (");
	guest_put_dec(n[S_CHECKED]);
	guest_puts(" registers checked, ");
	guest_put_dec(n[S_FIXED] + n[S_READ_ONLY]);
	guest_puts(" fixed or read-only, ");
	guest_put_dec(n[S_ABSENT]);
	guest_puts(" undefined)\n");
}

/* VM B starts later, so that VM A's values are in the registers by
 * then: a register nobody switches shows them to B's first look (what a
 * new VM would see of the last one). The pCPU is time-sliced meanwhile. */
static void wait_for_a(void)
{
	uint64_t end =
		guest_counter() + guest_counter_freq() * START_B_MS / 1000;

	while (guest_counter() < end)
		;
}

int main(uint64_t dtb)
{
	vm_name[0] = vm_from_dtb((const uint8_t *)dtb);
	if (vm_name[0] != 'A' && vm_name[0] != 'B') {
		say("FAIL: no regleak-vm=A or =B on the command line\n");
		return 0;
	}
	me = vm_name[0] == 'B';
	guest_trap_install();
	/* Interrupts masked. FP/SIMD, SVE and SME on at EL1: what stays
	 * undefined then is cvisor's doing (CPTR_EL2), not ours. */
	__asm__ volatile("msr daifset, #0xf; msr cpacr_el1, %0; isb"
			 :
			 : "r"(3ull << 16 | 3ull << 20 | 3ull << 24)
			 : "memory");
	read_id_regs();
	if (me)
		wait_for_a();
	for (unsigned i = 0; i < regleak_nr_regs; i++)
		probe(&regleak_regs[i], i);
	for (unsigned i = 0; i < regleak_nr_regs; i++)
		check_first(&regleak_regs[i]);
	regleak_call_on_stack(check_phase, stacks[me] + STACK_WORDS);
	report();
	return 0;
}

void regleak_stray_exception(void);
void regleak_stray_exception(void)
{
	uint64_t esr;

	__asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
	fail("check phase", "an exception was taken to EL1; ESR", esr);
	guest_power_off();
}

/* hostile: does what a buggy or malicious guest does, and checks that each
 * act is answered as the architecture says — an abort injected, an error
 * code returned, a write ignored — while cvisor and the VM beside it go on.
 * Prints "hostile: NAME: PASS" or "hostile: NAME: FAIL ..." per check and
 * "hostile: done, N failed" at the end; the scenario is in
 * tests/groups/qemu-aarch64-hostile.sh. */
#include <pattern.h>
#include "hostile.h"

#define RAM_START 0x40000000ull
#define RAM_END   0x41000000ull /* 16 MiB (hostile-aarch64.toml) */
#define UART      0x09000000ull
#define GICD      0x08000000ull

#define PSCI_SMC32_CPU_ON        0x84000003u
#define PSCI_SMC32_AFFINITY_INFO 0x84000004u
#define PSCI_CPU_OFF             0x84000002u
#define PSCI_MIGRATE             0xc4000005u
#define PSCI_NOT_SUPPORTED       ((uint64_t)-1)
#define PSCI_INVALID_PARAMS      ((uint64_t)-2)
#define PSCI_ALREADY_ON          ((uint64_t)-4)
#define PSCI_INVALID_ADDR        ((uint64_t)-9)

static unsigned failed;

void check(const char *name, bool ok, const char *what, uint64_t val)
{
	guest_puts("hostile: ");
	guest_puts(name);
	if (ok) {
		guest_puts(": PASS\n");
		return;
	}
	failed++;
	guest_puts(": FAIL, ");
	guest_puts(what);
	guest_puts(" ");
	guest_put_hex(val);
	guest_puts("\n");
}

/* ESR of the exception the last statement took, 0 if none. */
static uint64_t trap_mark;
void trap_arm(void)
{
	trap_mark = guest_trap.count;
}
uint64_t trapped(void)
{
	return guest_trap.count != trap_mark ? guest_trap.esr : 0;
}

static uint64_t read32_esr(uint64_t a)
{
	trap_arm();
	/* cppcheck-suppress nullPointer ; reading address 0 (flash window) is the test */
	(void)*(volatile uint32_t *)a;
	return trapped();
}

static uint64_t write32_esr(uint64_t a, uint32_t v)
{
	trap_arm();
	*(volatile uint32_t *)a = v;
	return trapped();
}

bool is_sea(uint64_t esr, int write)
{
	return EC(esr) == EC_DABT && FSC(esr) == FSC_SEA &&
	       (int)WNR(esr) == write;
}

/* ---- memory that is not this VM's */

/* Every probe in [start, end) by 'step' must come back as an abort. */
static uint64_t scan_unbacked(uint64_t start, uint64_t end, uint64_t step)
{
	uint64_t answered = 0;

	for (uint64_t a = start; a < end; a += step)
		answered += !is_sea(read32_esr(a), 0);
	return answered;
}

static void test_memory(void)
{
	uint64_t esr = read32_esr(RAM_END);
	check("read past RAM aborts", is_sea(esr, 0), "esr", esr);
	esr = write32_esr(RAM_END + 0x1000, 0xdeadbeef);
	check("write past RAM aborts", is_sea(esr, 1), "esr", esr);

	/* The rest of the host's RAM (where cvisor and the other VM's
	 * memory really are), the flash and PCI windows, high memory. */
	uint64_t n = scan_unbacked(RAM_END, 0x80000000ull, 1ull << 20);
	check("host RAM beyond ours: every MiB aborts", n == 0, "answered", n);
	n = scan_unbacked(0, GICD, 1ull << 20);
	check("flash window aborts", n == 0, "answered", n);
	n = scan_unbacked(0x0a000000ull, RAM_START, 1ull << 24);
	check("MMIO and PCI windows abort", n == 0, "answered", n);
	n = scan_unbacked(0x100000000ull, 0x8000000000ull, 1ull << 34);
	check("above 4 GiB aborts", n == 0, "answered", n);
	esr = read32_esr(0x8000000000ull); /* past the 39-bit IPA space */
	check("beyond the IPA space aborts", EC(esr) == EC_DABT, "esr", esr);

	/* cvisor's image sits at host 0x4020_0000; here that address is
	 * our own fresh RAM, zero until we write it. */
	uint64_t nonzero = 0;
	for (uint64_t a = 0x40200000ull; a < 0x40300000ull; a += 8)
		nonzero += *(volatile uint64_t *)a != 0;
	check("cvisor's address reads our own zeroed RAM", nonzero == 0,
	      "nonzero words", nonzero);
	*(volatile uint64_t *)0x40200000ull = 0x1234;
	check("cvisor's address is ours to write",
	      *(volatile uint64_t *)0x40200000ull == 0x1234, "read", 0);
}

/* ---- instruction fetches from where nothing executes */

static uint64_t fetch_esr(uint64_t a)
{
	trap_arm();
	/* The trap handler returns to x30 for an instruction abort. */
	__asm__ volatile("blr %0" : : "r"(a) : "x30", "memory");
	return trapped();
}

static void test_fetch(void)
{
	static const uint64_t where[] = { UART, 0x0a000000ull, RAM_END };
	static const char *const name[] = {
		"fetch from the UART page: instruction abort",
		"fetch from unbacked space: instruction abort",
		"fetch past RAM: instruction abort",
	};

	for (unsigned i = 0; i < 3; i++) {
		uint64_t esr = fetch_esr(where[i]);
		check(name[i],
		      EC(esr) == EC_IABT && FSC(esr) == FSC_SEA &&
			      guest_trap.far == where[i],
		      "esr", esr);
	}
}

/* ---- hypercalls and PSCI with bad arguments */

static uint64_t smc(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a0;
	register uint64_t x2 __asm__("x2") = a1;
	register uint64_t x3 __asm__("x3") = a2;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "memory");
	return x0;
}

static void test_hypercalls(void)
{
	static const uint64_t bad[] = { 7,
					0x1234,
					~0ull,
					0x80000000ull,
					0xffffffff84000000ull,
					0xc6000000ull };
	uint64_t wrong = 0;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		trap_arm();
		uint64_t r = guest_hypercall(bad[i], 1, 2, 3);
		wrong += r != ~0ull || trapped();
	}
	check("undefined hypercalls return -1", wrong == 0, "wrong", wrong);
}

uint64_t hvc_regs_kept(uint64_t x0, uint64_t x1); /* hvcregs.S */
uint64_t mmio_regs_kept(uint64_t uart);           /* mmioregs.S */

/* The guest's registers across HVCs cvisor answers in place (a
 * hypercall, PSCI_VERSION) and one it hands to the vCPU loop (CPU_ON of
 * a vCPU that does not exist): x1-x30 as they were. */
static void test_hvc_regs(void)
{
	uint64_t lost = hvc_regs_kept(7, 1) | hvc_regs_kept(PSCI_VERSION, 0) |
			hvc_regs_kept(PSCI_SMC32_CPU_ON, 0xff);

	check("HVCs in place and to the vCPU loop keep x1-x30", lost == 0,
	      "registers lost (a bit each)", lost);
}

extern char hostile_secondary_entry[];
static volatile uint64_t secondary_seen;
static volatile uint64_t secondary_results[3];

/* The second vCPU: told its run number in x0; tries to start itself and
 * the boot vCPU again, reports, and powers itself off. */
void hostile_secondary(uint64_t context)
{
	secondary_results[0] =
		guest_psci(PSCI_CPU_ON, 1, RAM_START + 0x80000, 0);
	secondary_results[1] =
		guest_psci(PSCI_CPU_ON, 0, RAM_START + 0x80000, 0);
	__asm__ volatile("dmb sy" ::: "memory");
	secondary_seen = context;
	guest_psci(PSCI_CPU_OFF, 0, 0, 0);
	secondary_results[2] = 1; /* CPU_OFF returned: wrong */
}

/* Waits, up to 5 s of counter time, for the second vCPU to report 'run'
 * and power off. */
static bool secondary_done(uint64_t run)
{
	uint64_t end = guest_counter() + 5 * guest_counter_freq();

	while (guest_counter() < end) {
		if (secondary_seen == run &&
		    guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0) == 1)
			return true;
		__asm__ volatile("yield");
	}
	return false;
}

static void test_psci(void)
{
	uint64_t entry = (uint64_t)hostile_secondary_entry, r;

	r = guest_psci(PSCI_CPU_ON, 5, entry, 0);
	check("CPU_ON of an absent CPU: INVALID_PARAMETERS",
	      r == PSCI_INVALID_PARAMS, "got", r);
	r = guest_psci(PSCI_CPU_ON, 0x100, entry, 0);
	check("CPU_ON of an absent cluster: INVALID_PARAMETERS",
	      r == PSCI_INVALID_PARAMS, "got", r);
	r = guest_psci(PSCI_SMC32_CPU_ON, 9, (uint32_t)entry, 0);
	check("SMC32 CPU_ON of an absent CPU: INVALID_PARAMETERS",
	      r == PSCI_INVALID_PARAMS, "got", r);
	r = guest_psci(PSCI_CPU_ON, 0, entry, 0);
	check("CPU_ON of the calling CPU: ALREADY_ON", r == PSCI_ALREADY_ON,
	      "got", r);
	/* SMC32: only the low halves of the arguments count. */
	r = guest_psci(PSCI_SMC32_AFFINITY_INFO, 0xdead000000000000ull,
		       0xffffffff00000000ull, 0);
	check("SMC32 AFFINITY_INFO, junk in the upper halves: vCPU 0 is ON",
	      r == 0, "got", r);
	r = guest_psci(PSCI_CPU_ON, 1, 0x1000, 0);
	check("CPU_ON with entry outside RAM: INVALID_ADDRESS",
	      r == PSCI_INVALID_ADDR, "got", r);
	r = guest_psci(PSCI_CPU_ON, 1, entry + 2, 0);
	check("CPU_ON with a misaligned entry: INVALID_ADDRESS",
	      r == PSCI_INVALID_ADDR, "got", r);
	r = guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0);
	check("AFFINITY_INFO of the CPU still off: OFF", r == 1, "got", r);
	r = guest_psci(PSCI_AFFINITY_INFO, 5, 0, 0);
	check("AFFINITY_INFO of an absent CPU: INVALID_PARAMETERS",
	      r == PSCI_INVALID_PARAMS, "got", r);
	r = guest_psci(PSCI_AFFINITY_INFO, 0, 7, 0);
	check("AFFINITY_INFO at a bad level: INVALID_PARAMETERS",
	      r == PSCI_INVALID_PARAMS, "got", r);
	r = guest_psci(PSCI_FEATURES, 0x12345678, 0, 0);
	check("PSCI_FEATURES of nonsense: NOT_SUPPORTED",
	      r == PSCI_NOT_SUPPORTED, "got", r);
	r = guest_psci(PSCI_MIGRATE, 1, 0, 0);
	check("MIGRATE: NOT_SUPPORTED", r == PSCI_NOT_SUPPORTED, "got", r);
	r = guest_psci(0x8400001f, 0, 0, 0);
	check("unknown PSCI function: NOT_SUPPORTED", r == PSCI_NOT_SUPPORTED,
	      "got", r);
	r = smc(PSCI_VERSION, 0, 0, 0);
	check("PSCI_VERSION over SMC", r == 0x10001, "got", r);
	r = smc(0x12345, 0, 0, 0);
	check("SMC outside PSCI: NOT_SUPPORTED", r == PSCI_NOT_SUPPORTED, "got",
	      r);

	/* The second vCPU starts, is refused a second start of itself and
	 * of us, stops; and can be started again. */
	for (uint64_t run = 1; run <= 2; run++) {
		r = guest_psci(PSCI_CPU_ON, 1, entry, run);
		bool ok = r == 0 && secondary_done(run) &&
			  secondary_results[0] == PSCI_ALREADY_ON &&
			  secondary_results[1] == PSCI_ALREADY_ON &&
			  secondary_results[2] == 0;
		check(run == 1 ? "second vCPU: on, ALREADY_ON twice, off" :
				 "second vCPU: on again after CPU_OFF",
		      ok, "CPU_ON, run seen, AFFINITY_INFO, own CPU_ON results",
		      r << 48 | secondary_seen << 32 |
			      (guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0) & 0xff)
				      << 16 |
			      (secondary_results[0] & 0xff) << 8 |
			      (secondary_results[1] & 0xff));
	}
}

/* ---- MMIO the virtual UART cannot decode or does not have */

static uint64_t ldp_esr(uint64_t a)
{
	register uint64_t p __asm__("x9") = a;

	trap_arm();
	__asm__ volatile("ldp w10, w11, [%0]"
			 :
			 : "r"(p)
			 : "x10", "x11", "memory");
	return trapped();
}

static uint64_t post_index_esr(uint64_t *a)
{
	uint64_t p = *a;

	trap_arm();
	__asm__ volatile("ldr w10, [%0], #4" : "+r"(p) : : "x10", "memory");
	*a = p;
	return trapped();
}

static uint64_t read64_esr(uint64_t a)
{
	trap_arm();
	(void)*(volatile uint64_t *)a;
	return trapped();
}

/* A stage-1 identity map with everything Normal memory (so that unaligned
 * device accesses reach cvisor instead of faulting in our own MMU), and
 * 2-3 GiB an alias of 0-1 GiB (a VA that is not the IPA, readonly.c). */
static uint64_t l1_table[512] __attribute__((aligned(4096)));

void mmu_normal_on(void)
{
	l1_table[0] = 1u << 10 | 1; /* 0: AF, block, attr 0 */
	l1_table[1] = 0x40000000ull | 1u << 10 | 1;
	l1_table[2] = l1_table[0];
	uint64_t tcr = 25 | 1ull << 23 | 2ull << 32; /* T0SZ 25, EPD1, 40-bit */
	__asm__ volatile("msr mair_el1, %0; msr tcr_el1, %1; msr ttbr0_el1, %2;"
			 "isb; tlbi vmalle1; dsb sy; isb"
			 :
			 : "r"(0x44ull), "r"(tcr), "r"(l1_table)
			 : "memory");
	uint64_t sctlr;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	__asm__ volatile("msr sctlr_el1, %0; isb"
			 :
			 : "r"(sctlr | 1)
			 : "memory");
}

void mmu_off(void)
{
	uint64_t sctlr;

	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	__asm__ volatile("msr sctlr_el1, %0; isb; tlbi vmalle1; dsb sy; isb"
			 :
			 : "r"(sctlr & ~1ull)
			 : "memory");
}

static void test_mmio(void)
{
	uint64_t esr = ldp_esr(UART);
	check("load pair from the UART (ISV=0): abort", is_sea(esr, 0), "esr",
	      esr);
	uint64_t p = UART;
	esr = post_index_esr(&p);
	check("post-indexed load from the UART (ISV=0): abort, no writeback",
	      is_sea(esr, 0) && p == UART, "esr", esr);
	esr = read64_esr(UART);
	check("64-bit read of a 32-bit UART register: abort", is_sea(esr, 0),
	      "esr", esr);
	esr = read32_esr(UART + 0x800);
	check("read of a reserved UART offset: abort", is_sea(esr, 0), "esr",
	      esr);
	/* With the MMU off the UART is Device memory: an alignment fault of
	 * our own MMU, or (QEMU does not check Device alignment) cvisor's
	 * abort. */
	esr = read32_esr(UART + 1);
	check("unaligned UART read, MMU off: data abort",
	      EC(esr) == EC_DABT &&
		      (FSC(esr) == FSC_ALIGN || FSC(esr) == FSC_SEA),
	      "esr", esr);

	esr = write32_esr(UART + 0x018, 0); /* UARTFR */
	uint32_t fr = *(volatile uint32_t *)(UART + 0x018);
	check("write to read-only UARTFR: ignored", !esr && fr == 0x90, "FR",
	      fr);
	esr = write32_esr(UART + 0xfe0, 0); /* UARTPeriphID0 */
	uint32_t id = *(volatile uint32_t *)(UART + 0xfe0);
	check("write to UART ID register: ignored", !esr && id == 0x11, "ID0",
	      id);

	/* Loads that sign-extend, emulated by cvisor: UARTPCellID1 (0xff4)
	 * reads 0xf0, negative as a byte, positive as a halfword. */
	uint64_t xb, wb, xh;
	__asm__ volatile("ldrsb %0, [%3]\n\tldrsb %w1, [%3]\n\tldrsh %2, [%3]"
			 : "=&r"(xb), "=&r"(wb), "=&r"(xh)
			 : "r"(UART + 0xff4)
			 : "memory");
	check("sign-extending UART loads (LDRSB X, LDRSB W, LDRSH)",
	      xb == ~0xfull && wb == 0xfffffff0u && xh == 0xf0, "LDRSB X", xb);
	/* Into x20, which cvisor's C code preserves: the loaded value must
	 * reach us, not the register's old value. UARTPCellID3 is 0xb1. */
	uint64_t r20;
	__asm__ volatile("mov x20, xzr\n\tldrsb x20, [%1]\n\tmov %0, x20"
			 : "=r"(r20)
			 : "r"(UART + 0xffc)
			 : "x20", "memory");
	check("MMIO load into x20: the loaded value reaches the guest",
	      r20 == (uint64_t)-0x4f, "x20", r20);
	uint64_t lost = mmio_regs_kept(UART);
	check("MMIO loads and stores through x5, x7, x21, x23, x30, XZR keep "
	      "x0-x30",
	      lost == 0, "lost", lost);

	/* Through a Normal mapping the unaligned access reaches cvisor.
	 * (Not tested: a misaligned access whose pieces are each aligned,
	 * e.g. 8 bytes at +4. QEMU reports it to EL2 as separate aligned
	 * accesses, which real hardware does not do.) */
	mmu_normal_on();
	uint64_t e1 = read32_esr(UART + 2);
	uint64_t e2 = write32_esr(UART + 0x31, 0xffffffff);
	mmu_off();
	check("unaligned UART read reaching cvisor: abort", is_sea(e1, 0),
	      "esr", e1);
	check("unaligned UART write reaching cvisor: abort", is_sea(e2, 1),
	      "esr", e2);
}

/* ---- system registers */

static void test_sysregs(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	check("ID_AA64PFR0 hides SVE", (v >> 32 & 0xf) == 0, "pfr0", v);
	trap_arm();
	__asm__ volatile("msr actlr_el1, %0; isb; mrs %0, actlr_el1"
			 : "+r"(v)
			 :
			 : "memory");
	check("ACTLR_EL1 write ignored, reads 0", !trapped() && v == 0, "actlr",
	      v);
	trap_arm();
	__asm__ volatile("msr S3_0_C0_C4_0, %0; isb" : : "r"(0ull) : "memory");
	v = trapped();
	check("write to ID_AA64PFR0: undefined", EC(v) == EC_UNKNOWN && v,
	      "esr", v);
	trap_arm();
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(v) : : "memory");
	v = trapped();
	check("EL2 register from EL1: undefined", EC(v) == EC_UNKNOWN && v,
	      "esr", v);
	trap_arm();
	__asm__ volatile("mrs %0, S3_0_C10_C4_3"
			 : "=r"(v)
			 :
			 : "memory"); /* LORC_EL1 */
	v = trapped();
	check("LORC_EL1 (trapped): undefined", EC(v) == EC_UNKNOWN && v, "esr",
	      v);
	trap_arm();
	__asm__ volatile("dc isw, %0" : : "r"(0ull) : "memory");
	check("DC ISW (trapped): completes", !trapped(), "esr", guest_trap.esr);
}

/* ---- isolation: run last, when the victim VM has long written its
 * pattern */
static void test_isolation(void)
{
	pattern_fill(HOSTILE_TAG, 0x40400000ull, RAM_END);
	uint64_t n = pattern_count_tag(VICTIM_TAG, RAM_START, RAM_END);
	check("no word of the victim VM in our RAM", n == 0, "words", n);
	n = pattern_mismatches(HOSTILE_TAG, 0x40400000ull, RAM_END);
	check("our own pattern intact", n == 0, "words", n);
}

int main(void)
{
	guest_trap_install();
	guest_puts("hostile: start\n");
	/* First, while the victim VM beside us measures its timer. */
	test_sgi_flood();
	test_memory();
	test_fetch();
	test_hypercalls();
	test_hvc_regs();
	test_psci();
	test_mmio();
	test_aarch32();
	test_readonly();
	test_sysregs();
	test_debug_pmu();
	test_gic();
	test_isolation();
	guest_puts("hostile: done, ");
	guest_put_dec(failed);
	guest_puts(" failed\n");
	return 0;
}

/* hostile: T32 code at AArch32 EL0, as a 32-bit process under a 64-bit
 * kernel (aarch32.S). What cvisor emulates for it must leave it where
 * the architecture would: after a 16-bit T16 load or WFI the next
 * instruction runs (the PC moves on by 2, not 4), and one in an IT block
 * moves ITSTATE on. What cvisor refuses it must reach our EL1 at the
 * vector for a lower EL in AArch32 (VBAR_EL1 + 0x600), not AArch64's
 * (+ 0x400): an abort for a load from where nothing is, an undefined
 * instruction for a debug register cvisor traps. */
#include "hostile.h"

#define UART        0x09000000u
#define UNBACKED    0x0a000000u /* nothing there (main.c probes it) */
#define UARTFR      0x90u       /* what every load here reads */
#define VTIMER      27
#define EC_DABT_LOW 0x24

struct a32_trap {
	uint64_t vec_spsr; /* vector offset, SPSR << 32 */
	uint64_t esr, far, elr;
};
extern volatile struct {
	uint64_t count;
	struct a32_trap t[4];
} a32_traps;
extern char a32_vectors[], a32_code[], a32_code_abort[], a32_code_mrc[];
void a32_run(uint64_t entry, uint32_t *regs);

enum {
	R_LDR16,
	R_UART,
	R_AFTER,
	R_IT,
	R_ITNEXT,
	R_UNBACKED,
	R_LDR32,
	R_ITLDR,
	R_COUNT = 15
};

static bool has_el0_aarch32(void)
{
	uint64_t pfr0;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return (pfr0 & 0xf) == 2;
}

/* A virtual timer interrupt 50 ms ahead, so that the routine's WFI
 * returns (masked, it wakes WFI up all the same); taken afterwards
 * (gic.c's handler stops the timer). Not sooner: QEMU lets a WFI through
 * without its trap to EL2 when an interrupt is already pending. */
static void vtimer_arm(void)
{
	gic_cpu_init(0);
	gic_enable_private(0, VTIMER);
	__asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(guest_counter_freq() / 20), "r"(1ull)
			 : "memory");
}

static void vtimer_drain(void)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 2, ctl = 0;

	do {
		irq_enable();
		__asm__ volatile("isb; nop; isb" ::: "memory");
		irq_disable();
		__asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(ctl));
	} while (ctl && guest_counter() < end);
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
}

/* Runs a32_code with our vectors, and with EL0's WFI left to EL2's trap
 * (SCTLR_EL1.nTWI). */
static void a32_run_code(uint32_t *regs)
{
	uint64_t vbar, sctlr;

	irq_disable();
	vtimer_arm();
	__asm__ volatile("mrs %0, vbar_el1; mrs %1, sctlr_el1"
			 : "=r"(vbar), "=r"(sctlr));
	__asm__ volatile("msr vbar_el1, %0; msr sctlr_el1, %1; isb"
			 :
			 : "r"(a32_vectors), "r"(sctlr | 1u << 16)
			 : "memory");
	a32_traps.count = 0;
	a32_run((uint64_t)a32_code, regs);
	__asm__ volatile("msr vbar_el1, %0; msr sctlr_el1, %1; isb"
			 :
			 : "r"(vbar), "r"(sctlr)
			 : "memory");
	vtimer_drain();
}

/* Trap 'i' arrived at the AArch32 vector with syndrome class 'ec', from
 * 'pc', from User mode in T32 state. */
static bool a32_trap_is(unsigned i, unsigned ec, const char *pc)
{
	const volatile struct a32_trap *t = &a32_traps.t[i];

	return a32_traps.count > i && (uint32_t)t->vec_spsr == 0x600 &&
	       EC(t->esr) == ec && t->elr == (uint64_t)pc &&
	       (t->vec_spsr >> 32 & 0x3f) == 0x30;
}

void test_aarch32(void)
{
	uint32_t r[R_COUNT] = { 0 };

	if (!has_el0_aarch32()) {
		check("AArch32 at EL0 (ID_AA64PFR0.EL0 = 2)", false, "pfr0 EL0",
		      0);
		return;
	}
	r[R_UART] = UART;
	r[R_UNBACKED] = UNBACKED;
	a32_run_code(r);
	check("AArch32 EL0: T16 load from the UART, then the next instruction",
	      r[R_LDR16] == UARTFR + 1, "r0", r[R_LDR16]);
	check("AArch32 EL0: T32 load from the UART, then the next instruction",
	      r[R_LDR32] == UARTFR + 1, "r6", r[R_LDR32]);
	check("AArch32 EL0: after a T16 WFI, an abort, an undefined MRC: the next instruction",
	      r[R_AFTER] == 3, "count", r[R_AFTER]);
	check("AArch32 EL0: T16 load in an IT block: ITSTATE moves on",
	      r[R_IT] == 0 && r[R_ITNEXT] == 1 && r[R_ITLDR] == UARTFR,
	      "r3, r4, r7",
	      (uint64_t)r[R_IT] << 40 | (uint64_t)r[R_ITNEXT] << 32 |
		      r[R_ITLDR]);

	const volatile struct a32_trap *t = &a32_traps.t[0];
	check("AArch32 EL0: load from where nothing is: abort at VBAR_EL1 + 0x600",
	      a32_trap_is(0, EC_DABT_LOW, a32_code_abort) &&
		      FSC(t->esr) == FSC_SEA && !WNR(t->esr) &&
		      t->far == UNBACKED,
	      "SPSR and vector", t->vec_spsr);
	check("AArch32 EL0: MRC p14 that cvisor traps: undefined at VBAR_EL1 + 0x600",
	      a32_trap_is(1, EC_UNKNOWN, a32_code_mrc) && a32_traps.count == 2,
	      "traps, vector",
	      a32_traps.count << 32 | (uint32_t)a32_traps.t[1].vec_spsr);
}

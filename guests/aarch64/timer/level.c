/* Level-sensitive timer interrupts. A timer's PPI is pending in the GIC
 * while the timer's output is up (ENABLE, not IMASK, ISTATUS), and no
 * longer once it drops. For the virtual (27) and the physical (30)
 * timer, armed in the past with IRQs masked until its interrupt shows
 * pending in ISPENDR0, each way of dropping the output (ENABLE = 0,
 * IMASK = 1, the compare value moved far ahead) must take the pending
 * state away: ISPENDR0 no longer shows it, and IRQs unmasked for a
 * while take nothing. Each case three times: with ISPENDR0 read between
 * the write and the unmask; with IRQs unmasked right after the write;
 * and, pending seen in ISR_EL1 rather than ISPENDR0, with no exit
 * between the interrupt's arrival and the unmask (cvisor's fast path
 * for the virtual timer filled the list register, and lifts its trap on
 * the acknowledge only while the level is up). In the last two, an IRQ
 * whose acknowledge reads 1023 (spurious) may be taken: the GIC
 * signalled it before the level dropped, as hardware may. Acknowledging
 * the timer's INTID is a FAIL either way. */
#include <guest.h>
#include "level.h"

#define CTL_ENABLE 1u
#define CTL_IMASK  2u

#define msr(r, v)                              \
	__asm__ volatile("msr " #r ", %0; isb" \
			 :                     \
			 : "r"((uint64_t)(v))  \
			 : "memory")

enum lower { LOWER_ENABLE, LOWER_IMASK, LOWER_CVAL, LOWER_COUNT };

/* How the case sees its interrupt pending, and when it unmasks IRQs. */
enum seen { SEEN_ISPENDR, SEEN_AT_ONCE, SEEN_ISR, SEEN_COUNT };

static const char *const seen_name[SEEN_COUNT] = {
	"ISPENDR0 read before the unmask",
	"IRQs unmasked at once",
	"seen in ISR_EL1, no exit before the unmask",
};

static const char *const lower_name[LOWER_COUNT] = {
	"ENABLE = 0",
	"IMASK = 1",
	"compare value moved ahead",
};

static volatile unsigned level_ppi;   /* the timer under test, or 0 */
static volatile unsigned level_taken; /* its INTID acknowledged */

static void timer_ctl(unsigned ppi, uint64_t ctl)
{
	if (ppi == 27)
		msr(cntv_ctl_el0, ctl);
	else
		msr(cntp_ctl_el0, ctl);
}

static void timer_cval(unsigned ppi, uint64_t cval)
{
	if (ppi == 27)
		msr(cntv_cval_el0, cval);
	else
		msr(cntp_cval_el0, cval);
}

bool level_irq(unsigned intid)
{
	if (!level_ppi || intid != level_ppi)
		return false;
	level_taken++;
	timer_ctl(intid, 0); /* its level would bring it straight back */
	return true;
}

static bool shown_pending(unsigned ppi)
{
	return gic_pending_private(0) >> ppi & 1;
}

static bool isr_irq(void)
{
	uint64_t isr;

	__asm__ volatile("mrs %0, isr_el1" : "=r"(isr));
	return isr >> 7 & 1;
}

/* Polls ISPENDR0 (each read an exit, where cvisor can deliver), or
 * ISR_EL1 (no exit), until the timer's interrupt shows; false after
 * 100 ms. */
static bool wait_pending(unsigned ppi, bool isr)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 10;

	while (isr ? !isr_irq() : !shown_pending(ppi))
		if (guest_counter() > end)
			return false;
	return true;
}

static void lower(unsigned ppi, enum lower how)
{
	switch (how) {
	case LOWER_ENABLE:
		timer_ctl(ppi, 0);
		break;
	case LOWER_IMASK:
		timer_ctl(ppi, CTL_ENABLE | CTL_IMASK);
		break;
	default: /* 1000 s ahead */
		timer_cval(ppi, guest_counter() + 1000 * guest_counter_freq());
		break;
	}
}

/* IRQs unmasked for 1 ms, then masked again. */
static void unmasked_while(void)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 1000;

	irq_enable();
	while (guest_counter() < end)
		;
	irq_disable();
}

/* Whether a case passed: pending first, then neither shown pending nor
 * acknowledged, and no exception (a trapped acknowledge cvisor got wrong
 * would come back as an undefined instruction). */
static bool case_ok(bool never, bool still, uint64_t traps)
{
	return !never && !still && !level_taken && guest_trap.count == traps;
}

static void report(unsigned ppi, enum lower how, enum seen seen, bool never,
		   bool still, uint64_t traps)
{
	bool ok = case_ok(never, still, traps);

	guest_puts("timer: level PPI ");
	guest_put_dec(ppi);
	guest_puts(", ");
	guest_puts(lower_name[how]);
	guest_puts(", ");
	guest_puts(seen_name[seen]);
	guest_puts(": ");
	guest_puts(ok ? "PASS" : "FAIL");
	if (never)
		guest_puts(" (never pending)");
	if (still)
		guest_puts(" (ISPENDR0 still shows it)");
	if (level_taken) {
		guest_puts(" (acknowledged ");
		guest_put_dec(level_taken);
		guest_puts(" time(s))");
	}
	if (guest_trap.count != traps) {
		guest_puts(" (an exception, ESR ");
		guest_put_hex(guest_trap.esr);
		guest_puts(")");
	}
	if (gic_spurious) {
		guest_puts(" (");
		guest_put_dec(gic_spurious);
		guest_puts(" IRQ(s) acknowledged as 1023)");
	}
	guest_puts("\n");
}

static bool one_case(unsigned ppi, enum lower how, enum seen seen)
{
	uint64_t traps = guest_trap.count;
	bool never, still = false;

	irq_disable();
	level_taken = gic_spurious = 0;
	level_ppi = ppi;
	timer_cval(ppi, 0); /* long past */
	timer_ctl(ppi, CTL_ENABLE);
	never = !wait_pending(ppi, seen == SEEN_ISR);
	lower(ppi, how);
	if (seen == SEEN_ISPENDR)
		still = shown_pending(ppi);
	unmasked_while();
	still = still || shown_pending(ppi);
	timer_ctl(ppi, 0);
	level_ppi = 0;
	report(ppi, how, seen, never, still, traps);
	return case_ok(never, still, traps);
}

bool level_checks(void)
{
	static const unsigned ppis[] = { 27, 30 };
	unsigned passed = 0, total = 0;

	for (unsigned t = 0; t < 2; t++) {
		gic_enable_private(0, ppis[t]);
		for (unsigned how = 0; how < LOWER_COUNT; how++) {
			for (unsigned seen = 0; seen < SEEN_COUNT; seen++) {
				passed += one_case(ppis[t], (enum lower)how,
						   (enum seen)seen);
				total++;
			}
		}
	}
	guest_puts("timer: level-sensitive PPIs 27 and 30: ");
	guest_put_dec(passed);
	guest_puts(" of ");
	guest_put_dec(total);
	guest_puts(" cases passed\n");
	return passed == total;
}

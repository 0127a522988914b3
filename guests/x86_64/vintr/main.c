/* vintr: the LAPIC's interrupts while the guest has them masked, which
 * cvisor offers through the VMCB's V_IRQ for the guest to take without
 * an exit once it unmasks (docs/x86_64.md). An interrupt sent with IF
 * clear waits in the IRR, not in service, across exits; a higher one sent
 * after it is taken first; a TPR raised by CR8 while one is offered holds
 * it back, even to its own priority class (the LAPIC takes only a class
 * above the TPR's), and lowering the TPR by CR8 lets it in before the
 * next instruction. An interrupt taken with IF set is taken once: its
 * handler, spinning with IF clear across the periodic timer's
 * deadlines, is never entered again (QEMU 7.2 delivered an interrupt
 * injected by the VMCB's EVENTINJ a second time at the next deadline:
 * docs/x86_64.md, "Injecting interrupts"). */
#include <guest.h>

#define REG_ISR        0x100
#define REG_IRR        0x200
#define LOW_IPI        0x01 /* vector 0x41, priority class 4 */
#define HIGH_IPI       0x11 /* vector 0x51, class 5 */
#define LOW_VEC        (GUEST_IPI_VECTOR + LOW_IPI)
#define HIGH_VEC       (GUEST_IPI_VECTOR + HIGH_IPI)
#define MAX_TAKEN      8
#define REG_LVT_TIMER  0x320
#define REG_TIMER_INIT 0x380
#define REG_DCR        0x3e0
#define LVT_PERIODIC   0x20000u
#define TIMER_COUNT    10000u /* 100 us at the vLAPIC's 100 MHz */
#define HANDLER_SPINS  8000u  /* 1.5 periods or more, IF clear */

static int failures;
static volatile unsigned taken;
static volatile unsigned order[MAX_TAKEN];
static volatile bool high_in_service;
static volatile unsigned timer_taken, timer_depth, timer_nested;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "vintr: ok: " : "vintr: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

static bool lapic_bit(unsigned reg, unsigned vec)
{
	return LAPIC_REG(reg + vec / 32 * 0x10) >> (vec % 32) & 1;
}

static void on_irq(unsigned irq)
{
	/* The timer's handler spins across its next deadline. */
	if (irq == GUEST_TIMER_VECTOR) {
		timer_taken++;
		if (++timer_depth > 1)
			timer_nested++;
		else /* no PAUSE: QEMU ends its turn there */
			for (volatile unsigned spin = 0; spin < HANDLER_SPINS;
			     spin++)
				;
		timer_depth--;
		return;
	}
	/* IPIs below GUEST_IPIS arrive as their number, others as their
	 * vector. */
	unsigned vec = irq < GUEST_IPI_VECTOR ? GUEST_IPI_VECTOR + irq : irq;

	if (vec == HIGH_VEC)
		high_in_service = lapic_bit(REG_ISR, HIGH_VEC);
	if (taken < MAX_TAKEN)
		order[taken] = vec;
	taken++;
}

static void cr8_write(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

int main(void)
{
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();

	/* Offered at each entry from here on, never taken: the IRR and ISR
	 * reads are exits. */
	guest_ipi_send(0, LOW_IPI);
	check(lapic_bit(REG_IRR, LOW_VEC) && !lapic_bit(REG_ISR, LOW_VEC) &&
		      lapic_bit(REG_IRR, LOW_VEC) && taken == 0,
	      "sent masked: in the IRR, not in service, across exits");

	guest_ipi_send(0, HIGH_IPI);
	irq_enable();
	for (unsigned spin = 0; taken < 2 && spin < 10000000; spin++)
		cpu_relax();
	irq_disable();
	check(taken == 2 && order[0] == HIGH_VEC && order[1] == LOW_VEC,
	      "unmasked: the higher one (0x51) first, then 0x41");
	check(high_in_service, "0x51 in service in its handler");

	/* A TPR raised to 0x41's class while it is offered holds it back. */
	taken = 0;
	guest_ipi_send(0, LOW_IPI);
	cr8_write(4); /* TPR 0x40 */
	irq_enable();
	for (unsigned spin = 0; spin < 100000; spin++)
		cpu_relax();
	check(taken == 0 && lapic_bit(REG_IRR, LOW_VEC),
	      "CR8 raised to 4 while 0x41 was offered: held back");
	cr8_write(0);
	unsigned after = taken; /* the instruction after the write */
	irq_disable();
	check(after == 1, "CR8 lowered to 0: 0x41 taken at once");

	/* The periodic timer, taken with IF set: each time through an
	 * injection (the guest waits with interrupts enabled). */
	LAPIC_REG(REG_DCR) = 0xb; /* divide by 1 */
	LAPIC_REG(REG_LVT_TIMER) = LVT_PERIODIC | GUEST_TIMER_VECTOR;
	LAPIC_REG(REG_TIMER_INIT) = TIMER_COUNT;
	irq_enable();
	for (unsigned spin = 0; timer_taken < 2 && spin < 10000000; spin++)
		cpu_relax();
	irq_disable();
	LAPIC_REG(REG_TIMER_INIT) = 0;
	guest_puts("vintr: timer taken ");
	guest_put_dec(timer_taken);
	guest_puts(" times, entered again ");
	guest_put_dec(timer_nested);
	guest_puts(" times\n");
	check(timer_taken >= 2 && timer_nested == 0,
	      "taken with IF set: once, its handler never entered again");

	guest_puts(failures ? "vintr: FAIL\n" : "vintr: PASS\n");
	return failures;
}

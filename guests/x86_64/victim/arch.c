/* The victim on x86_64: the LAPIC timer, one-shot, its count from the
 * deadline at the LAPIC's rate; to give the pCPU away, HLT until a tick
 * 1 ms ahead (cvisor runs whoever shares it meanwhile). */
#include "victim.h"

#define REG_LVT_TIMER 0x320
#define REG_INIT      0x380
#define REG_DCR       0x3e0

const unsigned victim_timer_irq = GUEST_TIMER_VECTOR;

void victim_timer_init(void (*handler)(unsigned irq))
{
	guest_irq_init(handler);
	guest_irq_cpu_init(0);
	LAPIC_REG(REG_DCR) = 0xb;                      /* divide by 1 */
	LAPIC_REG(REG_LVT_TIMER) = GUEST_TIMER_VECTOR; /* one-shot */
}

void victim_timer_arm(uint64_t cval)
{
	uint64_t now = guest_counter();
	uint64_t left = cval > now ? cval - now : 1;
	uint64_t count = left * (guest_lapic_freq() / 1000) /
			 (guest_counter_freq() / 1000);

	LAPIC_REG(REG_INIT) = (uint32_t)(count + 1); /* never early */
}

void victim_timer_stop(void)
{
	LAPIC_REG(REG_INIT) = 0;
}

void victim_yield(void)
{
	victim_timer_arm(guest_counter() + guest_counter_freq() / 1000);
	wait_irq_masked();
	victim_timer_stop();
}

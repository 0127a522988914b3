/* The one-shot timer (guest.h) on x86_64: the LAPIC timer, its count
 * from the deadline at the LAPIC's rate. */
#include <guest.h>

#define REG_LVT_TIMER 0x320
#define REG_INIT      0x380
#define REG_DCR       0x3e0

const unsigned guest_timer_irq = GUEST_TIMER_VECTOR;

void guest_timer_enable(unsigned cpu)
{
	(void)cpu;                 /* the LAPIC is the calling CPU's */
	lapic_write(REG_DCR, 0xb); /* divide by 1 */
	lapic_write(REG_LVT_TIMER, GUEST_TIMER_VECTOR); /* one-shot */
}

void guest_timer_arm(uint64_t cval)
{
	uint64_t now = guest_counter();
	uint64_t left = cval > now ? cval - now : 1;
	uint64_t count = left * (guest_lapic_freq() / 1000) /
			 (guest_counter_freq() / 1000);

	lapic_write(REG_INIT, (uint32_t)(count + 1)); /* never early */
}

void guest_timer_stop(void)
{
	lapic_write(REG_INIT, 0);
}

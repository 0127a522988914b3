/* The latency guest's timer on x86_64: the LAPIC timer, one-shot, its
 * count worked out from the deadline in TSC ticks (guest_counter()) and
 * the two rates cvisor's timing leaf gives; the options are in the
 * Multiboot command line. */
#include "latency.h"

#define REG_LVT_TIMER  0x320
#define REG_TIMER_INIT 0x380
#define REG_DCR        0x3e0

static uint64_t tsc_hz, lapic_hz;

unsigned latency_arch_timer_init(void)
{
	tsc_hz = guest_counter_freq();
	lapic_hz = guest_lapic_freq();
	lapic_write(REG_DCR, 0xb);                      /* divide by 1 */
	lapic_write(REG_LVT_TIMER, GUEST_TIMER_VECTOR); /* one-shot */
	return GUEST_TIMER_VECTOR;
}

void latency_arch_arm(uint64_t deadline)
{
	uint64_t now = guest_counter();
	uint64_t count = deadline > now ? (deadline - now) * lapic_hz / tsc_hz :
					  0;

	lapic_write(REG_TIMER_INIT, count ? (uint32_t)count : 1);
}

void latency_arch_stop(void)
{
	lapic_write(REG_TIMER_INIT, 0);
}

const char *latency_arch_args(uint64_t boot_arg, size_t *len)
{
	(void)boot_arg;
	return guest_cmdline(len);
}

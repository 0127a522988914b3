/* Time and the host timer.
 *
 * hal_timer_now() is the TSC; its frequency is measured once at boot
 * against the PIT (channel 2, gated by port 0x61, no interrupt needed).
 * Deadlines go to the LAPIC timer: in TSC-deadline mode when CPUID says it
 * exists (the deadline is written as is), otherwise in one-shot mode with
 * the remaining TSC ticks converted to LAPIC timer ticks, whose rate is
 * measured in the same PIT window. A one-shot count that would overflow is
 * clamped: the interrupt comes early and the kernel re-arms. */
#include <hal/hal.h>
#include <kernel/log.h>
#include "x86.h"

#define PIT_HZ          1193182u
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PORT_B          0x61        /* bit 0: ch2 gate, 1: speaker, 5: ch2 out */
#define CALIBRATE_HZ    50u         /* a 20 ms window */
#define LVT_ONESHOT     0u
#define LVT_TSC_DEADLINE (2u << 17)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static uint64_t tsc_hz;
static uint64_t lapic_per_tsc;      /* LAPIC ticks per TSC tick, 32.32 */
static bool tsc_deadline;

void x86_timer_calibrate(void)
{
	uint32_t r[4], latch = PIT_HZ / CALIBRATE_HZ;

	cpuid(1, 0, r);
	tsc_deadline = r[2] & CPUID1_ECX_TSC_DEADLINE;
	x86_lapic_timer_lvt(LVT_ONESHOT | 0x10000 /* masked */ | HAL_TIMER_IRQ);
	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);             /* ch2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, (uint8_t)latch);
	outb(PIT_CH2, (uint8_t)(latch >> 8));
	x86_lapic_timer_write_init(UINT32_MAX);
	uint64_t t0 = rdtsc();
	uint64_t spins = 0;
	while (!(inb(PORT_B) & 0x20) && ++spins < 100000000ull)
		;
	uint64_t t1 = rdtsc();
	uint32_t lapic_ticks = UINT32_MAX - x86_lapic_timer_read_current();
	x86_lapic_timer_write_init(0);
	if (!(inb(PORT_B) & 0x20))
		panic("PIT channel 2 never counted down: cannot time the TSC");
	if (t1 <= t0 || !lapic_ticks)
		panic("TSC or LAPIC timer does not count");
	tsc_hz = (t1 - t0) * CALIBRATE_HZ;
	uint64_t lapic_hz = (uint64_t)lapic_ticks * CALIBRATE_HZ;
	lapic_per_tsc = ((uint64_t)lapic_ticks << 32) / (t1 - t0);
	pr_info("TSC %llu kHz, LAPIC timer %llu kHz, %s mode",
		(unsigned long long)(tsc_hz / 1000),
		(unsigned long long)(lapic_hz / 1000),
		tsc_deadline ? "TSC-deadline" : "one-shot");
}

void x86_timer_cpu_setup(void)
{
	x86_lapic_timer_lvt((tsc_deadline ? LVT_TSC_DEADLINE : LVT_ONESHOT) |
			    HAL_TIMER_IRQ);
}

uint64_t hal_timer_now(void)
{
	return rdtsc();
}

uint64_t hal_timer_freq(void)
{
	return tsc_hz;
}

void hal_timer_set_deadline(uint64_t deadline)
{
	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, deadline ? deadline : 1);
		return;
	}
	uint64_t now = rdtsc();
	uint64_t delta = deadline > now ? deadline - now : 0;
	uint64_t ticks = (uint64_t)(((unsigned __int128)delta * lapic_per_tsc) >> 32);
	x86_lapic_timer_write_init((uint32_t)MIN(MAX(ticks, 1ull), (uint64_t)UINT32_MAX));
}

void hal_timer_stop(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		x86_lapic_timer_write_init(0);
}

void x86_udelay(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;

	while (rdtsc() < end)
		hal_cpu_relax();
}

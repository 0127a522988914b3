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

#define PIT_HZ                  1193182u
#define PIT_CH2                 0x42
#define PIT_CMD                 0x43
#define PORT_B                  0x61 /* bit 0: ch2 gate, 1: speaker, 5: ch2 out */
#define CALIBRATE_HZ            100u /* 10 ms windows */
#define CALIBRATE_RUNS          5
#define LVT_MASKED              0x10000u
#define LVT_ONESHOT             0u
#define LVT_TSC_DEADLINE        (2u << 17)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static uint64_t tsc_hz;
static uint64_t lapic_per_tsc; /* LAPIC ticks per TSC tick, 32.32 */
static bool tsc_deadline;

/* One PIT window of 1/CALIBRATE_HZ s: the TSC and LAPIC timer ticks it
 * took. False if the PIT never counted down. */
static bool pit_window(uint64_t *tsc, uint32_t *lapic)
{
	uint32_t latch = PIT_HZ / CALIBRATE_HZ;
	uint64_t spins = 0;

	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0); /* ch2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, (uint8_t)latch);
	outb(PIT_CH2, (uint8_t)(latch >> 8));
	x86_lapic_timer_write_init(UINT32_MAX);
	uint64_t t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20) && ++spins < 100000000ull)
		;
	uint64_t t1 = rdtsc();
	*lapic = UINT32_MAX - x86_lapic_timer_read_current();
	x86_lapic_timer_write_init(0);
	*tsc = t1 - t0;
	return inb(PORT_B) & 0x20;
}

/* Several windows, the shortest kept: a window can only be stretched
 * (the vCPU descheduled before it reads the TSC), never shortened. */
void x86_timer_calibrate(void)
{
	uint32_t r[4], lapic_ticks = 0, l;
	uint64_t tsc_ticks = UINT64_MAX, t;

	cpuid(1, 0, r);
	tsc_deadline = r[2] & CPUID1_ECX_TSC_DEADLINE;
	x86_lapic_timer_lvt(LVT_ONESHOT | LVT_MASKED | HAL_TIMER_IRQ);
	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		if (!pit_window(&t, &l))
			panic("PIT channel 2 never counted down: cannot time the TSC");
		if (t < tsc_ticks) {
			tsc_ticks = t;
			lapic_ticks = l;
		}
	}
	if (!tsc_ticks || !lapic_ticks)
		panic("TSC or LAPIC timer does not count");
	tsc_hz = tsc_ticks * CALIBRATE_HZ;
	lapic_per_tsc = ((uint64_t)lapic_ticks << 32) / tsc_ticks;
	pr_info("TSC %llu kHz, LAPIC timer %llu kHz, %s mode",
		(unsigned long long)(tsc_hz / 1000),
		(unsigned long long)lapic_ticks * CALIBRATE_HZ / 1000,
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
	uint64_t ticks =
		(uint64_t)(((unsigned __int128)delta * lapic_per_tsc) >> 32);
	x86_lapic_timer_write_init(
		(uint32_t)MIN(MAX(ticks, 1ull), (uint64_t)UINT32_MAX));
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

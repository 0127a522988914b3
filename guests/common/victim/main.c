/* victim: the well-behaved VM beside the hostile one, on the pCPU the
 * hostile VM's first vCPU shares. First, while the hostile VM floods
 * cvisor (interrupt controller, IPIs, traps), it takes a timer interrupt
 * every 5 ms for 2 s and measures how late each comes: cvisor must keep
 * time-slicing the pCPU (a starved victim would wait out the whole
 * flood). Then it fills the upper 12 MiB of its RAM with its pattern and
 * checks it several times while the hostile VM runs, giving its pCPU away
 * in between (victim_yield), and checks that no word of the hostile VM's
 * pattern ever shows up in its RAM. */
#include <pattern.h>
#include "victim.h"

#define RAM_START GUEST_RAM_BASE
/* Searched for the hostile VM's words from its second page: x86's RAM
 * starts at 0, a null pointer to C. */
#define SEARCH_START  (RAM_START + 0x1000ull)
#define PATTERN_START (RAM_START + 0x400000ull)
#define RAM_END       (RAM_START + 0x1000000ull)
#define ROUNDS        8
#define TICK_MS       5
#define TIMER_MS      2000
#define MAX_LATE_MS \
	250 /* a loaded emulator; a starved victim
				   waits out the flood (over 1 s) */

static volatile bool timing;
static volatile unsigned ticks;
static volatile uint64_t deadline, max_late, early;
static uint64_t period;

static void arm(uint64_t cval)
{
	deadline = cval;
	guest_timer_arm(cval);
}

static void on_irq(unsigned irq)
{
	uint64_t now = guest_counter();

	if (irq != guest_timer_irq)
		return;
	if (!timing) { /* a victim_yield()'s tick */
		guest_timer_stop();
		return;
	}
	if (now < deadline)
		early++;
	else if (now - deadline > max_late)
		max_late = now - deadline;
	ticks++;
	arm(now + period);
}

static void timer_phase(void)
{
	uint64_t freq = guest_counter_freq(), end;

	period = freq * TICK_MS / 1000;
	irq_disable();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	guest_timer_enable(0);
	end = guest_counter() + freq * TIMER_MS / 1000;
	timing = true;
	arm(guest_counter() + period);
	while (guest_counter() < end)
		wait_irq_masked();
	timing = false;
	guest_timer_stop();
	uint64_t late_ms = max_late * 1000 / freq;
	bool ok = ticks >= TIMER_MS / TICK_MS / 10 && !early &&
		  late_ms < MAX_LATE_MS;
	guest_puts(ok ? "victim: timer PASS, " : "victim: timer FAIL, ");
	guest_put_dec(ticks);
	guest_puts(" ticks in 2 s, latest ");
	guest_put_dec(late_ms);
	guest_puts(" ms late, ");
	guest_put_dec(early);
	guest_puts(" early\n");
}

int main(void)
{
	uint64_t bad = 0, foreign = 0;

	guest_trap_install();
	timer_phase();

	pattern_fill(VICTIM_TAG, PATTERN_START, RAM_END);
	guest_puts("victim: pattern written\n");
	for (int r = 0; r < ROUNDS; r++) {
		victim_yield();
		bad += pattern_mismatches(VICTIM_TAG, PATTERN_START, RAM_END);
		foreign +=
			pattern_count_tag(HOSTILE_TAG, SEARCH_START, RAM_END);
	}
	guest_puts(bad || foreign ? "victim: FAIL, " : "victim: PASS, ");
	guest_put_dec(bad);
	guest_puts(" words changed, ");
	guest_put_dec(foreign);
	guest_puts(" words of the hostile VM seen\n");
	return 0;
}

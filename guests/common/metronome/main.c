/* metronome: the VM that must not notice the others come and go (the
 * lifecycle stress scenario, tests/groups/qemu-aarch64-shell.sh). A timer
 * interrupt every TICK_MS, the vCPU in WFI in between; each tick notes
 * whether it came early and how late, and checks a slice of a pattern
 * written in its RAM. Every LINE_TICKS ticks one line: the count of lines
 * so far, the worst lateness since the last line, the early ticks and the
 * words of the pattern changed, all time. The scenario checks the lines
 * come in order, and bounds the lateness only under -icount (on a busy
 * host a tick may be late by however long QEMU was not scheduled). */
#include <guest.h>
#include <pattern.h>

#define TICK_MS       10
#define LINE_TICKS    100
#define PATTERN_TAG   0x7e7e0e0eull
#define PATTERN_START (GUEST_RAM_BASE + 0x400000ull)
#define PATTERN_END   (GUEST_RAM_BASE + 0x1000000ull)
#define SLICE         ((PATTERN_END - PATTERN_START) / LINE_TICKS & ~7ull)
/* A copy of the loaded image (code, constants, data) to compare with. */
#define IMAGE_COPY (GUEST_RAM_BASE + 0x200000ull)

extern char _start[], __bss_start[];

static volatile unsigned ticks;
static volatile uint64_t deadline, worst, early;
static uint64_t period;

static void on_irq(unsigned irq)
{
	uint64_t now = guest_counter();

	if (irq != guest_timer_irq)
		return;
	if (now < deadline)
		early++;
	else if (now - deadline > worst)
		worst = now - deadline;
	ticks++;
	deadline = now + period;
	guest_timer_arm(deadline);
}

int main(void)
{
	uint64_t freq = guest_counter_freq(), changed = 0;
	uint64_t image_words = ((uintptr_t)__bss_start - (uintptr_t)_start) / 8;
	volatile uint64_t *image = (volatile uint64_t *)_start;
	volatile uint64_t *copy = (volatile uint64_t *)IMAGE_COPY;
	unsigned seen = 0, lines = 0;

	pattern_fill(PATTERN_TAG, PATTERN_START, PATTERN_END);
	period = freq / 1000 * TICK_MS;
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	guest_timer_enable(0);
	irq_disable();
	for (uint64_t i = 0; i < image_words; i++)
		copy[i] = image[i];
	guest_puts("metronome: start\n");
	deadline = guest_counter() + period;
	guest_timer_arm(deadline);
	for (;;) {
		while (ticks == seen)
			wait_irq_masked();
		seen = ticks;
		uint64_t from = PATTERN_START + seen % LINE_TICKS * SLICE;
		changed += pattern_mismatches(PATTERN_TAG, from, from + SLICE);
		for (uint64_t i = 0; i < image_words; i++)
			if (image[i] != copy[i]) {
				guest_puts("metronome: image word at ");
				guest_put_hex((uint64_t)&image[i]);
				guest_puts(" changed to ");
				guest_put_hex(image[i]);
				guest_puts("\n");
				changed++;
				copy[i] = image[i];
			}
		/* A line each time the count passes a multiple of LINE_TICKS:
		 * two ticks may come in one wait (a host that did not run
		 * QEMU for a tick's length between the handler's counter read
		 * and its re-arm makes the next one due at once), and the
		 * multiple itself would then never be seen. */
		if (seen / LINE_TICKS == lines)
			continue;
		lines = seen / LINE_TICKS;
		guest_puts("metronome: line ");
		guest_put_dec(lines);
		guest_puts(", worst ");
		guest_put_dec(worst * 1000000 / freq);
		guest_puts(" us late, ");
		guest_put_dec(early);
		guest_puts(" early, ");
		guest_put_dec(changed);
		guest_puts(" words changed\n");
		worst = 0;
	}
	return 0;
}

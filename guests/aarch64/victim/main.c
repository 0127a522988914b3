/* victim: the well-behaved VM beside the hostile one. It fills the upper
 * 12 MiB of its RAM with its pattern, then checks it several times while
 * the hostile VM runs, giving its pCPU away in between (WFE, which cvisor
 * traps; a WFI would wait for an interrupt that never comes), and checks
 * that no word of the hostile VM's pattern ever shows up in its RAM. */
#include <guest.h>
#include <pattern.h>

#define RAM_START     0x40000000ull
#define PATTERN_START 0x40400000ull
#define RAM_END       0x41000000ull
#define ROUNDS        8

int main(void)
{
	uint64_t bad = 0, foreign = 0;

	pattern_fill(VICTIM_TAG, PATTERN_START, RAM_END);
	guest_puts("victim: pattern written\n");
	for (int r = 0; r < ROUNDS; r++) {
		__asm__ volatile("wfe");
		bad += pattern_mismatches(VICTIM_TAG, PATTERN_START, RAM_END);
		foreign += pattern_count_tag(HOSTILE_TAG, RAM_START, RAM_END);
	}
	guest_puts(bad || foreign ? "victim: FAIL, " : "victim: PASS, ");
	guest_put_dec(bad);
	guest_puts(" words changed, ");
	guest_put_dec(foreign);
	guest_puts(" words of the hostile VM seen\n");
	return 0;
}

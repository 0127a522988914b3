/* hostile (x86_64): a guest that does what a buggy or malicious one
 * would, beside the victim VM that shares CPU 0 with its vCPU 0: wild
 * loads and stores over the guest-physical space through page tables of
 * its own, every port at every width, bad VMMCALLs, unknown MSRs, every
 * CPUID leaf, the SVM instructions, junk at every LAPIC and IOAPIC
 * offset, IPI floods, INIT and SIPI where they do not belong. Every
 * probe must get the answer a PC without SVM gives; each class prints
 * its verdict. */
#include <pattern.h>
#include "hostile.h"

/* Page 0 (the real-mode vectors) is left out of the search: its first
 * word is a null pointer to C. */
#define PAGE0_END 0x1000ul
/* Below where the runtime and the Multiboot information live. */
#define FRESH_START 0x800000ul

static unsigned failures;
static uint64_t junk_state = 0x9e3779b97f4a7c15ull;

uint64_t junk(void)
{
	junk_state ^= junk_state << 13;
	junk_state ^= junk_state >> 7;
	junk_state ^= junk_state << 17;
	return junk_state;
}

void verdict(const char *what, bool ok)
{
	guest_puts("hostile: ");
	guest_puts(what);
	guest_puts(ok ? ": PASS\n" : ": FAIL\n");
	failures += !ok;
}

bool expect_eq(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return true;
	guest_puts("hostile: ");
	guest_puts(what);
	guest_puts(": FAIL: got ");
	guest_put_hex(got);
	guest_puts(", want ");
	guest_put_hex(want);
	guest_puts("\n");
	return false;
}

bool trapped(uint64_t before, uint64_t vector)
{
	return guest_trap.count == before + 1 && guest_trap.vector == vector;
}

int main(void)
{
	uint64_t nonzero = 0;

	guest_puts("hostile: start\n");
	for (uint64_t a = FRESH_START; a < RAM_END; a += 8)
		nonzero += *(volatile uint64_t *)a != 0;
	verdict("fresh RAM reads zero", nonzero == 0);
	pattern_fill(HOSTILE_TAG, PATTERN_START, RAM_END);
	verdict("second vCPU started", guest_cpu_on(1, 1, second_main) == 0);
	hostile_memory();
	hostile_cpu();
	hostile_lapic();
	hostile_ioapic();
	hostile_ports();
	hostile_ipis();
	hostile_x2apic();
	verdict("no word of the victim VM in our RAM",
		pattern_count_tag(VICTIM_TAG, PAGE0_END, RAM_END) == 0 &&
			pattern_mismatches(HOSTILE_TAG, PATTERN_START,
					   RAM_END) == 0);
	guest_puts("hostile: done, ");
	guest_put_dec(failures);
	guest_puts(" failed\n");
	return 0;
}

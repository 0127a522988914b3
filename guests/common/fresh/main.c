/* fresh: its RAM must read zero until it writes it, whoever had the host
 * memory before. cvisor zeroes a VM's RAM 2 MiB at a time as it is first
 * used (vmm/addrspace.h), so first it touches three chunks first by the
 * arch's accesses that are no plain load or store (fresh_touches[]),
 * each of which must work as on any RAM. Then it counts the nonzero
 * words of 8 MiB it has not written (past its image, below where a DTB
 * goes), fills them with a pattern and waits. `vm restart` (the shell
 * scenarios) gives the next boot the memory this one filled: a chunk
 * cvisor forgot to zero would show the pattern there. */
#include "fresh.h"

#define CHUNK      0x200000ul
#define SCAN_START (GUEST_RAM_BASE + 0x400000ul)
#define SCAN_END   (GUEST_RAM_BASE + 0xc00000ul)

/* The words a first touch wrote: the first two of each chunk it took. */
static bool touched(uintptr_t a)
{
	return (a - SCAN_START) / CHUNK < fresh_touch_count &&
	       (a - SCAN_START) % CHUNK < 16;
}

int main(void)
{
	uint64_t nonzero = 0;
	unsigned failed = 0;

	for (unsigned i = 0; i < fresh_touch_count; i++) {
		bool ok = fresh_touches[i].touch(
			(volatile uint64_t *)(SCAN_START + i * CHUNK));
		failed += !ok;
		guest_puts("fresh: first touch by ");
		guest_puts(fresh_touches[i].name);
		guest_puts(ok ? ": PASS\n" : ": FAIL\n");
	}
	for (uintptr_t a = SCAN_START; a < SCAN_END; a += 8)
		nonzero += !touched(a) && *(volatile uint64_t *)a != 0;
	guest_puts(nonzero ? "fresh: RAM not zeroed: FAIL, " :
			     "fresh: RAM reads zero: PASS, ");
	guest_put_dec(nonzero);
	guest_puts(" nonzero words\n");
	for (uintptr_t a = SCAN_START; a < SCAN_END; a += 8)
		*(volatile uint64_t *)a = a ^ 0x5a5a5a5a5a5a5a5aull;
	guest_puts(failed ? "fresh: RAM filled, a first touch failed\n" :
			    "fresh: RAM filled\n");
	for (;;)
		wait_irq_masked();
	return 0;
}

/* fresh: its RAM must read zero until it writes it, whoever had the host
 * memory before. It counts the nonzero words of 8 MiB of RAM it has not
 * written (past its image, below where a DTB goes), then fills them
 * with a pattern and waits. `vm restart` (the shell scenarios) gives the
 * next boot the memory this one filled: cvisor zeroes a VM's RAM as it
 * is first used (vmm/addrspace.h), and a chunk it forgot would show the
 * pattern here. */
#include <guest.h>

#define SCAN_START (GUEST_RAM_BASE + 0x400000ul)
#define SCAN_END   (GUEST_RAM_BASE + 0xc00000ul)

int main(void)
{
	uint64_t nonzero = 0;

	for (uintptr_t a = SCAN_START; a < SCAN_END; a += 8)
		nonzero += *(volatile uint64_t *)a != 0;
	guest_puts(nonzero ? "fresh: RAM not zeroed: FAIL, " :
			     "fresh: RAM reads zero: PASS, ");
	guest_put_dec(nonzero);
	guest_puts(" nonzero words\n");
	for (uintptr_t a = SCAN_START; a < SCAN_END; a += 8)
		*(volatile uint64_t *)a = a ^ 0x5a5a5a5a5a5a5a5aull;
	guest_puts("fresh: RAM filled\n");
	for (;;)
		wait_irq_masked();
	return 0;
}

/* abort: touches guest-physical addresses that no memory and no device
 * backs, and checks that each access comes back as a synchronous external
 * abort (the architected answer) rather than stopping the VM. */
#include <guest.h>

extern char abort_vectors[];
volatile uint64_t abort_seen[2]; /* ESR_EL1, FAR_EL1; set by vectors.S */

static int probe(uint64_t addr, int write)
{
	abort_seen[0] = 0;
	if (write)
		*(volatile uint32_t *)addr = 0x5a5a5a5a;
	else
		(void)*(volatile uint32_t *)addr;
	uint64_t esr = abort_seen[0];
	/* EC 0x25 (data abort, same EL), DFSC 0x10 (external abort). */
	int ok = (esr >> 26) == 0x25 && (esr & 0x3f) == 0x10 &&
		 !!(esr & (1u << 6)) == write;
	guest_puts(ok ? "abort delivered for " : "NO abort for ");
	guest_put_hex(addr);
	guest_puts(write ? " (write)\n" : " (read)\n");
	return ok;
}

int main(void)
{
	__asm__ volatile("msr vbar_el1, %0; isb" : : "r"(abort_vectors));
	int ok = probe(0x0a000000, 0) & probe(0x0a000000, 1) &
		 probe(0x7f000000, 0) & probe(0x7f000000, 1);
	guest_puts(ok ? "abort: PASS\n" : "abort: FAIL\n");
	return 0;
}

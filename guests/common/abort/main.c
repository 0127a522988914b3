/* abort: touches guest-physical addresses that no memory and no device
 * backs, and checks that each access comes back as the architected fault
 * (guest_trap_is_access_fault) rather than stopping the VM; on a bus that
 * answers every address (GUEST_BUS_READS_ONES: a PC's), as that bus
 * does: no fault, all ones read, the write gone. */
#include <guest.h>

static int probe(uint64_t addr, bool write)
{
	uint64_t before = guest_trap.count;
	uint32_t got = 0;

	if (write)
		*(volatile uint32_t *)addr = 0x5a5a5a5a;
	else
		got = *(volatile uint32_t *)addr;
#ifdef GUEST_BUS_READS_ONES
	/* cppcheck-suppress knownConditionTrueFalse ; the trap handler counts */
	int ok = guest_trap.count == before &&
		 (write ? *(volatile uint32_t *)addr == 0xffffffffu :
			  got == 0xffffffffu);
	guest_puts(ok ? "all ones, no fault, for " : "NOT all ones for ");
#else
	(void)got;
	int ok = guest_trap.count == before + 1 &&
		 guest_trap_is_access_fault(addr, write);
	guest_puts(ok ? "abort delivered for " : "NO abort for ");
#endif
	guest_put_hex(addr);
	guest_puts(write ? " (write)\n" : " (read)\n");
	return ok;
}

int main(void)
{
	guest_trap_install();
	int ok = probe(0x0a000000, false) & probe(0x0a000000, true) &
		 probe(0x7f000000, false) & probe(0x7f000000, true);
	guest_puts(ok ? "abort: PASS\n" : "abort: FAIL\n");
	return 0;
}

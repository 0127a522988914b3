/* abort: touches guest-physical addresses that no memory and no device
 * backs, and checks that each access comes back as the architected fault
 * (guest_trap_is_access_fault) rather than stopping the VM. */
#include <guest.h>

static int probe(uint64_t addr, bool write)
{
	uint64_t before = guest_trap.count;

	if (write)
		*(volatile uint32_t *)addr = 0x5a5a5a5a;
	else
		(void)*(volatile uint32_t *)addr;
	int ok = guest_trap.count == before + 1 &&
		 guest_trap_is_access_fault(addr, write);
	guest_puts(ok ? "abort delivered for " : "NO abort for ");
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

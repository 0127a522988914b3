/* Probes of addresses nothing may back, the same on every arch. */
#include <guest.h>

bool guest_read_unbacked(uint64_t addr)
{
	uint64_t traps = guest_trap.count;
	uint64_t v = *(volatile uint64_t *)addr;

	/* A fault that is the architected answer to it, or (a PC's bus,
	 * which answers every address) all ones. */
	/* cppcheck-suppress knownConditionTrueFalse ; the load may trap, and the handler counts it */
	if (guest_trap.count != traps)
		return guest_trap_is_access_fault(addr, false);
	return v == ~0ull;
}

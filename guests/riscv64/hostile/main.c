/* hostile (riscv64): a guest that does what a buggy or malicious one
 * would, beside the victim VM that shares hart 0 with its vCPU 0: wild
 * loads, stores and fetches across the guest-physical space, bad SBI
 * calls and floods, junk at the vPLIC, hypervisor CSRs and instructions
 * from VS-mode. Every probe must get the answer the privileged and SBI
 * specs give; each class prints its verdict. Then it stops its harts
 * (HSM hart_stop, the last one too): the VM must end cleanly. */
#include <pattern.h>
#include "hostile.h"

#define DTB_START (RAM_START + 0xe00000ul) /* where cvisor puts it */

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

bool expect_eq(const char *what, long got, long want)
{
	if (got == want)
		return true;
	guest_puts("hostile: ");
	guest_puts(what);
	guest_puts(": FAIL: got ");
	guest_put_hex((uint64_t)got);
	guest_puts(", want ");
	guest_put_hex((uint64_t)want);
	guest_puts("\n");
	return false;
}

bool trapped(uint64_t before, uint64_t cause, uint64_t tval)
{
	return guest_trap.count == before + 1 && guest_trap.scause == cause &&
	       guest_trap.stval == tval;
}

/* Fresh RAM (below the DTB cvisor wrote, which has been read by now)
 * must not show anything of cvisor or of another VM. */
static void own_ram(void)
{
	uint64_t nonzero = 0;

	for (uint64_t a = PATTERN_START; a < DTB_START; a += 8)
		nonzero += *(volatile uint64_t *)a != 0;
	verdict("fresh RAM reads zero", nonzero == 0);
	pattern_fill(HOSTILE_TAG, PATTERN_START, RAM_END);
}

int main(void)
{
	guest_trap_install();
	guest_puts("hostile: start\n");
	own_ram();
	verdict("second vCPU started",
		guest_cpu_on(1, 1, second_main) == SBI_SUCCESS);
	hostile_memory();
	hostile_sbi();
	hostile_floods();
	hostile_plic();
	hostile_csrs();
	verdict("no word of the victim VM in our RAM",
		pattern_count_tag(VICTIM_TAG, RAM_START, RAM_END) == 0 &&
			pattern_mismatches(HOSTILE_TAG, PATTERN_START,
					   RAM_END) == 0);
	guest_puts("hostile: done, ");
	guest_put_dec(failures);
	guest_puts(" failed\n");
	/* The last hart stops: the VM ends without SRST. */
	second_halt();
	guest_cpu_off();
}

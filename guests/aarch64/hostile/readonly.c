/* hostile: memory the config gives us read-only (hostile-aarch64.toml:
 * one page at RO_IPA, flags R), written through a stage-1 mapping whose
 * VA is not the IPA. cvisor must answer with an abort that names our VA
 * (FAR) and leave the page as it was. (cvisor logs the IPA: on QEMU
 * HPFAR_EL2 always holds it, on a real core it may be UNKNOWN for such a
 * permission fault and cvisor translates the VA itself; QEMU cannot tell
 * the two apart.) */
#include "hostile.h"

#define RO_IPA 0x3f800000ull
#define RO_VA  (RO_IPA + 0x80000000ull) /* mmu_normal_on()'s alias */

static uint64_t stp_esr(uint64_t a)
{
	trap_arm();
	__asm__ volatile("stp wzr, wzr, [%0]" : : "r"(a) : "memory");
	return trapped();
}

void test_readonly(void)
{
	uint64_t read_esr, esr, far, pair_esr, pair_far;
	uint32_t before, after;

	mmu_normal_on();
	trap_arm();
	before = *(volatile uint32_t *)(RO_VA + 0x10);
	read_esr = trapped();
	trap_arm();
	*(volatile uint32_t *)(RO_VA + 0x10) = 0x5a5a5a5a;
	esr = trapped();
	far = guest_trap.far;
	pair_esr = stp_esr(RO_VA + 0x20); /* ISV = 0 */
	pair_far = guest_trap.far;
	after = *(volatile uint32_t *)(RO_VA + 0x10);
	mmu_off();
	check("read-only RAM: reads", !read_esr, "esr", read_esr);
	check("read-only RAM: write through a VA that is not the IPA: abort at that VA",
	      is_sea(esr, 1) && far == RO_VA + 0x10, "FAR", far);
	check("read-only RAM: store pair (ISV=0): abort at that VA",
	      is_sea(pair_esr, 1) && pair_far == RO_VA + 0x20, "FAR", pair_far);
	check("read-only RAM: unchanged", after == before, "read", after);
}

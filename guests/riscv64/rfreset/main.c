/* rfreset: a reboot (SBI SRST) asked by vCPU 1 while vCPU 0 floods remote
 * fences at every vCPU. Should vCPU 0 wait for vCPU 1's fence while vCPU
 * 1, in cvisor, waits for vCPU 0 to stop for the reboot, neither may
 * wait forever: the VM must come back for its second boot. (That moment
 * is narrow: the run meets it seldom; it checks that the two get along.) */
#include <guest.h>

#define BOOT_MARK      ((volatile uint64_t *)(GUEST_RAM_BASE + 0xf00000ul))
#define MARK           0x7f5e7f5e7f5e7f5eull
#define SBI_EXT_RFENCE 0x52464e43ul

static volatile unsigned fencing;

static void ask_reset(unsigned index)
{
	(void)index;
	while (!fencing)
		cpu_relax();
	/* Let vCPU 0 fence for a while first. */
	for (uint64_t until = guest_counter() + guest_counter_freq() / 500;
	     guest_counter() < until;)
		guest_sbi(SBI_EXT_RFENCE, 1, 0, (unsigned long)-1, 0);
	guest_puts("rfreset: vCPU 1 asks for a reboot\n");
	guest_system_reset();
	guest_puts("rfreset: FAIL: the reboot returned\n");
}

int main(void)
{
	if (*BOOT_MARK == MARK) {
		guest_puts("rfreset: second boot: PASS\n");
		return 0;
	}
	*BOOT_MARK = MARK;
	guest_puts("rfreset: first boot\n");
	if (guest_cpu_on(1, 1, ask_reset)) {
		guest_puts("rfreset: FAIL: hart_start\n");
		return 0;
	}
	for (;;) {
		guest_sbi(SBI_EXT_RFENCE, 1, 0, (unsigned long)-1, 0);
		fencing = 1;
	}
}

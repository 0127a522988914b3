/* rfreset: two reboots (SBI SRST) asked by vCPU 1. The first while vCPU 0
 * floods remote fences at every vCPU: should vCPU 0 wait for vCPU 1's
 * fence while vCPU 1, in cvisor, waits for vCPU 0 to stop for the
 * reboot, neither may wait forever. (That moment is narrow: the run meets
 * it seldom; it checks that the two get along.) The second while vCPU 0
 * sleeps in WFI with no interrupt enabled and no deadline, which cvisor
 * waits for in place, the vCPU loaded, its hart to itself (vcpu.c,
 * wfi_in_place): the reboot turns vCPU 0 off, and that wait must see it
 * (nothing else ends it). The VM must come back each time. */
#include <guest.h>

#define BOOT_MARK      ((volatile uint64_t *)(GUEST_RAM_BASE + 0xf00000ul))
#define MARK           0x7f5e7f5e7f5e7f5eull
#define SBI_EXT_RFENCE 0x52464e43ul

static volatile unsigned fencing;

static void reboot(void)
{
	guest_system_reset();
	guest_puts("rfreset: FAIL: the reboot returned\n");
}

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
	reboot();
}

/* The second boot's vCPU 1: vCPU 0 has had 2 ms to get into its WFI. */
static void ask_reset_in_wfi(unsigned index)
{
	(void)index;
	for (uint64_t until = guest_counter() + guest_counter_freq() / 500;
	     guest_counter() < until;)
		cpu_relax();
	guest_puts("rfreset: vCPU 1 asks for a reboot while vCPU 0 waits in "
		   "WFI\n");
	reboot();
}

int main(void)
{
	if (*BOOT_MARK == MARK + 1) {
		guest_puts("rfreset: third boot: PASS\n");
		return 0;
	}
	if (*BOOT_MARK == MARK) {
		*BOOT_MARK = MARK + 1;
		guest_puts("rfreset: second boot\n");
		if (guest_cpu_on(1, 1, ask_reset_in_wfi)) {
			guest_puts("rfreset: FAIL: hart_start\n");
			return 0;
		}
		irq_disable();
		csr_write(sie, 0);
		for (;;)
			__asm__ volatile("wfi" ::: "memory");
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

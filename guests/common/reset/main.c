/* reset: checks that a system reset (PSCI SYSTEM_RESET, SBI SRST) reboots
 * the VM.
 *
 * First boot: vCPU 0 marks a word of RAM outside the image, changes an
 * initialised variable, starts vCPU 1 and spins without ever exiting;
 * vCPU 1 asks for the reset. After the reboot vCPU 0 must start afresh at
 * the entry point, with the image reloaded (the variable has its initial
 * value again), the marker still there, and vCPU 1 off. */
#include <guest.h>

/* RAM the image does not cover: it survives a reboot. */
#define BOOT_MARK ((volatile uint64_t *)(GUEST_RAM_BASE + 0xf00000ul))
#define MARK      0xb007b007b007b007ull

static volatile uint64_t reloaded = 0x5eed; /* .data: reloaded at reset */

static void ask_reset(unsigned index)
{
	(void)index;
	guest_puts("reset: vCPU 1 asks for a system reset\n");
	guest_system_reset();
	guest_puts("reset: FAIL: SYSTEM_RESET returned\n");
}

int main(void)
{
	if (*BOOT_MARK != MARK) {
		*BOOT_MARK = MARK;
		reloaded = 0xdead;
		guest_puts("reset: first boot\n");
		if (guest_cpu_on(1, 1, ask_reset)) {
			guest_puts("reset: FAIL: CPU_ON\n");
			return 0;
		}
		/* No exits from here on: only cvisor's kick can stop us. */
		for (volatile uint64_t n = 0;; n++)
			;
	}
	guest_puts("reset: second boot\n");
	if (reloaded != 0x5eed)
		guest_puts("reset: FAIL: image not reloaded\n");
	else if (!guest_cpu_is_off(1))
		guest_puts("reset: FAIL: vCPU 1 still on\n");
	else
		guest_puts("reset: PASS\n");
	return 0;
}

/* Calls into the firmware's PSCI: CPU start and machine power. */
#include <hal/hal.h>
#include <kernel/log.h>
#include "aarch64.h"

#define PSCI_CPU_ON_64    0xc4000003ull
#define PSCI_SYSTEM_OFF   0x84000008ull
#define PSCI_SYSTEM_RESET 0x84000009ull

void secondary_entry(void);

uint64_t arch_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

int hal_cpu_start(unsigned cpu, uint64_t hwid)
{
	return (int)arch_psci_call(PSCI_CPU_ON_64, hwid,
				   (uint64_t)secondary_entry, cpu);
}

void hal_system_off(void)
{
	arch_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void hal_system_reset(void)
{
	arch_psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

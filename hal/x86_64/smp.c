/* Secondary CPUs: INIT-SIPI-SIPI to a real-mode trampoline below 1 MiB
 * (head.S), which enters long mode on the boot page tables and calls
 * kernel_secondary_main() on the CPU's own 16 KiB boot stack. CPUs are
 * started one at a time (the kernel waits for each to come online), so
 * one global names the CPU being started. */
#include <hal/hal.h>
#include <kernel/log.h>
#include <string.h>
#include "x86.h"

#define ICR_INIT    0x0500
#define ICR_STARTUP 0x0600
#define ICR_ASSERT  0x4000
#define AP_WAIT_US  1000000

extern char x86_trampoline_start[], x86_trampoline_end[];

volatile uint32_t x86_ap_cpu;

static bool ap_wait(uint64_t us)
{
	for (uint64_t t = 0; t < us; t += 10) {
		if (__atomic_load_n(&x86_ap_started, __ATOMIC_ACQUIRE))
			return true;
		x86_udelay(10);
	}
	return __atomic_load_n(&x86_ap_started, __ATOMIC_ACQUIRE);
}

int hal_cpu_start(unsigned cpu, uint64_t hwid)
{
	size_t len =
		(uintptr_t)x86_trampoline_end - (uintptr_t)x86_trampoline_start;
	uint32_t apic_id = (uint32_t)hwid;

	BUG_ON(len > PAGE_SIZE || cpu >= MAX_CPUS);
	memcpy(pa_to_ptr(X86_TRAMPOLINE_PA), x86_trampoline_start, len);
	x86_ap_cpu = cpu;
	__atomic_store_n(&x86_ap_started, 0, __ATOMIC_RELEASE);
	/* INIT, 10 ms, then Startup IPIs (vector = trampoline page) until
	 * the CPU answers: a running CPU ignores a second one. */
	x86_lapic_send(apic_id, ICR_INIT | ICR_ASSERT);
	x86_udelay(10000);
	for (int i = 0; i < 2; i++) {
		x86_lapic_send(apic_id, ICR_STARTUP | ICR_ASSERT |
						(X86_TRAMPOLINE_PA >> 12));
		if (ap_wait(i ? AP_WAIT_US : 200))
			return 0;
	}
	return -1;
}

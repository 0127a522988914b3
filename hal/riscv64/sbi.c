/* Calls into the SBI firmware (OpenSBI): ecall with a7 = extension id,
 * a6 = function id, arguments in a0-a5; error in a0, value in a1. */
#include <hal/hal.h>
#include <kernel/log.h>
#include "riscv64.h"

#define SBI_TIME_SET_TIMER        0
#define SBI_IPI_SEND_IPI          0
#define SBI_HSM_HART_START        0
#define SBI_HSM_HART_GET_STATUS   2
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_SRST_RESET            0
#define SBI_SRST_SHUTDOWN         0
#define SBI_SRST_COLD_REBOOT      1
#define SBI_LEGACY_SHUTDOWN       0x08ul

void secondary_entry(void);

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

void sbi_set_timer(uint64_t stime)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime, 0, 0);
}

/* One hart: a mask of bit 0 with the hart id as its base. */
int sbi_send_ipi(uint64_t hartid)
{
	return (int)sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0).error;
}

static long hart_status(uint64_t hwid)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hwid, 0, 0).value;
}

/* The hart starts at secondary_entry in S-mode with the MMU off,
 * a0 = its hart id and a1 = 'cpu' (the opaque argument); should the
 * firmware send it to _start instead, head.S finds 'cpu' in
 * arch_hart_start_cpu. A hart the firmware had sent to _start before
 * cvisor asked for it may still be on its way back to the firmware:
 * started by the firmware's account until it has stopped itself, so it
 * is waited for (a second at most). */
/* Read by head.S's late_hart: a hart the firmware sends to _start after
 * cvisor asked for it at secondary_entry goes there all the same. */
#define ARCH_HART_TABLE 64
extern volatile uint32_t arch_hart_start_cpu[ARCH_HART_TABLE];

int hal_cpu_start(unsigned cpu, uint64_t hwid)
{
	long err = SBI_ERR_ALREADY_AVAILABLE;
	uint64_t until = hal_timer_now() + hal_timer_freq();

	__atomic_store_n(&arch_smp_yield, true, __ATOMIC_RELAXED);
	if (hwid < ARCH_HART_TABLE) {
		arch_hart_start_cpu[hwid] = cpu + 1;
		__asm__ volatile("fence rw, rw" ::: "memory");
	}

	for (unsigned tries = 0; err == SBI_ERR_ALREADY_AVAILABLE; tries++) {
		err = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hwid,
			       (unsigned long)secondary_entry, cpu)
			      .error;
		if (err == 0 && tries)
			pr_info("hart %llu: the firmware had sent it to cvisor's "
				"entry too; it stopped itself and started now",
				(unsigned long long)hwid);
		if (err != SBI_ERR_ALREADY_AVAILABLE)
			break;
		if (hal_timer_now() > until) {
			pr_warn("hart %llu: SBI HSM says it is already started "
				"(status %ld), but it never came to cvisor",
				(unsigned long long)hwid, hart_status(hwid));
			break;
		}
		hal_cpu_relax();
	}
	return (int)err;
}

static void __attribute__((noreturn)) sbi_reset(unsigned long type)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, type, 0, 0);
	/* SBI before v0.3 has no SRST: the legacy shutdown call then. */
	if (type == SBI_SRST_SHUTDOWN)
		sbi_call(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void hal_system_off(void)
{
	sbi_reset(SBI_SRST_SHUTDOWN);
}

void hal_system_reset(void)
{
	sbi_reset(SBI_SRST_COLD_REBOOT);
}

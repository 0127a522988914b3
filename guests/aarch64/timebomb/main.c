/* timebomb: goes away with both of its EL1 timers armed, as Linux's
 * poweroff leaves its tick armed. vCPU 1 (on pCPU 1) arms its virtual and
 * physical timers FUSE_MS ahead and turns itself off (CPU_OFF); vCPU 0
 * (on pCPU 0) waits until it is off, arms its own two timers the same
 * way and powers the VM off. The deadlines pass while the VMs beside it
 * still run: nothing of this VM may fire then. */
#include <guest.h>

#define FUSE_MS 50

static void arm_both(void)
{
	uint64_t at = guest_counter() + guest_counter_freq() * FUSE_MS / 1000;

	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1\n\t"
			 "msr cntp_cval_el0, %0; msr cntp_ctl_el0, %1; isb"
			 :
			 : "r"(at), "r"(1ull)
			 : "memory");
}

static void second(unsigned me)
{
	gic_cpu_init(me);
	gic_enable_private(me, 27);
	gic_enable_private(me, 30);
	arm_both();
	/* guest_cpu_on's caller turns us off when we return */
}

int main(void)
{
	gic_init(0);
	gic_cpu_init(0);
	gic_enable_private(0, 27);
	gic_enable_private(0, 30);
	irq_disable();
	if (guest_cpu_on(1, 1, second)) {
		guest_puts("timebomb: FAIL: no second vCPU\n");
		return 0;
	}
	/* AFFINITY_INFO: 1 = OFF */
	while (guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0) != 1)
		__asm__ volatile("yield");
	arm_both();
	guest_puts(
		"timebomb: vCPU 1 off, both timers armed on each vCPU; powering off\n");
	return 0;
}

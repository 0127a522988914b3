/* churn: a VM the lifecycle stress scenario stops at any moment
 * (tests/groups/qemu-aarch64-shell.sh). Its vCPUs take turns running in
 * the guest (spinning on the counter, no exits) and waiting in WFI for
 * their timer; every ROUNDS rounds vCPU 1 (vCPU 0 when alone) reboots the
 * VM, so a stop lands in the guest, in WFI, or in the middle of a reboot. */
#include <guest.h>

#define ROUND_US 500
#define ROUNDS   1

static volatile unsigned fired[GUEST_MAX_CPUS];
static uint64_t round_len;

static void on_irq(unsigned irq)
{
	if (irq != guest_timer_irq)
		return;
	guest_timer_stop();
	fired[guest_cpu_index()] = 1;
}

/* 'n' rounds (0: forever) of ROUND_US in the guest, then as long in WFI. */
static void rounds(unsigned me, unsigned n)
{
	for (unsigned r = 0; !n || r < n; r++) {
		uint64_t end = guest_counter() + round_len;
		while (guest_counter() < end)
			;
		fired[me] = 0;
		guest_timer_arm(guest_counter() + round_len);
		while (!fired[me])
			wait_irq_masked();
	}
}

static void reboot(unsigned me)
{
	rounds(me, ROUNDS);
	guest_system_reset();
	guest_puts("churn: FAIL: the reboot returned\n");
	rounds(me, 0);
}

static void secondary(unsigned me)
{
	guest_irq_cpu_init(me);
	guest_timer_enable(me);
	irq_disable();
	reboot(me);
}

int main(void)
{
	round_len = guest_counter_freq() / 1000000 * ROUND_US;
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	guest_timer_enable(0);
	irq_disable();
	guest_puts("churn: start\n");
	if (guest_cpu_on(1, 1, secondary))
		reboot(0); /* one vCPU */
	rounds(0, 0);
	return 0;
}

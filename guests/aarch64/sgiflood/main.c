/* sgiflood: tries to decide how often its neighbours' pCPUs switch. vCPU 1
 * (on pCPU 1) sends SGIs to vCPU 0 (on pCPU 0) for FLOOD_MS, each as soon
 * as vCPU 0 has taken the one before and had PAUSE_US to go back to WFI:
 * so each SGI wakes a vCPU that waits, the wake-up an attacker can make
 * most often. cvisor must not let those wake-ups preempt whatever else
 * runs on pCPU 0 (the bystander VM there): it gets its slices, and the
 * count of its preemptions (logged as the VM stops) stays bounded by them. */
#include <guest.h>

#define FLOOD_MS 500
#define SGI      1
#define PAUSE_US 20

static volatile unsigned taken, stop;
static uint64_t sent;

static void on_irq(unsigned intid)
{
	if (intid == SGI)
		taken++;
}

static void flood(unsigned me)
{
	uint64_t freq = guest_counter_freq();
	uint64_t end = guest_counter() + freq * FLOOD_MS / 1000;
	uint64_t pause = freq * PAUSE_US / 1000000;

	gic_cpu_init(me);
	while (guest_counter() < end) {
		gic_send_sgi(0, SGI);
		sent++;
		while (taken < sent && guest_counter() < end)
			;
		for (uint64_t t = guest_counter() + pause; guest_counter() < t;)
			;
	}
	stop = 1;
	__asm__ volatile("dmb sy" ::: "memory");
	gic_send_sgi(0, SGI);
}

int main(void)
{
	gic_init(on_irq);
	gic_cpu_init(0);
	gic_enable_private(0, SGI);
	irq_disable();
	if (guest_cpu_on(1, 1, flood)) {
		guest_puts("sgiflood: FAIL: no second vCPU\n");
		return 0;
	}
	while (!stop)
		wait_irq_masked();
	guest_puts("sgiflood: ");
	guest_put_dec(sent);
	guest_puts(" SGIs sent, ");
	guest_put_dec(taken);
	guest_puts(" taken\n");
	return 0;
}

/* sgiflood: tries to decide how often its neighbours' pCPUs switch. vCPU 1
 * (on pCPU 1) sends SGIs to vCPU 0 (on pCPU 0) for FLOOD_MS, each as soon
 * as vCPU 0 has taken the one before and had PAUSE_US to go back to WFI:
 * so each SGI wakes a vCPU that waits, the wake-up an attacker can make
 * most often. cvisor must not let those wake-ups preempt whatever else
 * runs on pCPU 0 (the bystander VM there): it gets its slices, and the
 * count of its preemptions (logged as the VM stops) stays bounded by them.
 *
 * Then a slow case of cvisor's IPI exits (vgic.c: sgi_refill_lr0): an SGI
 * raised again while the receiver's list register still holds it, done
 * with, goes straight back into that list register only if it may be
 * delivered. vCPU 1 gives vCPU 0 CHECK_SGI once, turns the distributor's
 * group 1 off (which changes no list register and kicks nobody), raises
 * CHECK_SGI again: vCPU 0, alone on its pCPU and waiting in its own WFI
 * since its EOI, must not take it until group 1 is on again. */
#include <guest.h>

#define FLOOD_MS  500
#define SGI       1
#define CHECK_SGI 2
#define PAUSE_US  20

static volatile unsigned taken, stop, check_taken;
static volatile unsigned check_done; /* check_taken as vCPU 0 goes to WFI */
static volatile bool check_early;    /* taken with group 1 off */
static uint64_t sent;

static void on_irq(unsigned intid)
{
	if (intid == SGI)
		taken++;
	else if (intid == CHECK_SGI)
		check_taken++;
}

static uint64_t pause_ticks(void)
{
	return guest_counter_freq() * PAUSE_US / 1000000;
}

/* Waits 'us' of the counter's time, or until *count reaches 'want'. */
static void wait_for(const volatile unsigned *count, unsigned want, uint64_t us)
{
	uint64_t end = guest_counter() + guest_counter_freq() * us / 1000000;

	while (guest_counter() < end && *count < want)
		;
}

/* The waits for what cvisor must deliver have no bound of their own (one
 * it loses hangs the scenario, which fails at its timeout): a busy host
 * may run vCPU 0 late. Only the window in which the SGI must not come
 * is timed; a late vCPU 0 can only shorten what it shows. */
static void group_off_check(void)
{
	gic_send_sgi(0, CHECK_SGI);
	/* Taken and ended (EOI: its list register done with), vCPU 0 on
	 * its way back to WFI with no exit meanwhile. */
	while (check_done < 1)
		;
	gic_dist_enable(false);
	gic_send_sgi(0, CHECK_SGI);
	wait_for(&check_taken, 2, 20000);
	check_early = check_taken != 1;
	gic_dist_enable(true);
	while (check_taken < 2)
		;
}

static void flood(unsigned me)
{
	uint64_t freq = guest_counter_freq();
	uint64_t end = guest_counter() + freq * FLOOD_MS / 1000;
	uint64_t pause = pause_ticks();

	gic_cpu_init(me);
	while (guest_counter() < end) {
		gic_send_sgi(0, SGI);
		sent++;
		while (taken < sent && guest_counter() < end)
			;
		for (uint64_t t = guest_counter() + pause; guest_counter() < t;)
			;
	}
	wait_for(&taken, (unsigned)sent, 100000); /* the last one too */
	group_off_check();
	stop = 1;
	__asm__ volatile("dmb sy" ::: "memory");
	gic_send_sgi(0, SGI);
}

int main(void)
{
	gic_init(on_irq);
	gic_cpu_init(0);
	gic_enable_private(0, SGI);
	gic_enable_private(0, CHECK_SGI);
	irq_disable();
	if (guest_cpu_on(1, 1, flood)) {
		guest_puts("sgiflood: FAIL: no second vCPU\n");
		return 0;
	}
	while (!stop) {
		check_done = check_taken;
		wait_irq_masked();
	}
	guest_puts("sgiflood: ");
	guest_put_dec(sent);
	guest_puts(" SGIs sent, ");
	guest_put_dec(taken);
	guest_puts(" taken\n");
	guest_puts("sgiflood: an SGI raised again while held, group 1 off: ");
	guest_puts(check_early ? "FAIL: taken" : "not taken");
	guest_puts("; taken once on\n"); /* group_off_check() waited */
	return 0;
}

/* ptdev: a passthrough device and its interrupt. The host's goldfish RTC
 * (host 0x0010_1000, PLIC source 11) is given to this VM at guest
 * 0x2000_0000 (the G stage translates) with its interrupt forwarded to
 * the VM's PLIC as source 11. The guest reads the clock, then sets its
 * alarm twice; each alarm must arrive as source 11. The second one only
 * comes if cvisor unmasked the host's source after the guest completed
 * the first. With bootargs "pause" it then keeps an alarm coming
 * every 20 ms, waiting in WFI with no deadline of its own (which cvisor
 * waits for in place, the vCPU loaded, on a hart it has to itself:
 * vcpu.c, wfi_in_place), until the shell stops the VM. One that comes
 * at least 300 ms after the one before was held back by a suspension
 * from the shell (cvisor must not have dropped it).
 *
 * With bootargs "reset" (tests/config/runtime/ptdev-reset-riscv64.toml,
 * two vCPUs) the first boot leaves an alarm pending at the host (fired,
 * masked there by cvisor, not enabled in the guest's PLIC, never
 * cleared), and vCPU 1 reboots the VM while vCPU 0 is off, its hart
 * idle. The RTC keeps its line up across the reboot, so the host's
 * source fires again as the reset unmasks it: cvisor must hold it for
 * the rebooted guest, which takes it once it enables source 11. */
#include <guest.h>

#define RTC_BASE         0x20000000ul
#define RTC_IRQ          11u
#define RTC_TIME_LOW     0x00
#define RTC_TIME_HIGH    0x04
#define RTC_ALARM_LOW    0x08
#define RTC_ALARM_HIGH   0x0c
#define RTC_IRQ_ENABLED  0x10
#define RTC_CLEAR_INT    0x1c
#define PLIC             0x0c000000ul
#define REG32(a)         (*(volatile uint32_t *)(a))
#define RTC_ALARM_STATUS 0x18
#define ROUNDS           2
/* RAM the image does not cover: it survives a reboot. */
#define BOOT_MARK ((volatile uint64_t *)(GUEST_RAM_BASE + 0xf00000ul))
#define MARK      0x97de597de597de5ull

static volatile unsigned alarms, others;

static uint64_t rtc_now(void)
{
	uint64_t lo = REG32(RTC_BASE + RTC_TIME_LOW); /* latches the high */

	return (uint64_t)REG32(RTC_BASE + RTC_TIME_HIGH) << 32 | lo;
}

static void on_irq(unsigned irq)
{
	if (irq == GUEST_IRQ_PLIC(RTC_IRQ)) {
		REG32(RTC_BASE + RTC_CLEAR_INT) = 1;
		alarms++;
	} else {
		others++;
	}
}

static bool bootargs_are(const char *p)
{
	const char *a = guest_bootargs();

	while (*p && *a == *p)
		a++, p++;
	return !*a && !*p;
}

static void alarm_in(uint64_t ns)
{
	uint64_t at = rtc_now() + ns;

	REG32(RTC_BASE + RTC_ALARM_HIGH) = (uint32_t)(at >> 32);
	REG32(RTC_BASE + RTC_ALARM_LOW) = (uint32_t)at; /* arms it */
}

/* The next alarm, 20 ms from now, waited for. */
static void next_alarm(void)
{
	unsigned want = alarms + 1;

	alarm_in(20000000ull);
	while (alarms < want)
		wait_irq_masked();
}

/* Alarms until the VM is stopped, each held back by a suspension (one
 * at least 300 ms after the one before) reported. */
static void held_back(void)
{
	uint64_t ms = guest_counter_freq() / 1000, last = guest_counter();

	guest_puts("ptdev: an alarm every 20 ms\n");
	for (;;) {
		next_alarm();
		uint64_t now = guest_counter(), gap = (now - last) / ms;
		last = now;
		if (gap >= 300) {
			guest_puts(
				"ptdev: an alarm held back while suspended (");
			guest_put_dec(gap);
			guest_puts(" ms after the one before)\n");
		}
	}
}

static void ask_reset(unsigned index)
{
	(void)index;
	guest_system_reset();
}

/* First boot with "reset": an alarm fired and left pending, then the
 * reboot. */
static void hold_and_reset(void)
{
	*BOOT_MARK = MARK;
	REG32(RTC_BASE + RTC_IRQ_ENABLED) = 1;
	alarm_in(1000000ull); /* 1 ms */
	uint64_t end = guest_counter() + 5 * guest_counter_freq();
	while (REG32(RTC_BASE + RTC_ALARM_STATUS) && guest_counter() < end)
		;
	/* A millisecond for the host's interrupt to be taken. */
	end = guest_counter() + guest_counter_freq() / 1000;
	while (guest_counter() < end)
		;
	guest_puts("ptdev: an alarm left pending, vCPU 1 reboots the VM\n");
	guest_cpu_on(1, 1, ask_reset);
	guest_cpu_off();
}

/* Second boot with "reset": the alarm pending across the reboot comes
 * once source 11 is enabled. */
static bool stale_taken(void)
{
	uint64_t end = guest_counter() + 5 * guest_counter_freq();

	irq_enable();
	while (!alarms && guest_counter() < end)
		;
	irq_disable();
	if (!alarms) {
		guest_puts("ptdev: FAIL: the alarm pending across the reboot "
			   "did not come\n");
		return false;
	}
	guest_puts("ptdev: the alarm pending across the reboot taken\n");
	alarms = 0;
	return true;
}

int main(void)
{
	unsigned me = guest_cpu_index();
	uint64_t t0 = rtc_now(), t1;

	guest_puts("ptdev: RTC at guest 0x20000000 reads ");
	guest_put_dec(t0 / 1000000000ull);
	guest_puts(" s since the epoch\n");
	bool reset = bootargs_are("reset");
	if (reset && *BOOT_MARK != MARK)
		hold_and_reset();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(me);
	REG32(PLIC + 4 * RTC_IRQ) = 1;
	REG32(PLIC + 0x2000 + 0x80 * (2 * me + 1)) |= 1u << RTC_IRQ;
	REG32(RTC_BASE + RTC_IRQ_ENABLED) = 1;
	irq_disable();
	if (reset && !stale_taken())
		return 0;
	for (unsigned round = 1; round <= ROUNDS; round++) {
		alarm_in(5000000ull); /* 5 ms */
		while (alarms < round)
			wait_irq_masked();
		guest_puts("ptdev: alarm ");
		guest_put_dec(round);
		guest_puts(" taken as PLIC source 11\n");
	}
	t1 = rtc_now();
	guest_puts(t1 > t0 && others == 0 ? "ptdev: PASS\n" : "ptdev: FAIL\n");
	if (bootargs_are("pause"))
		held_back();
	return 0;
}

/* ptdev: a passthrough device and its interrupt. The host's PL031 real-
 * time clock is given to this VM at guest 0x0c00_0000 (it sits at host
 * 0x0901_0000, so stage 2 translates) with its SPI, INTID 34. The guest
 * reads the clock, then sets its alarm twice; each alarm must arrive as
 * INTID 34 through the virtual GIC. The second one only comes if cvisor
 * unmasked the host line after the guest finished with the first. With
 * "ptdev.pause" in its bootargs it then keeps an alarm coming every
 * second, each reported, until the VM is stopped: one that fires while
 * the shell has the VM suspended must come once it is resumed. */
#include <guest.h>

#define RTC_BASE      0x0c000000ul
#define RTC_INTID     34u
#define RTC_DR        0x00
#define RTC_MR        0x04
#define RTC_IMSC      0x10
#define RTC_MIS       0x18
#define RTC_ICR       0x1c
#define RTC_PERIPHID0 0xfe0
#define ROUNDS        2
#define VTIMER_PPI    27u

#define msr(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static volatile unsigned alarms, others;
static volatile uint32_t mis_seen;

static inline uint32_t rtc_read(unsigned off)
{
	return *(volatile uint32_t *)(RTC_BASE + off);
}

static inline void rtc_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(RTC_BASE + off) = v;
}

static void on_irq(unsigned intid)
{
	if (intid == VTIMER_PPI) {
		msr(cntv_ctl_el0, 0); /* the wait's deadline: wakes WFI */
		return;
	}
	if (intid != RTC_INTID) {
		others++;
		return;
	}
	mis_seen = rtc_read(RTC_MIS);
	rtc_write(RTC_ICR, 1); /* the line drops */
	alarms++;
}

static bool fail(const char *why)
{
	guest_puts("ptdev: FAIL: ");
	guest_puts(why);
	guest_puts("\n");
	return false;
}

/* Sets the alarm one second ahead and waits (at most 3 s) for it. */
static bool alarm_round(unsigned round)
{
	uint64_t give_up = guest_counter() + 3 * guest_counter_freq();
	uint32_t now = rtc_read(RTC_DR);

	mis_seen = 0;
	msr(cntv_cval_el0, give_up);
	msr(cntv_ctl_el0, 1);
	rtc_write(RTC_MR, now + 1);
	rtc_write(RTC_IMSC, 1);
	while (alarms < round && guest_counter() < give_up)
		wait_irq_masked();
	msr(cntv_ctl_el0, 0);
	if (alarms < round)
		return fail("no alarm interrupt within 3 s");
	if (!(mis_seen & 1))
		return fail("the interrupt came, but the RTC did not raise it");
	guest_puts("ptdev: alarm ");
	guest_put_dec(round);
	guest_puts(" arrived as INTID 34\n");
	return true;
}

/* Alarms a second apart until the VM is stopped, each waited for in WFI
 * with no deadline of the guest's own. Each is reported once the next is
 * armed: from the report on, an alarm is always due within a second. */
static void alarms_until_stopped(void)
{
	rtc_write(RTC_MR, rtc_read(RTC_DR) + 1);
	for (unsigned round = ROUNDS + 1;; round++) {
		while (alarms < round)
			wait_irq_masked();
		rtc_write(RTC_MR, rtc_read(RTC_DR) + 1);
		guest_puts("ptdev: alarm ");
		guest_put_dec(round);
		guest_puts("\n");
	}
}

int main(uint64_t boot_arg)
{
	size_t fdt_len = 0;
	const char *fdt = guest_fdt_bytes(boot_arg, &fdt_len);
	unsigned version = gic_init(on_irq);
	bool ok = true;

	gic_cpu_init(0);
	if (rtc_read(RTC_PERIPHID0) != 0x31) {
		fail("no PL031 at 0x0c000000");
		return 0;
	}
	uint32_t now = rtc_read(RTC_DR);
	guest_puts("ptdev: GICv");
	guest_put_dec(version);
	guest_puts(", PL031 at 0x0c000000 reads ");
	guest_put_dec(now);
	guest_puts(" s since 1970\n");
	if (now < 1000000000u) {
		fail("the clock reads before 2001");
		return 0;
	}
	irq_disable();
	gic_enable_private(0, VTIMER_PPI);
	gic_enable_spi(RTC_INTID, 0);
	for (unsigned r = 1; r <= ROUNDS && ok; r++)
		ok = alarm_round(r);
	if (ok && others)
		ok = fail("interrupts that were not the RTC's");
	if (ok)
		guest_puts("ptdev: PASS\n");
	if (ok && guest_bytes_find(fdt, fdt_len, "ptdev.pause"))
		alarms_until_stopped();
	rtc_write(RTC_IMSC, 0);
	return 0;
}

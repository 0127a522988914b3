/* pc: the PC devices a VM has besides its LAPIC, IOAPIC and COM1, used as
 * Linux uses them at boot: the PIT's channel 2, gated through port 0x61,
 * timing the TSC (which must agree with cvisor's CPUID timing leaf), its
 * counter latched and frozen while the gate is low; the CMOS clock (a
 * plausible date, the seconds moving on) and NVRAM; the ACPI PM timer
 * against the TSC; string port I/O (REP OUTSB, REP INSB); channel 0's
 * interrupt through the IOAPIC, periodic and one-shot. Then it powers
 * off through ACPI PM1a control (S5). */
#include <guest.h>

#define PIT_CH2    0x42
#define PIT_CMD    0x43
#define PORT_B     0x61
#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define PM_TMR     0x608
#define PM1_CNT    0x604
#define PIT_HZ     1193182ull

static int failures;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "pc: ok: " : "pc: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

static uint64_t ms_to_tsc(uint64_t ms)
{
	return guest_counter_freq() / 1000 * ms;
}

static uint16_t pit_latch2(void)
{
	outb(PIT_CMD, 0x80); /* latch channel 2 */
	uint8_t lo = inb(PIT_CH2);
	return (uint16_t)(inb(PIT_CH2) << 8 | lo);
}

/* Channel 2, mode 0, for 'ms' ms with the gate up: how many TSC ticks
 * until its output rises (port B bit 5), as Linux's PIT calibration. */
static uint64_t pit_window(unsigned ms)
{
	uint32_t count = (uint32_t)(PIT_HZ * ms / 1000);

	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0); /* channel 2, low then high byte, mode 0 */
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	uint64_t t0 = guest_counter();
	while (!(inb(PORT_B) & 0x20) &&
	       guest_counter() - t0 < ms_to_tsc(10 * ms))
		;
	return guest_counter() - t0;
}

static void pit_checks(void)
{
	/* The shortest of five windows: one can only be stretched (the
	 * vCPU descheduled before it sees the output rise). */
	uint64_t tsc = ~0ull;
	for (int i = 0; i < 5; i++) {
		uint64_t t = pit_window(20);
		tsc = t < tsc ? t : tsc;
	}
	uint64_t khz = tsc / 20, want = guest_counter_freq() / 1000;

	guest_puts("pc: the PIT times the TSC at ");
	guest_put_dec(khz);
	guest_puts(" kHz (CPUID says ");
	guest_put_dec(want);
	guest_puts(")\n");
	check(khz > want - want / 50 && khz < want + want / 20,
	      "PIT channel 2 calibrates the TSC within 2%");
	/* Reload; the latched count falls; with the gate low it stops. */
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	uint16_t a = pit_latch2();
	for (uint64_t t = guest_counter(); guest_counter() - t < ms_to_tsc(2);)
		;
	uint16_t b = pit_latch2();
	check(b < a && a - b > 1000, "latched count of channel 2 counts down");
	outb(PORT_B, (uint8_t)(inb(PORT_B) & ~0x01));
	a = pit_latch2();
	for (uint64_t t = guest_counter(); guest_counter() - t < ms_to_tsc(2);)
		;
	b = pit_latch2();
	check(a == b, "gate low: channel 2 stands still");
}

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 15u);
}

static void cmos_checks(void)
{
	while (cmos(0x0a) & 0x80) /* update in progress */
		;
	unsigned sec = bcd(cmos(0x00)), min = bcd(cmos(0x02));
	unsigned hour = bcd(cmos(0x04)), day = bcd(cmos(0x07));
	unsigned mon = bcd(cmos(0x08)),
		 year = bcd(cmos(0x32)) * 100 + bcd(cmos(0x09));

	guest_puts("pc: CMOS date ");
	guest_put_dec(year);
	guest_puts("-");
	guest_put_dec(mon);
	guest_puts("-");
	guest_put_dec(day);
	guest_puts(" ");
	guest_put_dec(hour);
	guest_puts(":");
	guest_put_dec(min);
	guest_puts("\n");
	check(year >= 2024 && year < 2100 && mon >= 1 && mon <= 12 &&
		      day >= 1 && day <= 31 && hour < 24 && min < 60 &&
		      sec < 60 && (cmos(0x0b) & 0x02) && (cmos(0x0d) & 0x80),
	      "CMOS: a plausible date, 24-hour BCD, valid RAM");
	for (uint64_t t = guest_counter();
	     guest_counter() - t < ms_to_tsc(1100);)
		;
	check(bcd(cmos(0x00)) != sec, "CMOS: the seconds move on");
	outb(CMOS_INDEX, 0x40);
	outb(CMOS_DATA, 0x5a);
	check(cmos(0x40) == 0x5a, "CMOS NVRAM keeps a byte");
}

/* PM timer ticks against the TSC over 10 ms, each read bracketed by TSC
 * reads; the run whose brackets are tightest of five counts. */
static void pm_timer_check(void)
{
	uint64_t best_slack = ~0ull, best_d = 0, best_tsc = 1;

	for (int i = 0; i < 5; i++) {
		uint64_t t0 = guest_counter();
		uint32_t a = inl(PM_TMR) & 0xffffff;
		uint64_t t1 = guest_counter();
		while (guest_counter() - t1 < ms_to_tsc(10))
			;
		uint64_t t2 = guest_counter();
		uint32_t b = inl(PM_TMR) & 0xffffff;
		uint64_t t3 = guest_counter();
		uint64_t slack = (t1 - t0) + (t3 - t2);
		if (slack < best_slack) {
			best_slack = slack;
			best_d = (b - a) & 0xffffff; /* 24 bits, wrapping */
			best_tsc = (t2 + t3) / 2 - (t0 + t1) / 2;
		}
	}
	uint64_t hz = best_d * guest_counter_freq() / best_tsc;

	guest_puts("pc: PM timer at ");
	guest_put_dec(hz);
	guest_puts(" Hz by the TSC\n");
	check(hz > 3579545 - 71590 && hz < 3579545 + 71590,
	      "ACPI PM timer at 3.58 MHz by the TSC");
}

/* String port I/O: a line to COM1 by REP OUTSB, and REP INSB of the
 * CMOS NVRAM byte at 0x41 (the index stays), 300 times: more than cvisor
 * does in one exit, so the REP goes on from where it stopped. */
static void string_io_checks(void)
{
	static const char msg[] = "pc: this line went out by REP OUTSB\n";
	static uint8_t buf[300];
	const char *src = msg;
	uint8_t *dst = buf;
	uint64_t n = sizeof(msg) - 1;

	__asm__ volatile("cld\n\trep outsb"
			 : "+S"(src), "+c"(n)
			 : "d"(0x3f8)
			 : "memory");
	check(n == 0 && src == msg + sizeof(msg) - 1,
	      "REP OUTSB: rcx and rsi moved on");
	outb(CMOS_INDEX, 0x41);
	outb(CMOS_DATA, 0xc3);
	n = sizeof(buf);
	__asm__ volatile("rep insb"
			 : "+D"(dst), "+c"(n)
			 : "d"(CMOS_DATA)
			 : "memory");
	bool all = n == 0 && dst == buf + sizeof(buf);
	for (unsigned i = 0; i < sizeof(buf); i++)
		all &= buf[i] == 0xc3;
	check(all, "REP INSB: 300 bytes from the CMOS, across exits");
}

#define PIT_CH0     0x40
#define IOAPIC      0xfec00000ul
#define REG32(a)    (*(volatile uint32_t *)(a))
#define IRQ0_PIN    2u
#define IRQ0_VECTOR 0x25u

static volatile unsigned irq0s;

static void on_irq(unsigned irq)
{
	if (irq == IRQ0_VECTOR)
		irq0s++;
}

/* Channel 0 on IOAPIC pin 2: mode 2 every millisecond, 20 ticks waited
 * for in HLT and timed by the TSC; then mode 0, one interrupt only. */
static void irq0_checks(void)
{
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();
	REG32(IOAPIC) = 0x10 + 2 * IRQ0_PIN + 1;
	REG32(IOAPIC + 0x10) = 0; /* APIC id 0 */
	REG32(IOAPIC) = 0x10 + 2 * IRQ0_PIN;
	REG32(IOAPIC + 0x10) = IRQ0_VECTOR; /* edge, high, unmasked */
	uint32_t count = (uint32_t)(PIT_HZ / 1000);
	outb(PIT_CMD, 0x34); /* channel 0, low then high, mode 2 */
	uint64_t t0 = guest_counter();
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
	irq0s = 0;
	while (irq0s < 20)
		wait_irq_masked();
	uint64_t us = (guest_counter() - t0) * 1000000 / guest_counter_freq();
	guest_puts("pc: 20 PIT channel 0 interrupts (mode 2, 1 ms) in ");
	guest_put_dec(us);
	guest_puts(" us\n");
	/* Never early; on a loaded emulator late by a few periods at most
	 * (ticks missed are not made up). */
	check(us >= 19000 && us < 200000,
	      "PIT channel 0 periodic on IOAPIC pin 2");
	outb(PIT_CMD, 0x30); /* mode 0: stopped until a count is written */
	irq_enable();        /* a tick of mode 2 still pending is taken now */
	for (uint64_t t = guest_counter(); guest_counter() - t < ms_to_tsc(3);)
		cpu_relax();
	irq_disable();
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
	irq0s = 0;
	while (irq0s < 1)
		wait_irq_masked();
	uint64_t t1 = guest_counter();
	irq_enable();
	while (guest_counter() - t1 < ms_to_tsc(5))
		cpu_relax();
	irq_disable();
	guest_puts("pc: mode 0: ");
	guest_put_dec(irq0s);
	guest_puts(" interrupt(s) with 5 ms more\n");
	check(irq0s == 1,
	      "PIT channel 0 mode 0: one interrupt at terminal count");
}

int main(void)
{
	string_io_checks();
	irq0_checks();
	pit_checks();
	cmos_checks();
	pm_timer_check();
	guest_puts(failures ? "pc: FAIL\n" : "pc: PASS\n");
	guest_puts("pc: ACPI S5 through PM1a control\n");
	outw(PM1_CNT, 1u << 13); /* SLP_EN, SLP_TYP 0 (QEMU's S5) */
	guest_puts("pc: FAIL: still running after S5\n");
	return 0;
}

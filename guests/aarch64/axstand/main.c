/* axstand: a stand-in for the guests AxVisor's QEMU configs were written
 * for (NimbOS, ArceOS, FreeRTOS, Zephyr on QEMU's virt machine), which
 * cannot be built or fetched here. It behaves as they do there:
 * - it knows only a GICv2 (distributor 0x0800_0000, CPU interface
 *   0x0801_0000) and refuses to go on with anything else;
 * - it takes EL1 physical timer interrupts (PPI 14, INTID 30) through it;
 * - it prints on the PL011 at 0x0900_0000;
 * - it was built for 128 MiB of RAM but touches only its image and
 *   stack, so the 16 MiB NimbOS's config gives it is enough;
 * - it powers off with PSCI SYSTEM_OFF over HVC.
 * Besides, it prints the device tree it was given (the root's nodes,
 * its RAM), so a test sees what the VM was given, and when the PL031 RTC
 * is described it waits for its alarm's interrupt (forwarded from the
 * host with interrupt_mode "passthrough"). Position-independent
 * (image.ld). */
#include <stdbool.h>
#include <stdint.h>

#define UART         0x09000000ul
#define GICD         0x08000000ul
#define GICC         0x08010000ul
#define RTC          0x09010000ul
#define BUILT_RAM    0x08000000ul /* what it was built for: 128 MiB */
#define TIMER_PPI    30u          /* INTID of the EL1 physical timer */
#define TICKS        5u
#define TICKS_WAIT   2u  /* seconds: 5 ticks of 10 ms come well before */
#define WATCHDOG_PPI 27u /* INTID of the EL1 virtual timer */

#define REG32(a) (*(volatile uint32_t *)(a))

uint64_t axstand_psci(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);
void axstand_main(uint64_t dtb, uint64_t base, uint64_t entry);
void axstand_irq(void);
void axstand_fault(uint64_t esr, uint64_t far, uint64_t elr);

#define RTC_SPI  34u /* INTID of QEMU virt's PL031 (SPI 2) */
#define RTC_WAIT 3u  /* seconds an alarm a second ahead may take */

static volatile unsigned ticks, spurious, alarms;
static volatile bool watchdog;
static uint64_t tick_interval;
static bool have_rtc;

static void putc_(char c)
{
	while (REG32(UART + 0x18) & (1u << 5)) /* FR.TXFF */
		;
	REG32(UART) = (uint32_t)c;
}

static void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

static void put_hex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4)
		putc_("0123456789abcdef"[v >> i & 0xf]);
}

static void put_dec(uint64_t v)
{
	char b[21];
	int i = 20;

	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(b + i);
}

static __attribute__((noreturn)) void power_off(void)
{
	puts_("axstand: PSCI SYSTEM_OFF over HVC\n");
	axstand_psci(0x84000008u, 0, 0, 0);
	puts_("axstand: FAIL: SYSTEM_OFF returned\n");
	for (;;)
		__asm__ volatile("wfi");
}

void axstand_fault(uint64_t esr, uint64_t far, uint64_t elr)
{
	puts_("axstand: FAIL: exception, ESR ");
	put_hex(esr);
	puts_(" FAR ");
	put_hex(far);
	puts_(" ELR ");
	put_hex(elr);
	putc_('\n');
	power_off();
}

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const void *p)
{
	return (uint64_t)be32(p) << 32 | be32((const uint8_t *)p + 4);
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* Prints the root's nodes, and /memory's first range (the root's
 * #address-cells and #size-cells are 2 in the trees cvisor writes). */
static void dtb_report(uint64_t dtb)
{
	const uint8_t *h = (const uint8_t *)dtb;

	if (!dtb || be32(h) != 0xd00dfeedu) {
		puts_("axstand: no device tree\n");
		return;
	}
	const uint8_t *p = h + be32(h + 8), *strings = h + be32(h + 12);
	const uint8_t *end = p + be32(h + 36);
	int depth = 0;
	bool in_memory = false;

	while (p < end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == 1) { /* BEGIN_NODE */
			const char *name = (const char *)p;
			unsigned n = 0;
			while (name[n])
				n++;
			p += (n + 4) & ~3u;
			depth++;
			in_memory = depth == 2 && starts(name, "memory");
			if (depth == 2) {
				puts_("axstand: dt /");
				puts_(name);
				putc_('\n');
				if (starts(name, "pl031@9010000"))
					have_rtc = true;
			}
		} else if (tok == 2) { /* END_NODE */
			depth--;
			in_memory = false;
		} else if (tok == 3) { /* PROP */
			uint32_t len = be32(p), name = be32(p + 4);
			const uint8_t *data = p + 8;
			p += 8 + ((len + 3) & ~3u);
			if (in_memory && len >= 16 &&
			    str_eq((const char *)strings + name, "reg")) {
				puts_("axstand: RAM ");
				put_hex(be64(data));
				puts_(" size ");
				put_hex(be64(data + 8));
				puts_(", built for ");
				put_hex(BUILT_RAM);
				puts_(", uses its image and stack only\n");
			}
		} else if (tok == 9) { /* END */
			break;
		} else if (tok != 4) { /* NOP */
			puts_("axstand: bad device tree token\n");
			break;
		}
	}
}

static uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t cntfrq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void timer_arm(void)
{
	__asm__ volatile("msr cntp_tval_el0, %0" ::"r"(tick_interval));
	__asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"(1ul));
}

void axstand_irq(void)
{
	uint32_t iar = REG32(GICC + 0xc);
	uint32_t id = iar & 0x3ff;

	if (id == 1023) {
		spurious++;
		return;
	}
	if (id == TIMER_PPI) {
		ticks++;
		if (ticks < TICKS)
			timer_arm();
		else /* stopped: its level goes down */
			__asm__ volatile(
				"msr cntp_ctl_el0, %0; isb" ::"r"(0ul));
	}
	if (id == WATCHDOG_PPI) {
		watchdog = true;
		__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0ul));
	}
	if (id == RTC_SPI) {
		alarms++;
		REG32(RTC + 0x10) = 0; /* RTCIMSC: masked */
		REG32(RTC + 0x1c) = 1; /* RTCICR: cleared */
	}
	REG32(GICC + 0x10) = iar; /* EOIR */
}

/* The GICv2 as these guests drive it: the distributor's PIDR2 must say
 * architecture version 2. */
static bool gic_init(void)
{
	uint32_t arch = REG32(GICD + 0xfe8) >> 4 & 0xf;

	if (arch != 2) {
		puts_("axstand: FAIL: not a GICv2 (PIDR2 architecture ");
		put_dec(arch);
		puts_("); this guest knows only a GICv2\n");
		return false;
	}
	puts_("axstand: GICv2 at 0x8000000, CPU interface 0x8010000\n");
	REG32(GICD) = 1;                       /* GICD_CTLR: forwarding on */
	REG32(GICD + 0x100) = 1u << TIMER_PPI; /* ISENABLER0 */
	REG32(GICC + 0x4) = 0xff;              /* PMR */
	REG32(GICC) = 1;                       /* GICC_CTLR */
	return true;
}

/* The virtual timer (INTID 27) as a watchdog of the physical one's
 * ticks: a lost tick ends in a report, not in a WFI for ever. */
static void watchdog_arm(void)
{
	uint64_t at = counter() + TICKS_WAIT * cntfrq();

	REG32(GICD + 0x100) = 1u << WATCHDOG_PPI; /* ISENABLER0 */
	__asm__ volatile("msr cntv_cval_el0, %0" ::"r"(at));
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(1ul));
}

/* What the timer and the GIC say when the ticks stopped coming. */
static void timer_lost(void)
{
	uint64_t ctl;

	__asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(ctl));
	puts_("axstand: FAIL: ");
	put_dec(ticks);
	puts_(" timer interrupts in 2 s; CNTP_CTL ");
	put_hex(ctl);
	puts_("\naxstand: ISPENDR0 ");
	put_hex(REG32(GICD + 0x200));
	puts_(" ISACTIVER0 ");
	put_hex(REG32(GICD + 0x300));
	puts_(" HPPIR ");
	put_hex(REG32(GICC + 0x18));
	puts_(" RPR ");
	put_hex(REG32(GICC + 0x14));
	putc_('\n');
	power_off();
}

/* The passed-through PL031: an alarm a second ahead, its interrupt
 * forwarded by cvisor to the GICv2's distributor, as QEMU's GIC would. */
static void rtc_alarm(void)
{
	uint32_t now = REG32(RTC); /* RTCDR */
	uint64_t deadline = counter() + RTC_WAIT * cntfrq();

	puts_("axstand: pl031 RTC reads ");
	put_dec(now);
	putc_('\n');
	*(volatile uint8_t *)(GICD + 0x800 + RTC_SPI) = 1; /* to CPU 0 */
	REG32(GICD + 0x100 + RTC_SPI / 32 * 4) = 1u << (RTC_SPI % 32);
	REG32(RTC + 0x1c) = 1;      /* RTCICR */
	REG32(RTC + 0x4) = now + 1; /* RTCMR */
	REG32(RTC + 0x10) = 1;      /* RTCIMSC */
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	while (!alarms && counter() < deadline)
		__asm__ volatile("yield");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	if (alarms)
		puts_("axstand: pl031 alarm arrived as INTID 34\n");
	else
		puts_("axstand: FAIL: no pl031 alarm interrupt\n");
}

void axstand_main(uint64_t dtb, uint64_t base, uint64_t entry)
{
	puts_("axstand: entered at ");
	put_hex(base + entry);
	puts_(", image at ");
	put_hex(base);
	putc_('\n');
	dtb_report(dtb);
	if (!gic_init())
		power_off();
	tick_interval = cntfrq() / 100; /* 10 ms */
	watchdog_arm();
	timer_arm();
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	while (ticks < TICKS && !watchdog)
		__asm__ volatile("wfi");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0ul));
	if (ticks < TICKS)
		timer_lost();
	puts_("axstand: ");
	put_dec(ticks);
	puts_(" EL1 physical timer interrupts (INTID 30) through the GICv2\n");
	if (have_rtc)
		rtc_alarm();
	puts_("axstand: done\n");
	power_off();
}

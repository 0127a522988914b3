/* The VM's CMOS RTC and NVRAM at ports 0x70 (index; bit 7 the NMI mask)
 * and 0x71 (data), as an MC146818: the time, 24-hour BCD (status B
 * 0x02), from the host's RTC as read when cvisor started plus the time
 * since (the guest cannot set it: writes to the clock are ignored),
 * status A without update-in-progress, status D's valid-RAM bit, the
 * century at 0x32, and 114 bytes of NVRAM a guest may use. */
#include <hal/hal.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/io_bus.h>
#include "svm.h"
#include "x86_insn.h"

#define CMOS_PORT   0x70
#define REG_SEC     0x00
#define REG_MIN     0x02
#define REG_HOUR    0x04
#define REG_WDAY    0x06
#define REG_MDAY    0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A       0x0a
#define REG_B       0x0b
#define REG_C       0x0c
#define REG_D       0x0d
#define REG_CENTURY 0x32
#define B_24H       0x02u
#define B_BINARY    0x04u
#define NVRAM_SIZE  128

struct vcmos {
	spinlock_t lock;
	uint8_t index;
	uint8_t ram[NVRAM_SIZE];
};

/* Seconds since 1970 at host TSC 'rtc_tsc', from the host's RTC. */
static uint64_t rtc_epoch, rtc_tsc;

static uint8_t host_cmos(uint8_t reg)
{
	uint8_t v;

	__asm__ volatile("outb %1, $0x70\n\tinb $0x71, %0"
			 : "=a"(v)
			 : "a"(reg)
			 : "memory");
	return v;
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 15u);
}

static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	/* Days since 1970-01-01 of a Gregorian date (y >= 1970). */
	y -= m <= 2;
	uint64_t era = y / 400, yoe = y - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Once, at the VMM's start (boot CPU): the host's clock, read outside
 * an update, as the epoch the VMs' clocks run from. */
void vcmos_host_clock(void)
{
	for (unsigned spin = 0; (host_cmos(REG_A) & 0x80) && spin < 1000000;
	     spin++)
		;
	bool bin = host_cmos(REG_B) & B_BINARY;
	unsigned sec = from_bcd(host_cmos(REG_SEC), bin);
	unsigned min = from_bcd(host_cmos(REG_MIN), bin);
	unsigned hour = from_bcd(host_cmos(REG_HOUR) & 0x7f, bin);
	unsigned mday = from_bcd(host_cmos(REG_MDAY), bin);
	unsigned mon = from_bcd(host_cmos(REG_MONTH), bin);
	unsigned year = from_bcd(host_cmos(REG_YEAR), bin);
	unsigned cent = from_bcd(host_cmos(REG_CENTURY), bin);

	rtc_tsc = x86_rdtsc();
	if (mon < 1 || mon > 12 || mday < 1 || mday > 31) {
		rtc_epoch = 0; /* no sane clock: 1970 */
		return;
	}
	year += (cent >= 19 && cent <= 30 ? cent : 20) * 100;
	rtc_epoch = days_from_civil(year, mon, mday) * 86400 + hour * 3600 +
		    min * 60 + sec;
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

/* The clock's registers now. */
static uint8_t clock_reg(uint8_t reg)
{
	uint64_t now = rtc_epoch + (x86_rdtsc() - rtc_tsc) / hal_timer_freq();
	uint64_t days = now / 86400, s = now % 86400;
	/* civil_from_days */
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	unsigned mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	unsigned year = (unsigned)(yoe + era * 400 + (mon <= 2));

	switch (reg) {
	case REG_SEC:
		return bcd((unsigned)(s % 60));
	case REG_MIN:
		return bcd((unsigned)(s / 60 % 60));
	case REG_HOUR:
		return bcd((unsigned)(s / 3600));
	case REG_WDAY:
		return bcd((unsigned)((days + 4) % 7 +
				      1)); /* 1970-01-01: Thursday */
	case REG_MDAY:
		return bcd(mday);
	case REG_MONTH:
		return bcd(mon);
	case REG_YEAR:
		return bcd(year % 100);
	default:
		return bcd(year / 100); /* REG_CENTURY */
	}
}

static uint8_t cmos_reg(struct vcmos *c, uint8_t reg)
{
	switch (reg) {
	case REG_SEC:
	case REG_MIN:
	case REG_HOUR:
	case REG_WDAY:
	case REG_MDAY:
	case REG_MONTH:
	case REG_YEAR:
	case REG_CENTURY:
		return clock_reg(reg);
	case REG_A:
		return 0x26; /* 32.768 kHz, 1024 Hz; never updating */
	case REG_B:
		return B_24H;
	case REG_C:
		return 0; /* no interrupt flags */
	case REG_D:
		return 0x80; /* valid RAM and time */
	case 0x01:
	case 0x03:
	case 0x05:
		return 0; /* alarms: none */
	default:
		return c->ram[reg];
	}
}

static bool cmos_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vcmos *c = ctx;

	if (width != 1)
		return false;
	spin_lock(&c->lock);
	*val = off == 0 ? 0xff : cmos_reg(c, c->index);
	spin_unlock(&c->lock);
	return true;
}

static bool cmos_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vcmos *c = ctx;

	if (width != 1)
		return false;
	spin_lock(&c->lock);
	if (off == 0)
		c->index = (uint8_t)val & 0x7f; /* bit 7: NMI mask, ignored */
	else if (c->index > REG_D && c->index != REG_CENTURY)
		c->ram[c->index] = (uint8_t)val;
	spin_unlock(&c->lock);
	return true;
}

static void cmos_destroy(void *ctx)
{
	kfree(ctx);
}

int vcmos_create(struct vm *vm)
{
	struct vcmos *c = kzalloc(sizeof(*c));

	if (!c)
		return -1;
	c->lock = (spinlock_t)SPINLOCK_INIT;
	struct io_device d = {
		.name = "cmos",
		.base = CMOS_PORT,
		.size = 2,
		.ctx = c,
		.read = cmos_read,
		.write = cmos_write,
		.destroy = cmos_destroy,
	};
	if (!io_register(&vm->pio, &d)) {
		kfree(c);
		return -1;
	}
	return 0;
}

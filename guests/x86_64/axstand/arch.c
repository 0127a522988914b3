/* axstand's x86_64 part: the PC as NimbOS and ArceOS know it: COM1 at
 * port 0x3f8 (ISA IRQ 4, IOAPIC pin 4), the IOAPIC at 0xfec0_0000, the
 * local APIC at 0xfee0_0000 and its timer, the HPET at 0xfed0_0000
 * (which their configs pass through), isa-debug-exit to power off. */
#include "axstand.h"

#define COM1_IER   0x3f9
#define IOAPIC     0xfec00000ul
#define HPET       0xfed00000ul
#define HPET_CAP   0x000ul
#define HPET_CONF  0x010ul
#define HPET_COUNT 0x0f0ul
#define HPET_T0CAP 0x100ul
#define REG32(a)   (*(volatile uint32_t *)(a))

const char axstand_timer_name[] = "local APIC timer";
const char axstand_power_off_name[] = "isa-debug-exit";
const unsigned axstand_uart_line = 4;
const char axstand_uart_chip[] = "IOAPIC";

/* The Multiboot information's memory sizes (flags bit 0). */
void axstand_machine(uint64_t boot)
{
	const volatile uint32_t *mbi =
		(const volatile uint32_t *)(uintptr_t)guest_mbi;

	(void)boot;
	if (!mbi || !(mbi[0] & 1)) {
		guest_puts("axstand: no memory sizes in the Multiboot "
			   "information\n");
		return;
	}
	guest_puts("axstand: RAM ");
	guest_put_dec(mbi[1]);
	guest_puts(" KiB below 1 MiB, ");
	guest_put_dec(mbi[2]);
	guest_puts(" KiB above\n");
}

void axstand_uart_thre(bool on)
{
	outb(COM1_IER, on ? 0x02 : 0x00);
}

static uint32_t ioapic_read(uint32_t reg)
{
	REG32(IOAPIC) = reg;
	return REG32(IOAPIC + 0x10);
}

static uint32_t hpet_read(uint64_t off)
{
	return REG32(HPET + off);
}

/* The HPET, given to the VM as its configs ask: its capabilities, and
 * its main counter running once enabled (then stopped again). */
static bool hpet(void)
{
	uint32_t cap = REG32(HPET + HPET_CAP);
	uint32_t period = REG32(HPET + HPET_CAP + 4);

	if (cap == ~0u) {
		guest_puts("axstand: no HPET at 0xfed00000 (reads all ones)\n");
		return true;
	}
	uint32_t conf = REG32(HPET + HPET_CONF);
	REG32(HPET + HPET_CONF) = conf | 1;
	uint32_t c0 = hpet_read(HPET_COUNT);
	uint64_t end = guest_counter() + guest_counter_freq() / 100;
	while (guest_counter() < end)
		cpu_relax();
	uint32_t c1 = hpet_read(HPET_COUNT);
	REG32(HPET + HPET_CONF) = conf;
	bool fsb = REG32(HPET + HPET_T0CAP) >> 15 & 1;
	guest_puts("axstand: HPET at 0xfed00000: ");
	guest_put_dec((cap >> 8 & 0x1f) + 1);
	guest_puts(" timers, period ");
	guest_put_dec(period);
	guest_puts(" fs, main counter ");
	guest_puts(c1 != c0 ? "runs" : "STANDS STILL");
	guest_puts(fsb ? ", timer 0 can deliver by FSB\n" :
			 ", timer 0 cannot deliver by FSB\n");
	if (c1 == c0) {
		guest_puts("axstand: FAIL: the HPET's counter does not run\n");
		return false;
	}
	return true;
}

/* The IOAPIC and the local APIC (cvisor's, emulated in place when a
 * config names the host's) and the HPET: what a driver reads. */
bool axstand_devices(void)
{
	uint32_t ver = ioapic_read(1);
	uint32_t lver = LAPIC_REG(0x30);

	guest_puts("axstand: IOAPIC at 0xfec00000: version ");
	guest_put_hex(ver & 0xff);
	guest_puts(", ");
	guest_put_dec((ver >> 16 & 0xff) + 1);
	guest_puts(" pins\n");
	guest_puts("axstand: local APIC at 0xfee00000: id ");
	guest_put_dec(LAPIC_REG(0x20) >> 24);
	guest_puts(", version ");
	guest_put_hex(lver & 0xff);
	guest_puts("\n");
	bool ok = hpet();
	if (ver == ~0u || lver == ~0u) {
		guest_puts("axstand: FAIL: no IOAPIC or local APIC\n");
		return false;
	}
	return ok;
}

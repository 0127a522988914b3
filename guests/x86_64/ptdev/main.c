/* ptdev: a passthrough device and its interrupt on x86_64. The host's
 * HPET (0xfed0_0000) is given to this VM (configs/vms/ptdev-x86_64.toml)
 * with host GSI 21 forwarded to the VM's IOAPIC pin 21. The guest routes
 * the HPET's timer 0 to GSI 21 and fires it ROUNDS times as a level
 * interrupt, its status cleared before each EOI: each next one comes only
 * if cvisor unmasked the host's pin at the guest's EOI. Then ROUNDS times
 * as an edge one, its IOAPIC entry made edge too: those come only if the
 * host's pin followed (a host pin left level-triggered would stay masked
 * waiting for an EOI an edge interrupt never sends). Every interrupt is
 * counted: none may come twice, none on another vector. The host's COM2
 * (ports 0x2f8-0x2ff) is given to the VM too (devices.passthrough_ports):
 * a line written to it, with no exit, reaches the machine's second serial
 * port (the test's file).
 *
 * With the command line "reset" (tests/config/runtime/ptdev-reset-x86_64
 * .toml, two vCPUs) the first boot leaves a level interrupt held: fired,
 * masked at the host, never taken (interrupts off) nor EOI'd; vCPU 1
 * then reboots the VM while vCPU 0 is off, its pCPU idle. The HPET keeps
 * its line up across the reboot, so the host's pin fires again as the
 * reset unmasks it: cvisor must hold it for the rebooted guest, not drop
 * it with the pin left masked. The second boot takes that stale one,
 * then goes on as above. */
#include <guest.h>

#define HPET          0xfed00000ul
#define HPET_CAP      0x000ul
#define HPET_CONF     0x010ul
#define HPET_STATUS   0x020ul
#define HPET_COUNTER  0x0f0ul
#define HPET_T0_CONF  0x100ul
#define HPET_T0_CMP   0x108ul
#define T_LEVEL       (1u << 1)
#define T_ENABLE      (1u << 2)
#define T_ROUTE_SHIFT 9
#define GSI           21u
#define IOAPIC        0xfec00000ul
#define LINE_VECTOR   (0x60u + GSI)
#define RTE_LEVEL     (1u << 15)
#define ROUNDS        3
#define COM2          0x2f8
#define UART_LCR      3
#define UART_LSR      5
#define LSR_THRE      0x20
#define REG32(a)      (*(volatile uint32_t *)(a))
/* RAM the image does not cover: it survives a reboot. */
#define BOOT_MARK ((volatile uint64_t *)(GUEST_RAM_BASE + 0xf00000ul))
#define MARK      0x97de597de597de5ull
#define REG64(a)  (*(volatile uint64_t *)(a))

static volatile unsigned fired, others;

static void on_irq(unsigned irq)
{
	if (irq == LINE_VECTOR) {
		REG32(HPET + HPET_STATUS) = 1; /* timer 0's level down */
		fired++;
	} else {
		others++;
	}
}

/* IOAPIC pin GSI to this vCPU at LINE_VECTOR, active high. */
static void route(unsigned cpu, uint32_t trigger)
{
	REG32(IOAPIC) = 0x10 + 2 * GSI + 1;
	REG32(IOAPIC + 0x10) = cpu << 24;
	REG32(IOAPIC) = 0x10 + 2 * GSI;
	REG32(IOAPIC + 0x10) = LINE_VECTOR | trigger;
}

/* Timer 0 once, 1 ms ahead (the HPET counts at 100 MHz on QEMU), then
 * waited for; 0 when it did not come within 5 s of TSC time (a bound
 * for a stuck line, not a latency: a busy host may be slow). */
static bool one_shot(unsigned want)
{
	uint64_t deadline = guest_counter() + 5 * guest_counter_freq();

	REG64(HPET + HPET_T0_CMP) = REG64(HPET + HPET_COUNTER) + 100000;
	while (fired < want) {
		if (guest_counter() > deadline)
			return false;
		irq_window();
	}
	return true;
}

static bool rounds(const char *kind, uint32_t hpet_type, uint32_t rte_type,
		   unsigned cpu)
{
	route(cpu, rte_type);
	REG32(HPET + HPET_T0_CONF) = hpet_type | T_ENABLE |
				     GSI << T_ROUTE_SHIFT;
	for (unsigned r = 1; r <= ROUNDS; r++) {
		unsigned want = fired + 1;
		if (!one_shot(want)) {
			guest_puts("ptdev: FAIL: ");
			guest_puts(kind);
			guest_puts(" interrupt ");
			guest_put_dec(r);
			guest_puts(" did not come\n");
			return false;
		}
	}
	REG32(HPET + HPET_T0_CONF) = 0;
	guest_puts("ptdev: ");
	guest_put_dec(ROUNDS);
	guest_puts(" ");
	guest_puts(kind);
	guest_puts(" interrupts from the HPET through GSI 21\n");
	return true;
}

/* A line out of the host's COM2, driven by the guest itself. */
static void com2_puts(const char *s)
{
	outb(COM2 + UART_LCR, 0x03); /* 8N1 */
	for (; *s; s++) {
		while (!(inb(COM2 + UART_LSR) & LSR_THRE))
			;
		outb(COM2, (uint8_t)*s);
	}
}

static bool cmdline_reset(void)
{
	size_t len;
	const char *c = guest_cmdline(&len), *w = "reset";

	for (size_t i = 0; i < len && *w; i++, w++)
		if (c[i] != *w)
			return false;
	return len == 5;
}

static void ask_reset(unsigned index)
{
	(void)index;
	guest_system_reset();
}

/* First boot with "reset": a level interrupt fired and held, then the
 * reboot. */
static void hold_and_reset(unsigned me)
{
	*BOOT_MARK = MARK;
	route(me, RTE_LEVEL);
	REG32(HPET + HPET_CONF) = 1;
	REG32(HPET + HPET_T0_CONF) = T_LEVEL | T_ENABLE | GSI << T_ROUTE_SHIFT;
	REG64(HPET + HPET_T0_CMP) = REG64(HPET + HPET_COUNTER) + 100000;
	uint64_t end = guest_counter() + 5 * guest_counter_freq();
	while (!(REG32(HPET + HPET_STATUS) & 1) && guest_counter() < end)
		;
	/* A millisecond for the host's interrupt to be taken and held. */
	end = guest_counter() + guest_counter_freq() / 1000;
	while (guest_counter() < end)
		;
	guest_puts("ptdev: a level interrupt held, vCPU 1 reboots the VM\n");
	guest_cpu_on(1, 1, ask_reset);
	guest_cpu_off();
}

/* Second boot with "reset": the interrupt held across the reboot comes
 * once the pin is routed again. */
static bool stale_taken(unsigned me)
{
	route(me, RTE_LEVEL);
	uint64_t end = guest_counter() + 5 * guest_counter_freq();
	while (!fired && guest_counter() < end)
		irq_window();
	if (!fired) {
		guest_puts("ptdev: FAIL: the interrupt held across the reboot "
			   "did not come\n");
		return false;
	}
	guest_puts("ptdev: the interrupt held across the reboot taken\n");
	fired = 0;
	return true;
}

int main(void)
{
	unsigned me = guest_cpu_index();
	uint32_t cap = REG32(HPET + HPET_T0_CONF + 4);

	guest_irq_init(on_irq);
	guest_irq_cpu_init(me);
	irq_disable();
	if (!(cap >> GSI & 1)) {
		guest_puts("ptdev: FAIL: HPET timer 0 cannot be routed to GSI "
			   "21, its routes ");
		guest_put_hex(cap);
		guest_puts("\n");
		return 0;
	}
	bool reset = cmdline_reset(), ok = true;
	if (reset && *BOOT_MARK != MARK)
		hold_and_reset(me);
	if (reset)
		ok = stale_taken(me);
	REG32(HPET + HPET_CONF) = 1; /* counting, no legacy routes */
	ok = ok && rounds("level", T_LEVEL, RTE_LEVEL, me) &&
	     rounds("edge", 0, 0, me);
	/* Nothing more may come: 10 ms with interrupts open. */
	uint64_t until = guest_counter() + guest_counter_freq() / 100;
	while (guest_counter() < until)
		irq_window();
	if (ok && (fired != 2 * ROUNDS || others)) {
		guest_puts("ptdev: FAIL: ");
		guest_put_dec(fired);
		guest_puts(" interrupts on GSI 21 and ");
		guest_put_dec(others);
		guest_puts(" others\n");
		ok = false;
	}
	REG32(HPET + HPET_CONF) = 0;
	com2_puts("ptdev: written to COM2's own ports\n");
	guest_puts("ptdev: a line written to COM2\n");
	guest_puts(ok ? "ptdev: PASS\n" : "ptdev: FAIL\n");
	return 0;
}

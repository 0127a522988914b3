/* Every port 0-0xffff read and written with junk: bytes at each, words
 * and doublewords at each aligned one below 0x1000 (where a PC's devices
 * are) and every 16th above (an exit each: the scenario's time), but
 * those that would end the VM (isa-debug-exit 0xf4, the ACPI PM1a
 * control 0x604, the reset control 0xcf9) and COM1's (its output would
 * be junk on the console). Ports without a device read all ones; the
 * few devices a VM has (PICs, PIT, CMOS, COM1, PM, POST) answer. Then
 * the 8259s and the PIT are quieted, and an interrupt still arrives. */
#include "hostile.h"

#define COM1 0x3f8

static bool skip_write(unsigned port)
{
	return port == 0xf4 || port == 0x604 || port == 0x605 ||
	       (port >= 0xcf9 && port <= 0xcfb) ||
	       (port >= COM1 && port < COM1 + 8);
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/* The PICs: reinitialised at vectors 0x20/0x28 and every line masked;
 * the PIT's channel 0 one-shot (mode 0), so it stops after one count. */
static void quiet(void)
{
	outb(0x20, 0x11), outb(0x21, 0x20), outb(0x21, 4), outb(0x21, 1);
	outb(0xa0, 0x11), outb(0xa1, 0x28), outb(0xa1, 2), outb(0xa1, 1);
	outb(0x21, 0xff), outb(0xa1, 0xff);
	outb(0x43, 0x30), outb(0x40, 0xff), outb(0x40, 0xff);
}

void hostile_ports(void)
{
	uint64_t n = guest_trap.count;
	unsigned answered = 0;

	irq_disable();
	for (unsigned port = 0; port < 0x10000; port++) {
		uint16_t p = (uint16_t)port;
		bool wide = port < 0x1000 || !(port & 0xf);
		bool all_ones = inb(p) == 0xff;
		if (wide && !(port & 1))
			all_ones &= inw(p) == 0xffff;
		if (wide && !(port & 3))
			all_ones &= inl(p) == 0xffffffffu;
		answered += !all_ones;
		if (skip_write(port))
			continue;
		outb(p, (uint8_t)junk());
		if (wide && !(port & 1))
			outw(p, (uint16_t)junk());
		if (wide && !(port & 3))
			outl(p, (uint32_t)junk());
	}
	quiet();
	guest_puts("hostile: ports that answered: ");
	guest_put_dec(answered);
	guest_puts("\n");
	verdict("every port read and written at every width: no exception, "
		"all ones but at the VM's devices",
		guest_trap.count == n && answered > 0 && answered < 64);
	verdict("after the port junk, a self-IPI arrives", self_ipi_arrives());
}

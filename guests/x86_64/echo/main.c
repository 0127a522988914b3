/* echo: console input through the VM's 16550 (COM1) and its IOAPIC. The
 * receive interrupt (IER.ERBFI) comes on IOAPIC pin 4, programmed level-
 * triggered so that each EOI goes back to the IOAPIC (its remote IRR),
 * to vector ECHO_VECTOR, which the vCPU waits for in HLT; each line typed
 * is echoed back as "echo: <line>" (control characters as ^X); "quit"
 * ends it. */
#include <guest.h>

#define COM1        0x3f8
#define IOAPIC      0xfec00000ul
#define REG32(a)    (*(volatile uint32_t *)(a))
#define COM1_PIN    4u
#define ECHO_VECTOR 0x24u
#define RTE_LEVEL   (1u << 15)
#define LINE_MAX    128

static char line[LINE_MAX];
static volatile unsigned len, lines_ready, rx_irqs;

static void ioapic_write(uint32_t idx, uint32_t val)
{
	REG32(IOAPIC) = idx;
	REG32(IOAPIC + 0x10) = val;
}

static uint32_t ioapic_read(uint32_t idx)
{
	REG32(IOAPIC) = idx;
	return REG32(IOAPIC + 0x10);
}

static void on_irq(unsigned irq)
{
	if (irq != ECHO_VECTOR)
		return;
	rx_irqs++;
	while (inb(COM1 + 5) & 1) {
		char c = (char)inb(COM1);
		if (lines_ready)
			continue; /* one line at a time: typed faster, lost */
		if (c == '\r' || c == '\n') {
			lines_ready = 1;
			line[len] = 0;
		} else if (len < LINE_MAX - 1) {
			line[len++] = c;
		}
	}
}

static void put_visible(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20) {
			guest_putc('^');
			guest_putc((char)(*s + '@'));
		} else {
			guest_putc(*s);
		}
	}
}

static bool is_quit(void)
{
	return line[0] == 'q' && line[1] == 'u' && line[2] == 'i' &&
	       line[3] == 't' && !line[4];
}

int main(void)
{
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();
	ioapic_write(0x10 + 2 * COM1_PIN + 1, 0u << 24); /* APIC id 0 */
	ioapic_write(0x10 + 2 * COM1_PIN, ECHO_VECTOR | RTE_LEVEL);
	uint32_t ver = ioapic_read(0x01);
	outb(COM1 + 1, 0x01); /* IER: receive interrupt */
	guest_puts("echo: IOAPIC version ");
	guest_put_hex(ver & 0xff);
	guest_puts(", ");
	guest_put_dec((ver >> 16 & 0xff) + 1);
	guest_puts(" pins; ready\n");
	for (;;) {
		while (!lines_ready)
			wait_irq_masked();
		guest_puts("echo: ");
		put_visible(line);
		guest_puts("\n");
		if (is_quit())
			break;
		len = 0;
		lines_ready = 0;
	}
	guest_puts("echo: ");
	guest_put_dec(rx_irqs);
	guest_puts(" receive interrupts; bye\n");
	return 0;
}

/* pic: the 8259 pair in virtual-wire mode, as PC guests start: ICW1-4 on
 * both chips (vectors 0x20 and 0x28, the slave on IRQ 2), the mask read
 * back, vCPU 0's LINT0 in ExtINT mode, and the PIT's channel 0 on IRQ 0:
 * ten periodic interrupts at vector 0x20, each in service (ISR, read by
 * OCW3) until its EOI; then IRQ 0 masked: none comes. */
#include <guest.h>

#define PIC1    0x20
#define PIC2    0xa0
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ  1193182ull
#define VECTOR  0x20u
#define LINT0   0x350

static int failures;
static volatile unsigned ticks, in_service;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "pic: ok: " : "pic: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

static void on_irq(unsigned irq)
{
	if (irq != VECTOR)
		return;
	outb(PIC1, 0x0b); /* OCW3: read the ISR */
	in_service += inb(PIC1) & 1;
	outb(PIC1, 0x0a); /* back to the IRR */
	ticks++;
	outb(PIC1, 0x20); /* non-specific EOI */
}

static void wait_ms(uint64_t ms)
{
	uint64_t t = guest_counter();

	while (guest_counter() - t < guest_counter_freq() / 1000 * ms)
		cpu_relax();
}

int main(void)
{
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();
	LAPIC_REG(LINT0) = 0x700; /* ExtINT, unmasked */
	outb(PIC1, 0x11);
	outb(PIC1 + 1, VECTOR);
	outb(PIC1 + 1, 0x04);
	outb(PIC1 + 1, 0x01);
	outb(PIC2, 0x11);
	outb(PIC2 + 1, VECTOR + 8);
	outb(PIC2 + 1, 0x02);
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xfe); /* IRQ 0 only */
	outb(PIC2 + 1, 0xff);
	check(inb(PIC1 + 1) == 0xfe && inb(PIC2 + 1) == 0xff,
	      "ICW1-4 on both chips, the masks read back");
	uint32_t count = (uint32_t)(PIT_HZ / 1000);
	outb(PIT_CMD, 0x34); /* channel 0, mode 2 */
	outb(PIT_CH0, (uint8_t)count);
	outb(PIT_CH0, (uint8_t)(count >> 8));
	while (ticks < 10)
		wait_irq_masked();
	check(in_service == 10, "ten IRQ 0s at vector 0x20, each in service "
				"until its EOI");
	outb(PIC1 + 1, 0xff); /* IRQ 0 masked */
	irq_enable();
	wait_ms(3); /* one already on its way may still come */
	unsigned before = ticks;
	wait_ms(10);
	irq_disable();
	check(ticks == before, "IRQ 0 masked: no more");
	guest_puts(failures ? "pic: FAIL\n" : "pic: PASS\n");
	return 0;
}

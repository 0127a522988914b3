/* echo: console input through the VM's 16550 and PLIC. Characters come
 * from the receive interrupt (PLIC source 10, IER.ERBFI), which the vCPU
 * waits for in WFI; each line typed is echoed back as "echo: <line>"
 * (control characters as ^X); "quit" ends it. */
#include <guest.h>

#define UART     0x10000000ul
#define UART_RBR (*(volatile uint8_t *)(UART + 0))
#define UART_IER (*(volatile uint8_t *)(UART + 1))
#define UART_IIR (*(volatile uint8_t *)(UART + 2))
#define UART_FCR (*(volatile uint8_t *)(UART + 2))
#define UART_LSR (*(volatile uint8_t *)(UART + 5))
#define UART_IRQ 10u
#define PLIC     0x0c000000ul
#define REG32(a) (*(volatile uint32_t *)(a))

#define LINE_MAX 128

static char line[LINE_MAX];
static volatile unsigned len, lines_ready, rx_irqs, empty_irqs;

static void on_irq(unsigned irq)
{
	if (irq != GUEST_IRQ_PLIC(UART_IRQ))
		return;
	rx_irqs++;
	if (UART_IIR & 1) /* nothing pending at the UART */
		empty_irqs++;
	while (UART_LSR & 1) {
		char c = (char)UART_RBR;
		if (lines_ready)
			continue; /* one line at a time: typed faster, lost */
		if (c == '\r' || c == '\n') {
			lines_ready = 1;
		} else if (len < LINE_MAX - 1) {
			line[len++] = c;
		}
	}
}

static bool is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void echo_line(void)
{
	guest_puts("echo: ");
	for (unsigned i = 0; i < len; i++) {
		if ((unsigned char)line[i] < 0x20) {
			guest_putc('^');
			guest_putc((char)(line[i] + '@'));
		} else {
			guest_putc(line[i]);
		}
	}
	guest_puts("\n");
}

int main(void)
{
	unsigned me = guest_cpu_index();

	guest_irq_init(on_irq);
	guest_irq_cpu_init(me);
	REG32(PLIC + 4 * UART_IRQ) = 1;                     /* priority */
	REG32(PLIC + 0x2000 + 0x80 * me) |= 1u << UART_IRQ; /* enable */
	UART_FCR = 0x01;
	UART_IER = 0x01; /* received data */
	irq_disable();
	guest_puts("echo: ready, 16550 receive interrupts through the PLIC\n");
	for (;;) {
		while (!lines_ready)
			wait_irq_masked();
		line[len] = 0;
		if (is(line, "quit"))
			break;
		if (len)
			echo_line();
		len = 0;
		lines_ready = 0;
	}
	guest_puts("echo: interrupts: receive ");
	guest_put_dec(rx_irqs);
	guest_puts(rx_irqs ? "\necho: PASS\n" : "\necho: FAIL\n");
	return 0;
}

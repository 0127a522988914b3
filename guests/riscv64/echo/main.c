/* echo: console input and output through the VM's 16550 and PLIC.
 * Characters come from the receive interrupt (PLIC source 10,
 * IER.ERBFI), which the vCPU waits for in WFI; each line typed is echoed
 * back as "echo: <line>" (control characters as ^X), sent from the
 * THR-empty interrupt (IER.ETBEI: on while there is something to send,
 * up to 16 characters a time, the FIFO's depth); "overrun" asks for 300
 * characters with the receive interrupt off and the line-status one on,
 * and reports how many were kept (the FIFO's 16, cvisor's queue of 256
 * behind it) and whether the overrun came as a line-status interrupt;
 * "sbi" reads a line through SBI DBCN's console_read and another through
 * the legacy console_getchar, the UART's receive interrupt off; "quit"
 * ends it. */
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
#define TX_RING  256 /* a power of two */
#define IER_RX   0x01u
#define IER_TX   0x02u
#define IER_LS   0x04u
#define LSR_OE   0x02u

static char line[LINE_MAX];
static volatile unsigned len, lines_ready, rx_irqs, tx_irqs, empty_irqs;
static volatile unsigned ls_irqs, ls_overruns;
static char tx_ring[TX_RING];
static volatile unsigned tx_head, tx_tail; /* free-running */

/* Up to a FIFO's worth from the ring; the interrupt off when it is
 * empty. */
static void tx_some(void)
{
	for (unsigned n = 0; n < 16 && tx_tail != tx_head; n++)
		UART_RBR = (uint8_t)tx_ring[tx_tail++ % TX_RING];
	if (tx_tail == tx_head)
		UART_IER = IER_RX;
}

/* Queued for the THR-empty interrupt, which turning ETBEI on raises
 * (the THR is empty): the 16550 does that, and cvisor's must. */
static void tx_putc(char c)
{
	while (tx_head - tx_tail == TX_RING)
		wait_irq_masked();
	tx_ring[tx_head++ % TX_RING] = c;
}

static void tx_puts(const char *s)
{
	while (*s)
		tx_putc(*s++);
}

static void tx_flush(void)
{
	UART_IER = IER_RX | IER_TX;
	while (tx_tail != tx_head)
		wait_irq_masked();
}

static void on_irq(unsigned irq)
{
	if (irq != GUEST_IRQ_PLIC(UART_IRQ))
		return;
	uint8_t iir = UART_IIR;

	if (iir & 1) /* nothing pending at the UART */
		empty_irqs++;
	if ((iir & 0x0f) == 0x02) { /* THR empty */
		tx_irqs++;
		tx_some();
		return;
	}
	if ((iir & 0x0f) == 0x06) { /* line status: reading LSR clears it */
		ls_irqs++;
		if (UART_LSR & LSR_OE)
			ls_overruns++;
		return;
	}
	rx_irqs++;
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
	tx_puts("echo: ");
	for (unsigned i = 0; i < len; i++) {
		if ((unsigned char)line[i] < 0x20) {
			tx_putc('^');
			tx_putc((char)(line[i] + '@'));
		} else {
			tx_putc(line[i]);
		}
	}
	tx_puts("\n");
	tx_flush();
}

static void wait_ms(unsigned ms)
{
	uint64_t until = guest_counter() + guest_counter_freq() / 1000 * ms;

	while (guest_counter() < until)
		cpu_relax();
}

static void overrun_check(void)
{
	unsigned kept = 0;

	tx_puts("echo: overrun: type 300 characters\n");
	tx_flush();
	UART_IER = IER_LS;
	for (unsigned n = 0; n < 4000 && !ls_overruns; n++) {
		irq_enable();
		wait_ms(1);
		irq_disable();
	}
	wait_ms(300); /* the rest arrives, and is lost */
	while (UART_LSR & 1) {
		(void)UART_RBR;
		kept++;
	}
	/* How many overruns there are depends on how the characters
	 * arrive (a loaded host sends them in bursts); each must have
	 * raised its line-status interrupt. */
	guest_puts("echo: overrun: kept ");
	guest_put_dec(kept);
	guest_puts(ls_irqs && ls_irqs == ls_overruns ?
			   ", a line-status interrupt for each overrun (" :
			   ", line-status interrupts NOT one per overrun (");
	guest_put_dec(ls_irqs);
	guest_puts(")\n");
	UART_IER = IER_RX;
}

/* A line through SBI: DBCN console_read (dbcn) or legacy getchar. */
static void sbi_read_line(bool dbcn, char *buf, unsigned max)
{
	unsigned n = 0;

	while (n < max - 1) {
		char c;
		long got;
		if (dbcn) {
			got = guest_sbi(SBI_EXT_DBCN, 1, 1, (unsigned long)&c,
					0)
				      .value;
		} else {
			long r = guest_sbi(2, 0, 0, 0, 0).error; /* getchar */
			got = r >= 0;
			c = (char)r;
		}
		if (got != 1) {
			wait_ms(1);
			continue;
		}
		if (c == '\r' || c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = 0;
}

static void sbi_check(void)
{
	char buf[LINE_MAX];

	tx_puts("echo: sbi: type a line for DBCN console_read\n");
	tx_flush();
	UART_IER = 0;
	sbi_read_line(true, buf, sizeof(buf));
	guest_puts("echo: sbi: DBCN read \"");
	guest_puts(buf);
	guest_puts("\"\necho: sbi: type a line for console_getchar\n");
	sbi_read_line(false, buf, sizeof(buf));
	guest_puts("echo: sbi: getchar read \"");
	guest_puts(buf);
	guest_puts("\"\n");
	UART_IER = IER_RX;
}

/* Turning ETBEI on raises the line at once (the THR is empty). cvisor
 * updates VSEIP on the way back from that store's exit, so the
 * interrupt comes before the guest's next instruction: what its exit
 * path must do when an exit handled in place moves the vPLIC's line
 * (the spec would allow it later; cvisor's re-entry does not). */
static void tx_irq_at_once_check(void)
{
	unsigned before = tx_irqs, seen;

	irq_enable();
	UART_IER = IER_RX | IER_TX;
	seen = tx_irqs - before;
	irq_disable();
	guest_puts(seen ? "echo: THR-empty interrupt at the store that "
			  "enabled it: PASS\n" :
			  "echo: THR-empty interrupt at the store that "
			  "enabled it: FAIL\n");
}

int main(void)
{
	unsigned me = guest_cpu_index();

	guest_irq_init(on_irq);
	guest_irq_cpu_init(me);
	REG32(PLIC + 4 * UART_IRQ) = 1; /* priority */
	/* enable, in the vCPU's S-mode context (2 * me + 1) */
	REG32(PLIC + 0x2000 + 0x80 * (2 * me + 1)) |= 1u << UART_IRQ;
	UART_FCR = 0x01;
	tx_irq_at_once_check();
	UART_IER = IER_RX;
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
		if (is(line, "overrun"))
			overrun_check();
		if (is(line, "sbi"))
			sbi_check();
		len = 0;
		lines_ready = 0;
	}
	guest_puts("echo: interrupts: receive ");
	guest_put_dec(rx_irqs);
	guest_puts(", transmit ");
	guest_put_dec(tx_irqs);
	guest_puts(rx_irqs && tx_irqs ? "\necho: PASS\n" : "\necho: FAIL\n");
	return 0;
}

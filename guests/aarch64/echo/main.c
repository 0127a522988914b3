/* echo: a line-at-a-time console program on the VM's PL011, driven by its
 * interrupt (INTID 33, level-triggered, through the VM's GIC).
 *
 * The receive and receive-timeout interrupts drain the FIFO into a line
 * (FIFO on, receive level 1/2); each line comes back as "echo: <line>",
 * control characters shown as ^X. Replies go out through the transmit
 * interrupt: the first character is written at once, the others a few per
 * interrupt, and the interrupt is masked when nothing is left to send.
 * Two lines are commands:
 *   overrun  with receive interrupts masked, asks for 300 characters and
 *            reports how many arrived (the FIFO's 16 and cvisor's queue
 *            of 256 behind it) and the overrun flags, then unmasks
 *            the receive interrupt alone over the full FIFO (it must
 *            come, once);
 *   quit     prints the interrupt counts (FAIL if a kind never came) and
 *            powers off. */
#include <guest.h>

#define UART       0x09000000ul
#define UART_INTID 33u
#define GICD       0x08000000ul
#define REG32(a)   (*(volatile uint32_t *)(a))

#define DR    REG32(UART + 0x000)
#define RSR   REG32(UART + 0x004)
#define FR    REG32(UART + 0x018)
#define LCR_H REG32(UART + 0x02c)
#define CR    REG32(UART + 0x030)
#define IFLS  REG32(UART + 0x034)
#define IMSC  REG32(UART + 0x038)
#define RIS   REG32(UART + 0x03c)
#define MIS   REG32(UART + 0x040)
#define ICR   REG32(UART + 0x044)

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)
#define INT_OE  (1u << 10)
#define DR_OE   (1u << 11)

#define LINE_MAX 64
#define TX_SIZE  512

static char line[LINE_MAX];
static unsigned line_len;
static char tx[TX_SIZE];
static unsigned tx_head, tx_tail;
static volatile bool tx_busy;
static volatile unsigned rx_irqs, rt_irqs, tx_irqs, lines;
static volatile bool want_quit, want_overrun;
static volatile bool rx_held; /* overrun_check() reads the FIFO itself */

static void tx_put(char c)
{
	if ((tx_tail + 1) % TX_SIZE != tx_head) {
		tx[tx_tail] = c;
		tx_tail = (tx_tail + 1) % TX_SIZE;
	}
}

static void tx_puts(const char *s)
{
	while (*s)
		tx_put(*s++);
}

/* Sends what the queue holds; called with interrupts masked. */
static void tx_start(void)
{
	if (tx_busy || tx_head == tx_tail)
		return;
	tx_busy = true;
	DR = (uint8_t)tx[tx_head];
	tx_head = (tx_head + 1) % TX_SIZE;
	IMSC |= INT_TX;
}

static void tx_irq(void)
{
	tx_irqs++;
	for (int n = 0; n < 8 && tx_head != tx_tail; n++) {
		DR = (uint8_t)tx[tx_head];
		tx_head = (tx_head + 1) % TX_SIZE;
	}
	if (tx_head == tx_tail) {
		IMSC &= ~INT_TX;
		tx_busy = false;
	}
}

static bool line_is(const char *s)
{
	unsigned i = 0;

	for (; s[i]; i++)
		if (i >= line_len || line[i] != s[i])
			return false;
	return i == line_len;
}

static void line_done(void)
{
	lines++;
	if (line_is("quit"))
		want_quit = true;
	else if (line_is("overrun"))
		want_overrun = true;
	tx_puts("echo: ");
	for (unsigned i = 0; i < line_len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20) {
			tx_put('^');
			tx_put((char)(c + '@'));
		} else {
			tx_put((char)c);
		}
	}
	tx_put('\n');
	line_len = 0;
	tx_start();
}

static void rx_drain(void)
{
	while (!(FR & FR_RXFE)) {
		char c = (char)(DR & 0xff);
		if (c == '\r' || c == '\n') {
			if (line_len || c == '\n')
				line_done();
			continue;
		}
		line[line_len++] = c;
		if (line_len == LINE_MAX)
			line_done();
	}
}

static void on_irq(unsigned intid)
{
	if (intid != UART_INTID) {
		guest_puts("echo: FAIL: unexpected interrupt\n");
		return;
	}
	uint32_t mis = MIS;
	if (mis & INT_RX)
		rx_irqs++;
	if (mis & INT_RT)
		rt_irqs++;
	if (rx_held)
		IMSC &= ~INT_RX;
	else if (mis & (INT_RX | INT_RT))
		rx_drain();
	if (mis & INT_TX)
		tx_irq();
	if (mis & INT_OE)
		ICR = INT_OE;
}

static void tx_flush(void)
{
	while (tx_busy)
		wait_irq_masked();
}

static void wait_ms(unsigned ms)
{
	uint64_t end = guest_counter() + guest_counter_freq() * ms / 1000;

	while (guest_counter() < end)
		;
}

/* The overrun error, seen by a driver that stops reading while 300
 * characters are typed: the FIFO fills (16), cvisor's queue behind it
 * (256), the rest is lost and the 16th character carries OE. */
static void overrun_check(void)
{
	unsigned kept = 0, oe_at = 0;

	IMSC &= ~(INT_RX | INT_RT);
	tx_puts("echo: overrun: type 300 characters\n");
	tx_start();
	tx_flush();
	while (!(FR & FR_RXFF))
		;
	wait_ms(500); /* the rest arrives, and is lost */
	uint32_t rsr = RSR, ris = RIS;
	/* A full FIFO is above the receive level: the receive interrupt,
	 * unmasked alone, comes at once (how typed lines arrive, in one
	 * batch or one by one, depends on the host: this does not). */
	unsigned rx_before = rx_irqs;
	rx_held = true;
	IMSC |= INT_RX;
	irq_enable();
	for (unsigned i = 0; i < 1000 && rx_irqs == rx_before; i++)
		wait_ms(1);
	irq_disable();
	rx_held = false;
	while (!(FR & FR_RXFE)) {
		uint32_t d = DR;
		kept++;
		if ((d & DR_OE) && !oe_at)
			oe_at = kept;
	}
	RSR = 0; /* ECR: clears the error */
	ICR = INT_OE;
	guest_puts("echo: overrun: kept ");
	guest_put_dec(kept);
	guest_puts(", DR.OE on character ");
	guest_put_dec(oe_at);
	guest_puts(", RSR.OE ");
	guest_put_dec(rsr >> 3 & 1);
	guest_puts(", RIS.OE ");
	guest_put_dec(ris >> 10 & 1);
	guest_puts(RSR & 8 ? ", not cleared" : ", cleared");
	guest_puts("; receive interrupts at the level: ");
	guest_put_dec(rx_irqs - rx_before);
	guest_puts("\n");
	IMSC |= INT_RX | INT_RT;
}

int main(void)
{
	unsigned v = gic_init(on_irq);

	gic_cpu_init(0);
	/* The UART's line is a level (as the DT's flags say): ICFGR bit 1
	 * of the interrupt's field clear. */
	REG32(GICD + 0xc00 + UART_INTID / 16 * 4) &=
		~(2u << (UART_INTID % 16 * 2));
	gic_enable_spi(UART_INTID, 0);
	CR = 0;
	LCR_H = 3u << 5 | 1u << 4; /* 8 bits, FIFOs on */
	IFLS = 2u << 3;            /* receive at 1/2 full */
	ICR = 0x7ff;
	IMSC = INT_RX | INT_RT;
	CR = 1u << 0 | 1u << 8 | 1u << 9; /* UARTEN, TXE, RXE */
	guest_puts("echo: GICv");
	guest_put_dec(v);
	guest_puts(", ready\n");

	irq_disable();
	while (!want_quit) {
		if (want_overrun) {
			want_overrun = false;
			tx_flush();
			overrun_check();
		}
		wait_irq_masked();
	}
	tx_flush();
	guest_puts("echo: ");
	guest_put_dec(lines);
	guest_puts(" lines; interrupts: receive ");
	guest_put_dec(rx_irqs);
	guest_puts(", receive timeout ");
	guest_put_dec(rt_irqs);
	guest_puts(", transmit ");
	guest_put_dec(tx_irqs);
	guest_puts("\n");
	guest_puts(rt_irqs && tx_irqs ?
			   "echo: PASS\n" :
			   "echo: FAIL: an interrupt kind never came\n");
	return 0;
}

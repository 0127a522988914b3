/* Junk at the vPLIC: every word of the priority, pending and enable
 * ranges (32 contexts' worth) and of the first 16 contexts' pages (the VM
 * has 4: QEMU virt's M-mode and S-mode per vCPU, S-mode the odd ones), every page of its 6 MiB, in reads and junk writes; the other
 * widths and misaligned words at its registers; the rest of QEMU virt's
 * 64 MiB PLIC window, which cvisor's does not fill. Then its registers
 * must read as the PLIC spec says, and the UART's interrupt must still
 * come through it. */
#include "hostile.h"

#define REG(off)     (*(volatile uint32_t *)(PLIC_BASE + (off)))
#define PRIORITY(s)  (4ul * (s))
#define PENDING      0x1000ul
#define ENABLE(c)    (0x2000ul + 0x80ul * (c))
#define THRESHOLD(c) (0x200000ul + 0x1000ul * (c))
#define CLAIM(c)     (THRESHOLD(c) + 4)
#define SOURCES      96
#define UART_IRQ     10
#define UART_IER     (*(volatile uint8_t *)(UART_BASE + 1))
#define IER_THRE     2u
#define CAUSE_LOAD   5
#define CAUSE_STORE  7

static unsigned poke(uint64_t off)
{
	uint64_t n = guest_trap.count;

	(void)REG(off);
	REG(off) = (uint32_t)junk();
	(void)REG(off);
	return guest_trap.count != n;
}

static void junk_everywhere(void)
{
	unsigned traps = 0, faults = 0;

	for (uint64_t off = 0; off < ENABLE(32); off += 4)
		traps += poke(off);
	for (uint64_t off = THRESHOLD(0); off < THRESHOLD(16); off += 4)
		traps += poke(off);
	for (uint64_t off = 0; off < PLIC_SIZE; off += 0x1000)
		traps += poke(off) + poke(off + 4) + poke(off + 0xffc);
	verdict("vPLIC: junk read and written at every register word, no "
		"exception",
		traps == 0);
	/* QEMU virt's PLIC window is 64 MiB; cvisor's PLIC 6 MiB. */
	for (uint64_t a = PLIC_BASE + PLIC_SIZE; a < PLIC_BASE + 0x4000000;
	     a += 0x10000) {
		uint64_t n = guest_trap.count;
		(void)*(volatile uint32_t *)a;
		faults += trapped(n, CAUSE_LOAD, a);
	}
	verdict("vPLIC: past its 6 MiB, every 64 KiB: access faults",
		faults == (0x4000000 - PLIC_SIZE) / 0x10000);
}

/* 1, 2 and 8 bytes, and misaligned words, at its registers: access
 * faults (the PLIC's registers are 32-bit). */
static void bad_widths(void)
{
	static const uint64_t regs[] = { PRIORITY(10), PENDING,  ENABLE(1),
					 THRESHOLD(1), CLAIM(1), CLAIM(3) };
	unsigned bad = 0;

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		uint64_t a = PLIC_BASE + regs[i], n;
		n = guest_trap.count;
		(void)*(volatile uint8_t *)a;
		bad += !trapped(n, CAUSE_LOAD, a);
		n = guest_trap.count;
		*(volatile uint16_t *)(a + 2) = 0xffff;
		bad += !trapped(n, CAUSE_STORE, a + 2);
		n = guest_trap.count;
		(void)*(volatile uint64_t *)a;
		bad += !trapped(n, CAUSE_LOAD, a);
		n = guest_trap.count;
		*(volatile uint32_t *)(a + 1) = ~0u;
		bad += !trapped(n, CAUSE_STORE, a + 1);
	}
	verdict("vPLIC: byte, halfword, doubleword and misaligned accesses: "
		"access faults",
		bad == 0);
}

static void registers_after(void)
{
	bool ok = true;

	REG(PRIORITY(0)) = 7;
	ok &= expect_eq("source 0 has no priority", REG(PRIORITY(0)), 0);
	REG(PRIORITY(5)) = ~0u;
	ok &= expect_eq("priority: 3 bits", REG(PRIORITY(5)), 7);
	REG(PRIORITY(SOURCES)) = 7;
	ok &= expect_eq("no source past 95", REG(PRIORITY(SOURCES)), 0);
	REG(ENABLE(1)) = ~0u;
	ok &= expect_eq("source 0 cannot be enabled", REG(ENABLE(1)) & 1, 0);
	REG(ENABLE(1) + 12) = ~0u;
	ok &= expect_eq("no enable word past source 95", REG(ENABLE(1) + 12),
			0);
	for (unsigned c = 0; c < 16; c += 2) {
		REG(THRESHOLD(c)) = 5;
		REG(ENABLE(c)) = ~0u;
		ok &= expect_eq("an M-mode context: threshold",
				REG(THRESHOLD(c)), 0);
		ok &= expect_eq("an M-mode context: enable", REG(ENABLE(c)), 0);
		ok &= expect_eq("an M-mode context: claim", REG(CLAIM(c)), 0);
	}
	for (unsigned c = 5; c < 16; c += 2) {
		REG(THRESHOLD(c)) = 5;
		REG(ENABLE(c)) = ~0u;
		ok &= expect_eq("context of an absent vCPU: threshold",
				REG(THRESHOLD(c)), 0);
		ok &= expect_eq("context of an absent vCPU: enable",
				REG(ENABLE(c)), 0);
		ok &= expect_eq("context of an absent vCPU: claim",
				REG(CLAIM(c)), 0);
	}
	REG(THRESHOLD(1)) = ~0u;
	ok &= expect_eq("threshold: 3 bits", REG(THRESHOLD(1)), 7);
	REG(PENDING) = ~0u;
	ok &= expect_eq("pending is read-only", REG(PENDING), 0);
	verdict("vPLIC: after the junk, registers read as the spec says", ok);
}

static volatile unsigned uart_irqs;

static void on_irq(unsigned irq)
{
	if (irq == GUEST_IRQ_PLIC(UART_IRQ)) {
		UART_IER = 0;
		uart_irqs++;
	}
}

/* Everything off, then the UART's THR-empty interrupt on context 1
 * (vCPU 0's S-mode). */
static void uart_irq_after(void)
{
	for (unsigned s = 1; s < SOURCES; s++)
		REG(PRIORITY(s)) = 0;
	for (unsigned c = 1; c < 4; c += 2)
		for (unsigned w = 0; w < 3; w++)
			REG(ENABLE(c) + 4 * w) = 0;
	while (REG(CLAIM(1)) != 0 || REG(CLAIM(3)) != 0)
		;
	for (unsigned s = 1; s < SOURCES; s++) /* complete them all */
		REG(CLAIM(1)) = s, REG(CLAIM(3)) = s;
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	guest_irq_enable_line(UART_IRQ, 0);
	irq_disable();
	UART_IER = IER_THRE;
	uint64_t end = guest_counter() + PATIENCE_S * guest_counter_freq();
	while (!uart_irqs && guest_counter() < end)
		wait_irq_masked();
	csr_clear(sie, SIE_SEIE);
	verdict("vPLIC: after the junk, the UART's interrupt comes through it",
		uart_irqs == 1);
}

void hostile_plic(void)
{
	junk_everywhere();
	bad_widths();
	registers_after();
	uart_irq_after();
}

/* axstand: a stand-in for the guests AxVisor's QEMU configs were written
 * for (NimbOS and ArceOS on QEMU's riscv64 virt machine and x86_64 PC),
 * which cannot be built or fetched here. It behaves as they do there: it
 * prints on the machine's 16550 (riscv64: MMIO at 0x1000_0000; x86_64:
 * COM1, port 0x3f8), takes timer interrupts (riscv64: SBI set_timer;
 * x86_64: the local APIC's timer), takes the 16550's interrupt through
 * the machine's interrupt controller (the PLIC; the IOAPIC), reads the
 * devices the configs name (the arch's part, axstand_devices()) and
 * powers off (SBI SRST; isa-debug-exit). The same image runs wherever it
 * is loaded on riscv64 (its code is PC-relative: NimbOS's configs load
 * it at 0x9020_0000, ArceOS's at 0x8020_0000); x86_64's is linked at
 * 0x20_0000, where every x86_64 config loads its kernel. */
#include "axstand.h"

#define TICKS     5u
#define TICK_MS   10u
#define UART_WAIT 2u /* seconds the 16550's interrupt may take */

extern char _start[];

static volatile unsigned ticks, uart_irqs, others;
static unsigned uart_irq = ~0u;
static uint64_t period, next_tick;

static void on_irq(unsigned irq)
{
	if (irq == guest_timer_irq) {
		if (++ticks < TICKS) {
			next_tick += period;
			guest_timer_arm(next_tick);
		} else {
			guest_timer_stop();
		}
	} else if (irq == uart_irq) {
		uart_irqs++;
		axstand_uart_thre(false);
	} else {
		others++;
	}
}

static void say(const char *what, uint64_t n, const char *rest)
{
	guest_puts("axstand: ");
	guest_puts(what);
	guest_put_dec(n);
	guest_puts(rest);
}

/* TICKS timer interrupts, TICK_MS apart, the vCPU waiting for each. */
static void timer_ticks(void)
{
	period = guest_counter_freq() * TICK_MS / 1000;
	guest_timer_enable(0);
	irq_disable();
	next_tick = guest_counter() + period;
	guest_timer_arm(next_tick);
	while (ticks < TICKS)
		wait_irq_masked();
	say("", ticks, " timer interrupts (");
	guest_puts(axstand_timer_name);
	guest_puts(")\n");
}

/* The 16550's transmitter-empty interrupt through the controller. */
static bool uart_interrupt(void)
{
	uint64_t end = guest_counter() + UART_WAIT * guest_counter_freq();

	uart_irq = guest_irq_enable_line(axstand_uart_line, 0);
	axstand_uart_thre(true);
	irq_enable();
	while (!uart_irqs && guest_counter() < end)
		cpu_relax();
	irq_disable();
	if (!uart_irqs) {
		axstand_uart_thre(false);
		say("FAIL: no 16550 interrupt (line ", axstand_uart_line,
		    ") in ");
		guest_put_dec(UART_WAIT);
		guest_puts(" s\n");
		return false;
	}
	say("16550 interrupt (line ", axstand_uart_line, ") through the ");
	guest_puts(axstand_uart_chip);
	guest_puts("\n");
	return true;
}

int main(uint64_t boot)
{
	guest_puts("axstand: entered at ");
	guest_put_hex((uint64_t)(uintptr_t)_start);
	guest_puts("\n");
	axstand_machine(boot);
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	timer_ticks();
	bool ok = uart_interrupt();
	ok = axstand_devices() && ok;
	if (others)
		say("FAIL: ", others, " unexpected interrupts\n");
	guest_puts(ok && !others ? "axstand: done\n" : "axstand: FAIL\n");
	guest_puts("axstand: ");
	guest_puts(axstand_power_off_name);
	guest_puts("\n");
	return 0; /* the runtime powers off */
}

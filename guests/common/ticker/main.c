/* ticker: prints a line every TICK_MS of counter time, forever, for the
 * shell's lifecycle scenarios. While its VM is suspended the vCPU is held
 * and the counter runs on: the first line after a resume says how long
 * it was held, and the count goes on where it was (its state kept). A
 * reset or a restart starts it again at "ticker: start". A press of the
 * VM's power button (vm stop) powers it off. */
#include <guest.h>

#define TICK_MS 100

static unsigned button;

static void on_irq(unsigned irq)
{
	if (irq != button)
		return;
	guest_power_button_ack();
	guest_puts("ticker: power button pressed: powering off\n");
	guest_power_off();
}

int main(void)
{
	uint64_t freq = guest_counter_freq();
	uint64_t period = freq / 1000 * TICK_MS;
	uint64_t next = guest_counter() + period;

	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	button = guest_power_button_init(0);
	if (button != GUEST_NO_BUTTON)
		irq_enable();
	guest_puts("ticker: start\n");
	for (uint64_t n = 1;; n++) {
		uint64_t now;
		while ((now = guest_counter()) < next)
			;
		guest_puts("ticker: ");
		guest_put_dec(n);
		if (now - next > 5 * period) {
			guest_puts(" (held for ");
			guest_put_dec((now - next) / (freq / 1000));
			guest_puts(" ms)");
		}
		guest_puts("\n");
		next = now + period;
	}
	return 0;
}

/* ticker: prints a line every TICK_MS of counter time, forever, for the
 * shell's lifecycle scenarios. While its VM is suspended the vCPU is held
 * and the counter runs on: the first line after a resume says how long
 * it was held, and the count goes on where it was (its state kept). A
 * reset or a restart starts it again at "ticker: start". */
#include <guest.h>

#define TICK_MS 100

int main(void)
{
	uint64_t freq = guest_counter_freq();
	uint64_t period = freq / 1000 * TICK_MS;
	uint64_t next = guest_counter() + period;

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

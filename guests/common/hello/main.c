/* hello: prints a greeting, makes one hypercall, asks the firmware
 * interface its version, powers off. */
#include <guest.h>

int main(void)
{
	guest_puts("Hello, world!\n");
	uint64_t r = guest_hypercall(HC_DEBUG, 0xc0ffee, 1, 2);
	guest_puts(r == 0 ? "hypercall answered: 0\n" : "hypercall FAILED\n");
	guest_firmware_report();
	guest_puts("hello: done, powering off\n");
	return 0;
}

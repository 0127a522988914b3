/* hello: prints a greeting, makes one hypercall, checks PSCI, powers off. */
#include <guest.h>

int main(void)
{
	guest_puts("Hello, world!\n");
	uint64_t r = guest_hypercall(HC_DEBUG, 0xc0ffee, 1, 2);
	guest_puts(r == 0 ? "hypercall answered: 0\n" : "hypercall FAILED\n");
	uint64_t v = guest_psci(PSCI_VERSION, 0, 0, 0);
	guest_puts("PSCI version ");
	guest_put_hex(v);
	guest_puts("\nhello: done, powering off\n");
	return 0;
}

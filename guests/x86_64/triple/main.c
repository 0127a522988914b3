/* triple: an IDT with no room for any vector, then a breakpoint: the #GP
 * its delivery raises cannot be delivered either, nor the double fault:
 * a triple fault, which on a PC shuts the CPU down. cvisor must stop
 * this VM alone. */
#include <guest.h>

int main(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { 0, 0 };

	guest_puts("triple: an empty IDT, then int3\n");
	__asm__ volatile("lidt %0\n\tint3" : : "m"(idtr));
	guest_puts("triple: FAIL: still running\n");
	return 0;
}

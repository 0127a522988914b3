/* stackmmio: the stack moved into the LAPIC's page, then a store to a
 * non-canonical address: the #GP's delivery pushes its frame where no
 * RAM is. That push is no instruction's access: cvisor must not emulate
 * the store at rip as if it had touched the LAPIC (it would write eax
 * there, step past the store and deliver the #GP again), but stop this
 * VM alone, at the store, saying why. */
#include <guest.h>

extern const char stackmmio_store[];

int main(void)
{
	guest_puts("stackmmio: the stack in the LAPIC's page, then a #GP at ");
	guest_put_hex((uint64_t)stackmmio_store);
	guest_puts("\n");
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %0, %%rsp\n"
			 ".global stackmmio_store\n"
			 "stackmmio_store:\n\t"
			 "movl %%eax, (%%rdx)\n\t"
			 "mov %%rbx, %%rsp"
			 :
			 : "r"(LAPIC_BASE + 0x400), "a"(0x5a5a5a5a),
			   "d"(0x8000000000000000ul)
			 : "rbx", "memory");
	guest_puts("stackmmio: FAIL: still running\n");
	return 0;
}

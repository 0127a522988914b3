/* chatty: makes CALLS debug hypercalls as fast as it can. cvisor logs a
 * few each second and counts the rest, so that the console stays free
 * for the VMs beside it. */
#include <guest.h>

#define CALLS 2000

int main(void)
{
	uint64_t failed = 0;

	for (uint64_t i = 0; i < CALLS; i++)
		failed += guest_hypercall(HC_DEBUG, 0xc4a7, i, 0) != 0;
	guest_puts(failed ? "chatty: FAIL: a debug hypercall failed\n" :
			    "chatty: 2000 debug hypercalls made\n");
	return 0;
}

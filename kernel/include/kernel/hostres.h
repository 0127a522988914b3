/* Host physical ranges with an owner: the device registers and memory
 * cvisor itself uses, and what each VM is given (passthrough devices,
 * reserved memory); on x86, I/O port ranges too, a space of their own.
 * Overlapping claims are refused, so no two owners ever share a device,
 * a page or a port. */
#ifndef KERNEL_HOSTRES_H
#define KERNEL_HOSTRES_H

#include <kernel/types.h>

#define HOSTRES_MAX 64
/* The owner of everything cvisor's own drivers and allocator use. */
#define HOSTRES_CVISOR ((const void *)0)

struct hostres {
	paddr_t base;
	uint64_t size;
	const void *owner;
	const char *what; /* for messages: "GIC distributor", a VM's name */
	bool port;        /* an I/O port range, not an address range */
};

/* Claims [base, base+size) for 'owner'. 0, or -1 when it overlaps a claim
 * of anyone (then *conflict, if not NULL, is a copy of that claim), wraps,
 * or the table is full (conflict->what is then NULL). */
int hostres_claim(paddr_t base, uint64_t size, const void *owner,
		  const char *what, struct hostres *conflict);
/* The same for I/O ports [base, base+count). */
int hostres_claim_ports(uint32_t base, uint32_t count, const void *owner,
			const char *what, struct hostres *conflict);
/* Whether a claim meets [base, base+size): *out is then the first such. */
bool hostres_find(paddr_t base, uint64_t size, struct hostres *out);
/* Gives back every claim of 'owner', ports included. */
void hostres_release(const void *owner);

#endif

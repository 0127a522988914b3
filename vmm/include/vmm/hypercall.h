/* cvisor's hypercalls, AxVisor's numbering (docs/hypercalls.md). The
 * dispatch is inline: each arch's hypercall exit calls it, and a call
 * less is a tenth of the cheapest exit. */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include <kernel/log.h>
#include <kernel/types.h>

struct vcpu;

enum hypercall_nr {
	HC_HYPERVISOR_DISABLE = 0,
	HC_PREPARE_DISABLE = 1,
	HC_DEBUG = 2,
	HC_IVC_PUBLISH = 3,
	HC_IVC_SUBSCRIBE = 4,
	HC_IVC_UNPUBLISH = 5,
	HC_IVC_UNSUBSCRIBE = 6,
	/* cvisor's own, clear of AxVisor's numbers (0-11 in use) */
	HC_IVC_NOTIFY = 16,
};

#define HC_ERROR ((uint64_t)-1)

/* The calls' bodies, out of line (vmm/hypercall.c). */
uint64_t hypercall_debug(struct vcpu *v, const uint64_t *args);
uint64_t hypercall_ivc(struct vcpu *v, uint64_t nr, const uint64_t *args);
/* A refused call's debug line. */
void hypercall_refused_log(struct vcpu *v, uint64_t nr);

/* Whether 'nr' lies outside the numbers in use (hypercall_ivc() refuses
 * those inside that no one defined). */
static inline bool hypercall_unknown(uint64_t nr)
{
	return nr - HC_DEBUG > HC_IVC_NOTIFY - HC_DEBUG;
}

static inline uint64_t hypercall_refuse(struct vcpu *v, uint64_t nr)
{
	if (unlikely(log_max_level >= LOG_DEBUG))
		hypercall_refused_log(v, nr);
	return HC_ERROR;
}

/* A call whose number is not hypercall_unknown(). */
static inline uint64_t hypercall_known(struct vcpu *v, uint64_t nr,
				       const uint64_t *args)
{
	if (nr == HC_DEBUG)
		return hypercall_debug(v, args);
	return hypercall_ivc(v, nr, args);
}

/* The value for the guest's result register. Refused (-1): hypervisor
 * disable (0, 1: only a host VM, AxVisor's type-1.5 mode, may, and
 * cvisor has none) and numbers nobody defined. */
static inline uint64_t hypercall_handle(struct vcpu *v, uint64_t nr,
					const uint64_t *args)
{
	if (hypercall_unknown(nr))
		return hypercall_refuse(v, nr);
	return hypercall_known(v, nr, args);
}

#endif

/* Internal interface between the files of vmm/arch/aarch64. */
#ifndef VMM_AARCH64_H
#define VMM_AARCH64_H

#include "guest_entry.h"
#include <arch/sysreg.h>
#include <string.h>
#include <vmm/vm.h>

#define PSCI_SUCCESS         0
#define PSCI_NOT_SUPPORTED   ((uint64_t)-1)
#define PSCI_INVALID_PARAMS  ((uint64_t)-2)
#define PSCI_DENIED          ((uint64_t)-3)
#define PSCI_ALREADY_ON      ((uint64_t)-4)
#define PSCI_INVALID_ADDRESS ((uint64_t)-9)

/* VTCR_EL2 for the stage-2 format of stage2.c. */
uint64_t arch_vtcr(void);
/* Makes the page at 'gpa' (mapped by stage2_map() as a 4 KiB page, not
 * in a block) fault, or translate again; invalidating it needs the VM's
 * VMID in VTTBR_EL2 (one of its vCPUs loaded). */
void stage2_page_set_valid(struct stage2 *s2, gpaddr_t gpa, bool valid);
/* Whether x0 is a function id of the PSCI range: SMCCC's standard
 * secure service (owner 4), 32- or 64-bit. */
static inline bool psci_range(uint64_t x0)
{
	return !(x0 >> 32) && (x0 >> 24 & 0x3f) == 0x04;
}
/* Answers a PSCI call (HVC or SMC) whose x0 is in psci_range() (outside
 * it an HVC is a hypercall): in x0, or as a generic exit in 'e'. */
void psci_handle(struct vcpu *v, struct vcpu_exit *e);
/* Finds which optional EL1 registers the CPU has, for the vCPU switch
 * (once, before any vCPU runs). */
void vcpu_features_init(void);
/* The vCPU loaded on this pCPU, or NULL. */
struct vcpu *vcpu_loaded(void);
/* The EL2 vector table (hal/aarch64/vectors.S) and the one the virtual
 * timer's fast path switches to until the vGIC has caught up with it
 * (guest_entry.S, vgic.c: struct vgic_fast). */
extern char el2_vectors[], vgic_fast_vectors[];
static inline void vgic_fast_vectors_off(void)
{
	write_sysreg(vbar_el2, (uint64_t)el2_vectors);
}
/* Emulates a trapped MSR/MRS; false to make it undefined. */
bool sysreg_handle(struct vcpu *v, uint64_t esr);

#endif

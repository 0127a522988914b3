/* PSCI 1.1 for guests, over HVC and SMC: the calls a kernel needs to
 * start, stop and power its CPUs. Answered here or turned into generic
 * exits (CPU_ON, CPU_OFF, SYSTEM_OFF, SYSTEM_RESET). */
#include <kernel/log.h>
#include "vmm_aarch64.h"

#define PSCI_VERSION           0x84000000u
#define PSCI_CPU_SUSPEND       0xc4000001u
#define PSCI_CPU_OFF           0x84000002u
#define PSCI_CPU_ON            0xc4000003u
#define PSCI_AFFINITY_INFO     0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF        0x84000008u
#define PSCI_SYSTEM_RESET      0x84000009u
#define PSCI_FEATURES          0x8400000au
#define PSCI_32BIT(fn)         ((fn) & ~0x40000000u)

static bool psci_known(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case PSCI_CPU_SUSPEND:
	case PSCI_32BIT(PSCI_CPU_ON):
	case PSCI_32BIT(PSCI_AFFINITY_INFO):
	case PSCI_32BIT(PSCI_CPU_SUSPEND):
		return true;
	}
	return false;
}

static uint64_t psci_affinity_info(struct vcpu *v, uint64_t target,
				   uint64_t level)
{
	if (level != 0)
		return PSCI_INVALID_PARAMS;
	struct vcpu *t = vm_vcpu_by_hwid(v->vm, target & 0xff00ffffffull);
	if (!t)
		return PSCI_INVALID_PARAMS;
	return vcpu_is_on(t) ? 0 : 1; /* ON : OFF */
}

/* Argument i of call fn: SMC32/HVC32 calls pass 32-bit arguments, the
 * upper halves of the registers are not the caller's to set (SMCCC).
 * Worked out by the calls that take arguments only. */
static inline uint64_t psci_arg(const uint64_t *x, unsigned i, uint32_t fn)
{
	return fn & 0x40000000u ? x[i] : (uint32_t)x[i];
}

void psci_handle(struct vcpu *v, struct vcpu_exit *e)
{
	uint64_t *x = v->arch.regs.x;
	uint32_t fn = (uint32_t)x[0];

	/* One switch finds the call, or none (one we don't have). */
	switch (fn) {
	case PSCI_VERSION:
		x[0] = 1 << 16 | 1; /* 1.1 */
		break;
	case PSCI_FEATURES:
		x[0] = psci_known((uint32_t)x[1]) ? 0 : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		x[0] = 2; /* no trusted OS */
		break;
	case PSCI_CPU_SUSPEND:
	case PSCI_32BIT(PSCI_CPU_SUSPEND):
		x[0] = PSCI_SUCCESS; /* as a standby: WFI */
		e->kind = EXIT_HALT;
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_32BIT(PSCI_AFFINITY_INFO):
		x[0] = psci_affinity_info(v, psci_arg(x, 1, fn),
					  psci_arg(x, 2, fn));
		break;
	case PSCI_CPU_ON:
	case PSCI_32BIT(PSCI_CPU_ON):
		e->kind = EXIT_CPU_ON;
		e->cpu_on.target = psci_arg(x, 1, fn) & 0xff00ffffffull;
		e->cpu_on.entry = psci_arg(x, 2, fn);
		e->cpu_on.context = psci_arg(x, 3, fn);
		break;
	case PSCI_CPU_OFF:
		e->kind = EXIT_CPU_OFF;
		break;
	case PSCI_SYSTEM_OFF:
		e->kind = EXIT_SYSTEM_OFF;
		break;
	case PSCI_SYSTEM_RESET:
		e->kind = EXIT_SYSTEM_RESET;
		break;
	default:
		x[0] = PSCI_NOT_SUPPORTED;
		break;
	}
}

void vcpu_arch_cpu_on_done(struct vcpu *v, enum vcpu_on_result r)
{
	static const uint64_t psci_error[] = {
		[VCPU_ON_OK] = PSCI_SUCCESS,
		[VCPU_ON_NO_SUCH_CPU] = PSCI_INVALID_PARAMS,
		[VCPU_ON_BAD_ENTRY] = PSCI_INVALID_ADDRESS,
		[VCPU_ON_ALREADY_ON] = PSCI_ALREADY_ON,
		[VCPU_ON_DENIED] = PSCI_DENIED,
	};

	vcpu_arch_set_return(v, psci_error[r]);
}

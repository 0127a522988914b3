/* CPUID as a VM sees it: the host's processor, less what cvisor does not
 * give guests (docs/x86_64.md, "CPUID"): SVM, VMX, MONITOR/MWAIT, the
 * PMU, MCE/MCA, MTRRs, thermal and power leaves, 5-level paging, the
 * speculation-control MSRs; with its own APIC ids, x2APIC (emulated,
 * whatever the host has), and the hypervisor leaves 0x4000_0000
 * ("cvisorcvisor") and 0x4000_0010 (TSC and LAPIC timer kHz). */
#include <hal/hal.h>
#include "svm.h"
#include "x86_insn.h"

#define MAX_BASIC 0xd
#define MAX_EXT   0x80000008u
#define HV_LEAF   0x40000000u
#define HV_TIMING 0x40000010u

/* Leaf 1. */
#define L1_ECX_HIDE                                                   \
	(1u << 3 | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 8 | 1u << 11 | \
	 1u << 15 | 1u << 18)
#define L1_ECX_X2APIC       (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_XSAVE        (1u << 26)
#define L1_ECX_OSXSAVE      (1u << 27)
#define L1_ECX_HYPERVISOR   (1u << 31)
#define L1_EDX_HIDE                                                       \
	(1u << 7 | 1u << 12 | 1u << 14 | 1u << 18 | 1u << 21 | 1u << 22 | \
	 1u << 29 | 1u << 31)
#define L1_EDX_APIC (1u << 9)
#define L1_EDX_HTT  (1u << 28)
/* Leaf 7.0: SGX, HLE, RTM, PQM, MPX, PQE, Intel PT; WAITPKG, LA57;
 * the speculation-control MSRs. */
#define L7_EBX_HIDE                                                      \
	(1u << 2 | 1u << 4 | 1u << 11 | 1u << 12 | 1u << 14 | 1u << 15 | \
	 1u << 25)
#define L7_ECX_HIDE (1u << 5 | 1u << 16)
#define L7_EDX_HIDE (1u << 26 | 1u << 27 | 1u << 29 | 1u << 31)
/* 0x8000_0001: SVM, IBS, SKINIT, WDT, LWP, PerfCtrCore, MWAITX. */
#define E1_ECX_HIDE                                                       \
	(1u << 2 | 1u << 10 | 1u << 12 | 1u << 13 | 1u << 15 | 1u << 23 | \
	 1u << 29)

static void leaf_basic(struct vcpu *v, uint32_t leaf, uint32_t sub,
		       uint32_t r[4])
{
	x86_cpuid(leaf, sub, r);
	switch (leaf) {
	case 0:
		if (r[0] > MAX_BASIC)
			r[0] = MAX_BASIC;
		break;
	case 1:
		r[1] = (r[1] & 0xff00) | (uint32_t)v->hwid << 24 |
		       (v->vm->vcpu_count & 0xff) << 16;
		r[2] = (r[2] & ~L1_ECX_HIDE & ~L1_ECX_OSXSAVE) | L1_ECX_X2APIC |
		       L1_ECX_TSC_DEADLINE | L1_ECX_HYPERVISOR;
		if (!svm_has_xsave)
			r[2] &= ~L1_ECX_XSAVE;
		else if (v->arch.vmcb->s.cr4 & CR4_OSXSAVE)
			r[2] |= L1_ECX_OSXSAVE;
		r[3] = (r[3] & ~L1_EDX_HIDE) | L1_EDX_APIC | L1_EDX_HTT;
		break;
	case 7:
		if (sub == 0) {
			r[0] = 0;
			r[1] &= ~L7_EBX_HIDE;
			r[2] &= ~L7_ECX_HIDE;
			r[3] &= ~L7_EDX_HIDE;
		} else {
			r[0] = r[1] = r[2] = r[3] = 0;
		}
		break;
	case 2:
	case 4:
	case 0xd:
		break; /* caches and XSAVE's layout, as the host's */
	default:
		/* MONITOR, power, topology, PMU, ...: none. */
		r[0] = r[1] = r[2] = r[3] = 0;
	}
}

static void leaf_ext(struct vcpu *v, uint32_t leaf, uint32_t r[4])
{
	x86_cpuid(leaf, 0, r);
	switch (leaf) {
	case 0x80000000u:
		if (r[0] > MAX_EXT)
			r[0] = MAX_EXT;
		break;
	case 0x80000001u:
		r[2] &= ~E1_ECX_HIDE;
		break;
	case 0x80000007u:
		/* The invariant TSC, whatever the host says: a vCPU reads its
		 * CPU's TSC, whose rate cvisor itself takes as constant (it
		 * measures it once, for its own clock). Linux then trusts
		 * it across CPUs (sched_clock, each CPU's delay loop). */
		r[0] = r[1] = r[2] = 0;
		r[3] = 1u << 8;
		break;
	case 0x80000008u:
		r[1] = 0;
		r[2] = (v->vm->vcpu_count - 1) & 0xff;
		r[3] = 0;
		break;
	default:
		break; /* brand string, caches */
	}
}

void cpuid_emulate(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->arch.vmcb->s.rax;
	uint32_t sub = (uint32_t)v->arch.gprs.r[GPR_RCX];
	uint32_t r[4] = { 0, 0, 0, 0 }, max[4];

	if (leaf < 0x40000000u) {
		x86_cpuid(0, 0, max);
		if (leaf <= MAX_BASIC && leaf <= max[0])
			leaf_basic(v, leaf, sub, r);
	} else if (leaf == HV_LEAF) {
		r[0] = HV_TIMING;
		r[1] = 'c' | 'v' << 8 | 'i' << 16 | (uint32_t)'s' << 24;
		r[2] = 'o' | 'r' << 8 | 'c' << 16 | (uint32_t)'v' << 24;
		r[3] = 'i' | 's' << 8 | 'o' << 16 | (uint32_t)'r' << 24;
	} else if (leaf == HV_TIMING) {
		r[0] = (uint32_t)(hal_timer_freq() / 1000);
		r[1] = (uint32_t)(VLAPIC_BUS_HZ / 1000);
	} else if (leaf >= 0x80000000u && leaf <= MAX_EXT) {
		x86_cpuid(0x80000000u, 0, max);
		if (leaf <= max[0])
			leaf_ext(v, leaf, r);
	}
	v->arch.vmcb->s.rax = r[0];
	v->arch.gprs.r[GPR_RBX] = r[1];
	v->arch.gprs.r[GPR_RCX] = r[2];
	v->arch.gprs.r[GPR_RDX] = r[3];
}

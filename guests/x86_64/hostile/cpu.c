/* The CPU's own interfaces: VMMCALL and VMCALL with numbers nobody
 * defined and IVC calls with bad pointers (-1), the MSR ranges (a
 * register the VM does not have is #GP on read and on write, and one it
 * has must not show the host's SVM state), every CPUID leaf (SVM hidden,
 * the hypervisor leaf there), the SVM instructions (#UD: SVM is hidden). */
#include "hostile.h"

#define MSR_VM_CR     0xc0010114u
#define MSR_VM_HSAVE  0xc0010117u
#define MSR_EFER      0xc0000080u
#define EFER_SVME     (1ull << 12)
#define CPUID_SVM_ECX (1u << 2)

bool rdmsr_faults(uint32_t msr, uint64_t *val)
{
	uint64_t n = guest_trap.count;
	uint32_t lo = 0, hi = 0;

	GUARDED("rdmsr",
		: "+a"(lo), "+d"(hi)
		: "c"(msr), RESUME_OFF
		: "r11", "memory");
	*val = (uint64_t)hi << 32 | lo;
	return trapped(n, VEC_GP);
}

bool wrmsr_faults(uint32_t msr, uint64_t val)
{
	uint64_t n = guest_trap.count;

	GUARDED("wrmsr",
		:
		: "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)),
		  RESUME_OFF
		: "r11", "memory");
	return trapped(n, VEC_GP);
}

static void hypercalls(void)
{
	static const uint64_t nrs[] = { 0,  1,  7,   8,          11,
					15, 17, 255, 1ull << 32, ~0ull };
	bool ok = true;

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		ok &= expect_eq("undefined or refused hypercall",
				guest_hypercall(nrs[i], junk(), junk(), junk()),
				~0ull);
	ok &= expect_eq("IVC publish, pointers nowhere",
			guest_hypercall(HC_IVC_PUBLISH, 1, 0xf0000000ul,
					0xf0000008ul),
			~0ull);
	ok &= expect_eq("IVC publish, pointers past RAM's end",
			guest_hypercall(HC_IVC_PUBLISH, 1, RAM_END - 4,
					RAM_END),
			~0ull);
	ok &= expect_eq("IVC subscribe to an absent VM",
			guest_hypercall4(HC_IVC_SUBSCRIBE, 999, 1, 0x300000,
					 0x300008),
			~0ull);
	ok &= expect_eq("IVC notify of nothing",
			guest_hypercall(HC_IVC_NOTIFY, 12345, 0, 0), ~0ull);
	verdict("VMMCALL: undefined numbers, disable and bad IVC arguments: -1",
		ok);
}

/* Reads every MSR of the ranges AMD's permission map covers (and a few
 * beyond); those that fault must fault on a junk write too. */
static void msrs(void)
{
	static const struct {
		uint32_t first, count;
	} ranges[] = {
		{ 0, 0x2000 },           { 0x40000000u, 0x200 },
		{ 0xc0000000u, 0x2000 }, { 0xc0010000u, 0x2000 },
		{ 0x80000000u, 0x10 },   { 0xffffff00u, 0x100 },
	};
	unsigned faulted = 0, readable = 0, bad = 0;
	uint64_t v;

	for (unsigned r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (uint32_t i = 0; i < ranges[r].count; i++) {
			uint32_t msr = ranges[r].first + i;
			if (rdmsr_faults(msr, &v)) {
				faulted++;
				bad += !wrmsr_faults(msr, junk());
			} else {
				readable++;
			}
		}
	}
	verdict("unknown MSRs (every one of AMD's ranges): #GP on read and "
		"on a junk write",
		bad == 0 && faulted > 0x6000 && readable > 0);
	bool hidden = rdmsr_faults(MSR_VM_HSAVE, &v) || v == 0;
	hidden &= rdmsr_faults(MSR_VM_CR, &v) || v == 0;
	hidden &= !rdmsr_faults(MSR_EFER, &v) && !(v & EFER_SVME);
	hidden &= wrmsr_faults(MSR_EFER, v | EFER_SVME);
	hidden &= wrmsr_faults(MSR_VM_HSAVE, 0x1000);
	verdict("SVM's MSRs: no host state shown, EFER.SVME not settable",
		hidden);
}

static void cpuid_all(void)
{
	uint32_t r[4], max_basic, max_ext;
	bool ok = true;

	cpuid(0, 0, r);
	max_basic = r[0];
	cpuid(0x80000000u, 0, r);
	max_ext = r[0];
	for (uint32_t leaf = 0; leaf <= max_basic + 16; leaf++)
		for (uint32_t sub = 0; sub < 8; sub++)
			cpuid(leaf, sub, r);
	for (uint32_t leaf = 0x40000000u; leaf < 0x40000100u; leaf++)
		cpuid(leaf, 0, r);
	for (uint32_t leaf = 0x80000000u; leaf <= max_ext + 16; leaf++)
		for (uint32_t sub = 0; sub < 4; sub++)
			cpuid(leaf, sub, r);
	for (unsigned i = 0; i < 2000; i++)
		cpuid((uint32_t)junk(), (uint32_t)junk(), r);
	cpuid(0x80000001u, 0, r);
	ok &= !(r[2] & CPUID_SVM_ECX);
	cpuid(1, 0, r);
	ok &= (r[2] >> 31) & 1; /* a hypervisor is present */
	verdict("CPUID of every leaf and 2000 random ones: answered, SVM "
		"hidden",
		ok);
}

/* Whether the SVM instruction of these bytes is #UD (rax, its address
 * operand, a page of our RAM). */
#define SVM_INSN_UD(bytes)                          \
	({                                          \
		uint64_t n_ = guest_trap.count;     \
		GUARDED(".byte " bytes,             \
			:                           \
			: "a"(0x1000ul), RESUME_OFF \
			: "r11", "memory");         \
		trapped(n_, VEC_UD);                \
	})

static void svm_instructions(void)
{
	unsigned ud = 0;

	ud += SVM_INSN_UD("0x0f, 0x01, 0xd8"); /* VMRUN */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xda"); /* VMLOAD */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xdb"); /* VMSAVE */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xdc"); /* STGI */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xdd"); /* CLGI */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xde"); /* SKINIT */
	ud += SVM_INSN_UD("0x0f, 0x01, 0xdf"); /* INVLPGA */
	verdict("VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA: #UD",
		ud == 7);
}

void hostile_cpu(void)
{
	hypercalls();
	msrs();
	cpuid_all();
	svm_instructions();
}

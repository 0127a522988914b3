/* SVM on the host: whether the CPU has it (with nested paging), turning it
 * on in each CPU (EFER.SVME, the host save area), the I/O and MSR
 * permission maps every VM shares, and what XSAVE switches. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <string.h>
#include "svm.h"
#include "x86_insn.h"

#define CPUID_SVM_ECX    (1u << 2)  /* 0x8000_0001 ECX */
#define CPUID_RDTSCP_EDX (1u << 27) /* 0x8000_0001 EDX */
#define CPUID_NP_EDX     (1u << 0)  /* 0x8000_000a EDX */
#define CPUID_NRIPS_EDX  (1u << 3)
#define CPUID_VGIF_EDX   (1u << 16)
#define CPUID1_XSAVE_ECX (1u << 26)
#define CPUID1_PSE_EDX   (1u << 3)
#define CPUID1_PGE_EDX   (1u << 13)
#define MSRPM_PAGES      2

static struct svm_cpu svm_cpus[MAX_CPUS];
bool svm_has_xsave;
uint64_t svm_cr4_follows; /* PSE, PGE where the CPU has them */
bool svm_has_rdtscp;
uint64_t svm_xcr0_host;
uint32_t svm_nasid;
paddr_t svm_iopm_pa, svm_msrpm_pa;

/* MSRs the guest reads and writes without an exit: what VMRUN and
 * VMLOAD/VMSAVE switch (the VMCB holds them). */
static const uint32_t msr_passthrough[] = {
	0x174,      0x175,      0x176, /* SYSENTER_CS/ESP/EIP */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR..SFMASK */
	0xc0000100, 0xc0000101, 0xc0000102, /* FS, GS, KERNEL_GS base */
};

static void msrpm_clear(uint8_t *pm, uint32_t msr)
{
	uint32_t bit;

	if (msr < 0x2000)
		bit = msr * 2;
	else if (msr - 0xc0000000u < 0x2000)
		bit = 0x4000 + (msr - 0xc0000000u) * 2; /* from byte 0x800 */
	else
		return;
	pm[bit / 8] &= (uint8_t) ~(3u << (bit % 8));
}

int svm_maps_init(void)
{
	svm_iopm_pa = page_alloc(IOPM_PAGES, PAGE_SIZE);
	svm_msrpm_pa = page_alloc(MSRPM_PAGES, PAGE_SIZE);
	if (!svm_iopm_pa || !svm_msrpm_pa)
		return -1;
	/* Every port and every MSR exits, but those above. */
	memset(pa_to_ptr(svm_iopm_pa), 0xff, IOPM_PAGES * PAGE_SIZE);
	memset(pa_to_ptr(svm_msrpm_pa), 0xff, MSRPM_PAGES * PAGE_SIZE);
	for (unsigned i = 0; i < ARRAY_SIZE(msr_passthrough); i++)
		msrpm_clear(pa_to_ptr(svm_msrpm_pa), msr_passthrough[i]);
	return 0;
}

/* Each CPU's save areas, taken before any VM so that what VMs take is
 * theirs alone (the memory-returned check). */
static int svm_cpus_alloc(void)
{
	for (unsigned i = 0; i < cpu_count && i < MAX_CPUS; i++) {
		svm_cpus[i].hsave = page_alloc(1, PAGE_SIZE);
		svm_cpus[i].host = page_alloc(1, PAGE_SIZE);
		if (!svm_cpus[i].hsave || !svm_cpus[i].host)
			return -1;
	}
	return 0;
}

int vmm_arch_init(void)
{
	uint32_t r[4];

	x86_cpuid(0x80000000, 0, r);
	if (r[0] < 0x8000000a) {
		pr_error("x86_64 VMM: no SVM (CPUID 0x8000000a missing)");
		return -1;
	}
	x86_cpuid(0x80000001, 0, r);
	svm_has_rdtscp = r[3] & CPUID_RDTSCP_EDX;
	if (!(r[2] & CPUID_SVM_ECX)) {
		pr_error("x86_64 VMM: the CPU has no SVM (AMD-V); no VMs");
		return -1;
	}
	if (x86_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		pr_error(
			"x86_64 VMM: SVM is disabled by the firmware (VM_CR.SVMDIS)");
		return -1;
	}
	x86_cpuid(0x8000000a, 0, r);
	if (!(r[3] & CPUID_NP_EDX)) {
		pr_error("x86_64 VMM: SVM without nested paging; no VMs");
		return -1;
	}
	svm_nasid = r[1];
	uint32_t rev = r[0] & 0xff;
	bool nrips = r[3] & CPUID_NRIPS_EDX, vgif = r[3] & CPUID_VGIF_EDX;
	x86_cpuid(1, 0, r);
	svm_has_xsave = r[2] & CPUID1_XSAVE_ECX;
	svm_cr4_follows = ((r[3] & CPUID1_PSE_EDX) ? CR4_PSE : 0) |
			  ((r[3] & CPUID1_PGE_EDX) ? CR4_PGE : 0);
	if (svm_has_xsave) {
		x86_cpuid(0xd, 0, r);
		svm_xcr0_host = (uint64_t)r[3] << 32 | r[0];
	}
	if (svm_maps_init() || svm_cpus_alloc())
		return -1;
	vcmos_host_clock();
	pr_info("x86_64 VMM: SVM rev %u, nested paging, %u ASIDs%s%s, guest "
		"FPU by %s",
		rev, svm_nasid, nrips ? ", NRIP save" : "",
		vgif ? ", VGIF" : "", svm_has_xsave ? "XSAVE" : "FXSAVE");
	return 0;
}

/* On the CPU's first vCPU load: SVME, the save areas, and what the host
 * needs to switch the guest's FPU state (CR4.OSFXSR, OSXSAVE). */
void svm_cpu_enable(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu_id()];

	if (c->on)
		return;
	if (!c->hsave || !c->host)
		panic("CPU %u came online after the VMM started",
		      this_cpu_id());
	uint64_t cr4 = x86_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (svm_has_xsave)
		cr4 |= CR4_OSXSAVE;
	x86_write_cr4(cr4);
	c->cr4 = cr4;
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_SVME | EFER_NXE);
	x86_wrmsr(MSR_VM_HSAVE_PA, c->hsave);
	/* What VMLOAD puts back after each guest (FS, GS, TR, LDTR, the
	 * SYSCALL and SYSENTER MSRs): cvisor sets them once, at boot, so
	 * they are saved once. */
	__asm__ volatile("vmsave %%rax" : : "a"(c->host) : "memory");
	c->on = true;
}

uint32_t svm_asid_count(uint32_t cap)
{
	return svm_nasid < cap ? svm_nasid : cap;
}

struct svm_cpu *svm_this_cpu(void)
{
	return &svm_cpus[this_cpu_id()];
}

/* cpu: what an x86_64 vCPU under cvisor looks like and keeps. The CPUID
 * view (a hypervisor, an x2APIC, no SVM or VMX, its APIC id and count), the
 * MSRs (EFER without SVME, which cannot be set; the APIC base; an MSR the
 * VM does not have is #GP), the SVM instructions as #UD, TSC_AUX its
 * own (RDTSCP), Intel's VMCALL as the hypercall, the Multiboot
 * information cvisor wrote, an NMI sent to itself, INIT stopping its
 * running vCPU 1 and INIT/SIPI starting it again; then its SSE registers
 * (and AVX's upper halves when the CPU has XSAVE and AVX) and TSC_AUX
 * hold a pattern of its own for a while, time-sliced against another VM
 * on the same pCPU. */
#include <guest.h>

#define MSR_EFER      0xc0000080u
#define MSR_VM_CR     0xc0010114u
#define MSR_APIC_BASE 0x1bu
#define EFER_SVME     (1ull << 12)
#define HOLD_MS       150

uint64_t guest_hypercall_vmcall(uint64_t nr, uint64_t a0, uint64_t a1,
				uint64_t a2);

static int failures;
static uint32_t aux_mark; /* this VM's TSC_AUX: from the TSC at start */

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "cpu: ok: " : "cpu: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

/* Each runs one instruction with guest_trap.resume just past it: true
 * when it raised exception 'vec'. */
static bool rdmsr_faults(uint32_t msr)
{
	uint64_t before = guest_trap.count;

	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %0\n\t"
			 "rdmsr\n"
			 "1:"
			 : "=m"(guest_trap.resume)
			 : "c"(msr)
			 : "rax", "rdx", "memory");
	guest_trap.resume = 0;
	return guest_trap.count == before + 1 && guest_trap.vector == 13;
}

static bool wrmsr_faults(uint32_t msr, uint64_t val)
{
	uint64_t before = guest_trap.count;

	__asm__ volatile("lea 1f(%%rip), %%r8\n\t"
			 "mov %%r8, %0\n\t"
			 "wrmsr\n"
			 "1:"
			 : "=m"(guest_trap.resume)
			 : "c"(msr), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32))
			 : "r8", "memory");
	guest_trap.resume = 0;
	return guest_trap.count == before + 1 && guest_trap.vector == 13;
}

#define UD_TRY(name, insn)                                               \
	static bool name(void)                                           \
	{                                                                \
		uint64_t before = guest_trap.count;                      \
		__asm__ volatile("lea 1f(%%rip), %%r8\n\t"               \
				 "mov %%r8, %0\n\t"                      \
				 "xor %%eax, %%eax\n\t" insn "\n"        \
				 "1:"                                    \
				 : "=m"(guest_trap.resume)               \
				 :                                       \
				 : "rax", "rcx", "rdx", "r8", "memory"); \
		guest_trap.resume = 0;                                   \
		return guest_trap.count == before + 1 &&                 \
		       guest_trap.vector == 6;                           \
	}
UD_TRY(vmrun_ud, "vmrun")
UD_TRY(vmload_ud, "vmload")
UD_TRY(stgi_ud, "stgi")
UD_TRY(rdtscp_ud, "rdtscp")

#define MSR_TSC_AUX 0xc0000103u

static bool has_rdtscp(void)
{
	uint32_t r[4];

	cpuid(0x80000001u, 0, r);
	return r[3] >> 27 & 1;
}

static uint32_t rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static void cpuid_checks(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	check(r[2] >> 31 & 1, "CPUID.1: hypervisor bit set");
	check(r[2] >> 21 & 1, "CPUID.1: x2APIC (emulated)");
	check(!(r[2] >> 5 & 1), "CPUID.1: no VMX");
	check(!(r[2] >> 3 & 1), "CPUID.1: no MONITOR/MWAIT");
	check((r[1] >> 24) == guest_cpu_index(), "CPUID.1: its APIC id");
	check((r[3] >> 9 & 1) && (r[2] >> 24 & 1),
	      "CPUID.1: an APIC with TSC-deadline");
	cpuid(0x80000001u, 0, r);
	check(!(r[2] >> 2 & 1), "CPUID.80000001: no SVM");
	cpuid(0x8000000au, 0, r);
	check(!r[0] && !r[1] && !r[3], "CPUID.8000000a: empty");
	cpuid(0x40000000u, 0, r);
	check(r[0] >= 0x40000010u, "CPUID.40000000: timing leaf listed");
}

/* The intercepted instructions with prefixes (a CS override, a REX):
 * cvisor finds their length from their bytes (QEMU gives no NRIP), so
 * the guest goes on at the next instruction, which sets 'after'. */
static void prefixed_checks(void)
{
	uint64_t a, after = 0;

	__asm__ volatile(".byte 0x2e, 0x0f, 0xa2\n\t" /* cs cpuid */
			 "mov $1, %1"
			 : "=a"(a), "+r"(after)
			 : "a"(0u), "c"(0u)
			 : "rbx", "rdx");
	check(after == 1 && a >= 1, "CPUID with a CS prefix: skipped whole");
	after = 0;
	/* An undefined hypercall: refused with -1. */
	__asm__ volatile(".byte 0x2e, 0x48, 0x0f, 0x01, 0xd9\n\t" /* cs rex.w vmmcall */
			 "mov $1, %1"
			 : "=a"(a), "+r"(after)
			 : "a"(0xffffull)
			 : "memory");
	check(after == 1 && a == (uint64_t)-1,
	      "VMMCALL with CS and REX prefixes: skipped whole");
}

static void msr_checks(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	check(!(efer & EFER_SVME) && (efer & 0x500) == 0x500,
	      "EFER: LME and LMA, no SVME");
	check(wrmsr_faults(MSR_EFER, efer | EFER_SVME), "EFER.SVME: #GP");
	check(rdmsr(MSR_EFER) == efer, "EFER unchanged");
	check(rdmsr(MSR_APIC_BASE) == (0xfee00000u | 0x900u),
	      "APIC base 0xfee00000, enabled, BSP");
	check(rdmsr_faults(MSR_VM_CR), "VM_CR: #GP");
	check(rdmsr_faults(0x4b564d00u), "an MSR it lacks: #GP");
	check(vmrun_ud() && vmload_ud() && stgi_ud(),
	      "VMRUN, VMLOAD, STGI: #UD");
	if (has_rdtscp()) {
		wrmsr(MSR_TSC_AUX, aux_mark);
		check(rdmsr(MSR_TSC_AUX) == aux_mark &&
			      rdtscp_aux() == aux_mark,
		      "TSC_AUX: its own, read by RDTSCP");
	} else {
		check(rdtscp_ud(), "no RDTSCP in CPUID: RDTSCP is #UD");
	}
	check(guest_hypercall_vmcall(HC_DEBUG, 0x7ca11, 3, 4) == 0,
	      "VMCALL (Intel's): the hypercall");
}

/* ---- the Multiboot information and an NMI ---- */

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* What the config says (configs/vms/cpu-x86_64.toml): 16 MiB of RAM at
 * 0 and this command line. */
static void multiboot_checks(void)
{
	const struct mb_info *mbi = (const struct mb_info *)(uint64_t)guest_mbi;

	check(mbi && (mbi->flags & 0x45) == 0x45,
	      "Multiboot info: memory, cmdline and map flags");
	if (!mbi)
		return;
	check(mbi->mem_lower == 640 && mbi->mem_upper == 15 * 1024,
	      "Multiboot info: 640 KiB low, 15 MiB from 1 MiB");
	const struct mb_mmap *m =
		(const struct mb_mmap *)(uint64_t)mbi->mmap_addr;
	check(mbi->mmap_length == sizeof(*m) && m->size == 20 && m->addr == 0 &&
		      m->len == 16u << 20 && m->type == 1,
	      "Multiboot map: one RAM range, 16 MiB at 0");
	check(str_eq((const char *)(uint64_t)mbi->cmdline,
		     "cvisor cpu test: the Multiboot command line"),
	      "Multiboot command line");
}

static void self_nmi(void)
{
	LAPIC_REG(0x300) = 1u << 18 | 4u << 8; /* shorthand self, NMI */
}

/* From inside the first NMI's handler: another, which must wait for its
 * IRET (NMIs are blocked until then), not nest. */
static void nmi_again(void)
{
	guest_nmi_hook = 0;
	self_nmi();
	for (int i = 0; i < 1000; i++)
		cpu_relax();
}

/* An NMI to itself through the ICR (delivery mode NMI, shorthand self):
 * taken through vector 2; then one sent from its handler. */
static void nmi_check(void)
{
	uint64_t before = guest_trap.nmis;

	self_nmi();
	for (int i = 0; i < 1000 && guest_trap.nmis == before; i++)
		cpu_relax();
	check(guest_trap.nmis == before + 1, "a self-NMI through the ICR");
	guest_nmi_hook = nmi_again;
	self_nmi();
	for (int i = 0; i < 100000 && guest_trap.nmis < before + 3; i++)
		cpu_relax();
	check(guest_trap.nmis == before + 3 && guest_nmi_depth_max == 1,
	      "an NMI sent in the NMI handler waits for its IRET");
}

/* ---- INIT to a running vCPU ---- */

static volatile uint64_t spins;
static volatile unsigned second_runs;

static void spinner(unsigned index)
{
	(void)index;
	for (;;)
		spins++;
}

static void second(unsigned index)
{
	(void)index;
	second_runs++;
}

static void wait_ms(uint64_t ms)
{
	uint64_t t = guest_counter();

	while (guest_counter() - t < guest_counter_freq() / 1000 * ms)
		cpu_relax();
}

/* vCPU 1 spins without exits; an INIT stops it where it is (it waits
 * for a SIPI), and INIT/SIPI start it again, afresh, in real mode. */
static void init_check(void)
{
	check(guest_cpu_on(1, 1, spinner) == 0, "vCPU 1 started by INIT/SIPI");
	while (spins < 1000)
		cpu_relax();
	LAPIC_REG(0x310) = 1u << 24;
	LAPIC_REG(0x300) = 0x4500; /* INIT, assert */
	wait_ms(10);
	uint64_t s1 = spins;
	wait_ms(30);
	check(spins == s1, "INIT stops the running vCPU 1");
	check(guest_cpu_on(1, 1, second) == 0 && second_runs == 1,
	      "INIT/SIPI start it again, afresh");
}

/* ---- vector registers ---- */

static uint64_t pattern[16][4] __attribute__((aligned(32)));
static uint64_t readback[16][4] __attribute__((aligned(32)));

#define XMM_ALL(op, arr)                                                       \
	__asm__ volatile(op                                                    \
			 " 0(%0), %%xmm0\n\t" op " 32(%0), %%xmm1\n\t" op      \
			 " 64(%0), %%xmm2\n\t" op " 96(%0), %%xmm3\n\t" op     \
			 " 128(%0), %%xmm4\n\t" op " 160(%0), %%xmm5\n\t" op   \
			 " 192(%0), %%xmm6\n\t" op " 224(%0), %%xmm7\n\t" op   \
			 " 256(%0), %%xmm8\n\t" op " 288(%0), %%xmm9\n\t" op   \
			 " 320(%0), %%xmm10\n\t" op " 352(%0), %%xmm11\n\t" op \
			 " 384(%0), %%xmm12\n\t" op " 416(%0), %%xmm13\n\t" op \
			 " 448(%0), %%xmm14\n\t" op " 480(%0), %%xmm15"        \
			 :                                                     \
			 : "r"(arr)                                            \
			 : "memory")
#define XMM_STORE(arr)                                                   \
	__asm__ volatile(                                                \
		"movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 32(%0)\n\t"      \
		"movdqu %%xmm2, 64(%0)\n\tmovdqu %%xmm3, 96(%0)\n\t"     \
		"movdqu %%xmm4, 128(%0)\n\tmovdqu %%xmm5, 160(%0)\n\t"   \
		"movdqu %%xmm6, 192(%0)\n\tmovdqu %%xmm7, 224(%0)\n\t"   \
		"movdqu %%xmm8, 256(%0)\n\tmovdqu %%xmm9, 288(%0)\n\t"   \
		"movdqu %%xmm10, 320(%0)\n\tmovdqu %%xmm11, 352(%0)\n\t" \
		"movdqu %%xmm12, 384(%0)\n\tmovdqu %%xmm13, 416(%0)\n\t" \
		"movdqu %%xmm14, 448(%0)\n\tmovdqu %%xmm15, 480(%0)"     \
		:                                                        \
		: "r"(arr)                                               \
		: "memory")
#define YMM_ALL(op, arr)                                                       \
	__asm__ volatile(op                                                    \
			 " 0(%0), %%ymm0\n\t" op " 32(%0), %%ymm1\n\t" op      \
			 " 64(%0), %%ymm2\n\t" op " 96(%0), %%ymm3\n\t" op     \
			 " 128(%0), %%ymm4\n\t" op " 160(%0), %%ymm5\n\t" op   \
			 " 192(%0), %%ymm6\n\t" op " 224(%0), %%ymm7\n\t" op   \
			 " 256(%0), %%ymm8\n\t" op " 288(%0), %%ymm9\n\t" op   \
			 " 320(%0), %%ymm10\n\t" op " 352(%0), %%ymm11\n\t" op \
			 " 384(%0), %%ymm12\n\t" op " 416(%0), %%ymm13\n\t" op \
			 " 448(%0), %%ymm14\n\t" op " 480(%0), %%ymm15"        \
			 :                                                     \
			 : "r"(arr)                                            \
			 : "memory")
#define YMM_STORE(arr)                                                     \
	__asm__ volatile(                                                  \
		"vmovdqu %%ymm0, 0(%0)\n\tvmovdqu %%ymm1, 32(%0)\n\t"      \
		"vmovdqu %%ymm2, 64(%0)\n\tvmovdqu %%ymm3, 96(%0)\n\t"     \
		"vmovdqu %%ymm4, 128(%0)\n\tvmovdqu %%ymm5, 160(%0)\n\t"   \
		"vmovdqu %%ymm6, 192(%0)\n\tvmovdqu %%ymm7, 224(%0)\n\t"   \
		"vmovdqu %%ymm8, 256(%0)\n\tvmovdqu %%ymm9, 288(%0)\n\t"   \
		"vmovdqu %%ymm10, 320(%0)\n\tvmovdqu %%ymm11, 352(%0)\n\t" \
		"vmovdqu %%ymm12, 384(%0)\n\tvmovdqu %%ymm13, 416(%0)\n\t" \
		"vmovdqu %%ymm14, 448(%0)\n\tvmovdqu %%ymm15, 480(%0)"     \
		:                                                          \
		: "r"(arr)                                                 \
		: "memory")

static bool same(unsigned words)
{
	for (unsigned i = 0; i < 16; i++)
		for (unsigned w = 0; w < words; w++)
			if (readback[i][w] != pattern[i][w])
				return false;
	return true;
}

/* SSE on (CR4.OSFXSR), and with XSAVE and AVX, XCR0 = x87 | SSE | AVX. */
static bool vector_setup(void)
{
	uint32_t r[4];
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 1u << 9 | 1u << 10;
	cpuid(1, 0, r);
	bool avx = (r[2] >> 26 & 1) && (r[2] >> 28 & 1);
	if (avx)
		cr4 |= 1u << 18; /* OSXSAVE */
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	if (avx) {
		cpuid(1, 0, r);
		check(r[2] >> 27 & 1, "CPUID.1: OSXSAVE follows CR4");
		__asm__ volatile("xsetbv" : : "c"(0), "a"(7), "d"(0));
	}
	return avx;
}

static void vector_hold(void)
{
	bool avx = vector_setup();
	uint64_t seed = guest_counter() | 1, bad = 0, rounds = 0;

	for (unsigned i = 0; i < 16; i++)
		for (unsigned w = 0; w < 4; w++) {
			seed ^= seed << 13, seed ^= seed >> 7,
				seed ^= seed << 17;
			pattern[i][w] = seed;
		}
	__asm__ volatile("mov %0, %%db0" : : "r"((uint64_t)aux_mark));
	if (avx)
		YMM_ALL("vmovdqu", pattern);
	else
		XMM_ALL("movdqu", pattern);
	uint64_t end = guest_counter() + guest_counter_freq() / 1000 * HOLD_MS;
	while (guest_counter() < end) {
		if (avx)
			YMM_STORE(readback);
		else
			XMM_STORE(readback);
		bad += !same(avx ? 4 : 2);
		bad += has_rdtscp() && rdtscp_aux() != aux_mark;
		uint64_t dr0;
		__asm__ volatile("mov %%db0, %0" : "=r"(dr0));
		bad += dr0 != aux_mark;
		rounds++;
		outb(0x80, 0); /* an exit now and then (POST port: nothing) */
	}
	guest_puts("cpu: ");
	guest_puts(avx ? "ymm0-15" : "xmm0-15");
	guest_puts(has_rdtscp() ? ", DR0 and TSC_AUX" : " and DR0");
	guest_puts(" kept their pattern for ");
	guest_put_dec(HOLD_MS);
	guest_puts(" ms: ");
	guest_put_dec(rounds - bad);
	guest_puts(" of ");
	guest_put_dec(rounds);
	guest_puts(" reads\n");
	check(bad == 0 && rounds > 0,
	      avx ? "AVX state kept" : "SSE state kept");
}

int main(void)
{
	aux_mark = (uint32_t)guest_counter();
	cpuid_checks();
	prefixed_checks();
	msr_checks();
	multiboot_checks();
	nmi_check();
	init_check();
	vector_hold();
	guest_puts(failures ? "cpu: FAIL\n" : "cpu: PASS\n");
	return 0;
}

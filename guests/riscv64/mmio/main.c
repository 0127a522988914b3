/* mmio: drives every load and store form cvisor decodes (QEMU 7.2 gives
 * it no htinst) against the VM's emulated devices, and checks what
 * comes back: LB/LBU/SB on the 16550's scratch register, LW/LWU/SW and
 * the compressed C.LW/C.SW/C.LWSP/C.SWSP on a PLIC enable word (sign and
 * zero extension, a store of x0), and the widths the PLIC refuses (LH,
 * SH, LD, SD, C.LD, C.SD) and an AMO, which must come back as access
 * faults at the address used. Then what cvisor's exit path must keep
 * apart: loads into and stores from callee-saved registers (s0-s11,
 * which it reloads only when an exit wrote one), the others left
 * untouched across an MMIO access, an SBI call and a hypercall, a 32-bit
 * load at a 2-byte aligned pc that crosses a page (fetched by halves)
 * and a compressed one at a 4-byte aligned pc (fetched with the next).
 * Then the same through the guest's own Sv39 page tables, run from an
 * alias of its RAM. */
#include <guest.h>

#define UART_SCR    0x10000007ul
#define PLIC_ENABLE 0x0c002084ul /* context 1 (hart 0's S), sources 32-63 */

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
	guest_puts("mmio: ");
	guest_puts(what);
	if (got == want) {
		guest_puts(": ok\n");
		return;
	}
	failures++;
	guest_puts(": FAIL: got ");
	guest_put_hex(got);
	guest_puts(", want ");
	guest_put_hex(want);
	guest_puts("\n");
}

static void byte_forms(void)
{
	uint64_t r, a = UART_SCR, v = 0x80;

	__asm__ volatile("sb %1, 0(%0)" ::"r"(a), "r"(v) : "memory");
	__asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("LB sign-extends", r, 0xffffffffffffff80ull);
	__asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("LBU zero-extends", r, 0x80);
	__asm__ volatile("sb zero, 0(%0)" ::"r"(a) : "memory");
	__asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("SB of x0", r, 0);
}

static void word_forms(void)
{
	uint64_t r, a = PLIC_ENABLE, v = 0xdeadbeef;

	__asm__ volatile("sw %1, 0(%0)" ::"r"(a), "r"(v) : "memory");
	__asm__ volatile("lw %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("LW sign-extends", r, 0xffffffffdeadbeefull);
	__asm__ volatile("lwu %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("LWU zero-extends", r, 0xdeadbeef);
	__asm__ volatile("sw zero, 0(%0)" ::"r"(a) : "memory");
	__asm__ volatile("lwu %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("SW of x0", r, 0);
}

/* C.LW and C.SW take x8-x15: the operands are moved into a0-a2 inside
 * each asm (the compiler keeps no register variable across a call). */
static void compressed_forms(void)
{
	uint64_t r, base = PLIC_ENABLE;

	__asm__ volatile("mv a0, %1\n\tmv a1, %2\n\tc.sw a1, 0(a0)\n\t"
			 "c.lw a2, 0(a0)\n\tmv %0, a2"
			 : "=r"(r)
			 : "r"(base), "r"(0x8badf00dull)
			 : "a0", "a1", "a2", "memory");
	check("C.SW then C.LW sign-extends", r, 0xffffffff8badf00dull);
	/* SP-relative, sp on the device for two instructions (nothing
	 * traps meanwhile: interrupts are off and both are answered). */
	__asm__ volatile("mv t0, sp\n\tmv a1, %2\n\tmv sp, %1\n\t"
			 "c.swsp a1, 0(sp)\n\tc.lwsp a2, 0(sp)\n\tmv sp, t0\n\t"
			 "mv %0, a2"
			 : "=r"(r)
			 : "r"(base), "r"(0x12345678ull)
			 : "t0", "a1", "a2", "memory");
	check("C.SWSP then C.LWSP", r, 0x12345678);
}

/* An access the device refuses, or that is no plain load or store: an
 * access fault at the address, the register unchanged. */
static void expect_fault(const char *what, uint64_t before, bool write)
{
	bool ok = guest_trap.count == before + 1 &&
		  guest_trap_is_access_fault(PLIC_ENABLE, write);

	check(what, ok, 1);
}

static void refused_forms(void)
{
	uint64_t base = PLIC_ENABLE, val = 1, r = 0, n;

	n = guest_trap.count;
	__asm__ volatile("lh %0, 0(%1)" : "+r"(r) : "r"(base) : "memory");
	expect_fault("LH: access fault", n, false);
	n = guest_trap.count;
	__asm__ volatile("sh %1, 0(%0)" ::"r"(base), "r"(val) : "memory");
	expect_fault("SH: access fault", n, true);
	n = guest_trap.count;
	__asm__ volatile("ld %0, 0(%1)" : "+r"(r) : "r"(base) : "memory");
	expect_fault("LD: access fault", n, false);
	n = guest_trap.count;
	__asm__ volatile("sd %1, 0(%0)" ::"r"(base), "r"(val) : "memory");
	expect_fault("SD: access fault", n, true);
	n = guest_trap.count;
	__asm__ volatile("mv a0, %0\n\tc.ld a1, 0(a0)"
			 :
			 : "r"(base)
			 : "a0", "a1", "memory");
	expect_fault("C.LD: access fault", n, false);
	n = guest_trap.count;
	__asm__ volatile("mv a0, %0\n\tc.sd a1, 0(a0)"
			 :
			 : "r"(base)
			 : "a0", "a1", "memory");
	expect_fault("C.SD: access fault", n, true);
	n = guest_trap.count;
	__asm__ volatile("amoadd.w %0, %1, (%2)"
			 : "=r"(r)
			 : "r"(val), "r"(base)
			 : "memory");
	expect_fault("AMOADD.W: access fault", n, true);
	__asm__ volatile("lwu %0, 0(%1)" : "=r"(r) : "r"(base) : "memory");
	check("the register unchanged by them", r, 0x12345678);
}

/* ---- the same through the guest's own page tables (Sv39, VS stage):
 * GiBs 0 and 2 (devices, RAM) identity-mapped, GiB 1 (0x4000_0000) an alias
 * of GiB 0 (the devices), GiB 3 (0xc000_0000) an alias of RAM. Run from
 * the RAM alias, an access to the devices' alias makes cvisor translate
 * the pc (HLVX) and take the guest-physical address from htval, not
 * the virtual one; the fault for an access where nothing is carries the
 * virtual address. */

#define GIB           0x40000000ul
#define PTE_VRWXAD    0xcfu /* V R W X A D */
#define SATP_SV39     (8ul << 60)
#define DEV_ALIAS     (1 * GIB)
#define RAM_ALIAS_OFF (1 * GIB) /* GiB 3 - GiB 2 */

static uint64_t root[512] __attribute__((aligned(4096)));

static uint64_t gib_pte(uint64_t pa)
{
	return (pa >> 12) << 10 | PTE_VRWXAD;
}

static void paging_on(void)
{
	root[0] = gib_pte(0);       /* devices, identity (the console) */
	root[1] = gib_pte(0);       /* devices, at their alias */
	root[2] = gib_pte(2 * GIB); /* RAM, identity */
	root[3] = gib_pte(2 * GIB); /* RAM, alias */
	full_barrier();
	csr_write(satp, SATP_SV39 | (uint64_t)root >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void paging_off(void)
{
	csr_write(satp, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Runs from the RAM alias (called through a pointer moved there). */
/* lw a0, 0(a0) as the last 4 bytes of one page and the first 2 of the
 * next (a 2-byte aligned pc); c.lw a0, 0(a0) at a 4-byte aligned pc. */
uint64_t cross_page_lw(uint64_t addr);
uint64_t aligned_c_lw(uint64_t addr);
__asm__(".pushsection .text.cross, \"ax\"\n"
	".balign 4096\n"
	"cross_page_lw:\n"
	".rept 2047\n"
	".2byte 0x0001\n" /* c.nop */
	".endr\n"
	".option push\n"
	".option norvc\n"
	"lw a0, 0(a0)\n"
	"ret\n"
	".option pop\n"
	".balign 4\n"
	"aligned_c_lw:\n"
	"c.lw a0, 0(a0)\n"
	"c.jr ra\n"
	".popsection\n");

#define EXT_HVC 0x485643ul /* AxVisor's hypercall extension */

static void exit_paths(void)
{
	uint64_t r, a = PLIC_ENABLE, v = 0x8badf00d;
	/* cppcheck-suppress constVariable ; the asm writes it through its address */
	uint64_t s[8];

	__asm__ volatile("sw %1, 0(%2)\n\tlw s2, 0(%2)\n\tmv %0, s2"
			 : "=r"(r)
			 : "r"(v), "r"(a)
			 : "s2", "memory");
	check("LW into s2", r, 0xffffffff8badf00dull);
	__asm__ volatile("mv a0, %1\n\tc.lw s1, 0(a0)\n\tmv %0, s1"
			 : "=r"(r)
			 : "r"(a)
			 : "a0", "s1", "memory");
	check("C.LW into s1", r, 0xffffffff8badf00dull);
	__asm__ volatile("li s3, 0x1234abcd\n\tsw s3, 0(%1)\n\t"
			 "lwu %0, 0(%1)"
			 : "=r"(r)
			 : "r"(a)
			 : "s3", "memory");
	check("SW from s3", r, 0x1234abcd);
	/* s4-s11 across a load into t0, an SBI call (BASE
	 * get_spec_version) and a hypercall cvisor refuses. */
	__asm__ volatile("li s4, 0x44\n\tli s5, 0x55\n\tli s6, 0x66\n\t"
			 "li s7, 0x77\n\tli s8, 0x88\n\tli s9, 0x99\n\t"
			 "li s10, 0xaa\n\tli s11, 0xbb\n\t"
			 "lw t0, 0(%1)\n\t"
			 "li a7, 0x10\n\tli a6, 0\n\tecall\n\t"
			 "li a7, %2\n\tli a6, 0x7ff\n\tecall\n\t"
			 "sd s4, 0(%0)\n\tsd s5, 8(%0)\n\tsd s6, 16(%0)\n\t"
			 "sd s7, 24(%0)\n\tsd s8, 32(%0)\n\tsd s9, 40(%0)\n\t"
			 "sd s10, 48(%0)\n\tsd s11, 56(%0)"
			 :
			 : "r"(s), "r"(a), "i"(EXT_HVC)
			 : "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
			   "t0", "a0", "a1", "a6", "a7", "memory");
	r = 0;
	for (unsigned i = 0; i < 8; i++)
		r |= (s[i] != 0x44 + 0x11 * i) << i;
	check("s4-s11 kept across MMIO, SBI and hypercall exits", r, 0);
	*(volatile uint32_t *)a = (uint32_t)v;
	check("LW crossing a page at a 2-byte aligned pc", cross_page_lw(a),
	      0xffffffff8badf00dull);
	check("C.LW at a 4-byte aligned pc", aligned_c_lw(a),
	      0xffffffff8badf00dull);
}

/* s4-s11 loaded with fresh values (salt + 4 ... salt + 11, never saved
 * by an exit before), then 'insns', the exits under test, then stored:
 * a bit for each that came back wrong. */
#define SREGS_ACROSS(insns, salt)                                             \
	({                                                                    \
		uint64_t in_[8], out_[8], bad_ = 0;                           \
		for (unsigned i_ = 0; i_ < 8; i_++)                           \
			in_[i_] = (salt) + 4 + i_;                            \
		__asm__ volatile(                                             \
			"ld s4, 0(%1)\n\tld s5, 8(%1)\n\tld s6, 16(%1)\n\t"   \
			"ld s7, 24(%1)\n\tld s8, 32(%1)\n\tld s9, 40(%1)\n\t" \
			"ld s10, 48(%1)\n\tld s11, 56(%1)\n\t" insns          \
			"\n\tsd s4, 0(%0)\n\tsd s5, 8(%0)\n\t"                \
			"sd s6, 16(%0)\n\tsd s7, 24(%0)\n\t"                  \
			"sd s8, 32(%0)\n\tsd s9, 40(%0)\n\t"                  \
			"sd s10, 48(%0)\n\tsd s11, 56(%0)"                    \
			:                                                     \
			: "r"(out_), "r"(in_)                                 \
			: "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",   \
			  "t0", "t1", "memory");                              \
		for (unsigned i_ = 0; i_ < 8; i_++)                           \
			bad_ |= (uint64_t)(out_[i_] != in_[i_]) << i_;        \
		bad_;                                                         \
	})

/* The exits that leave s0-s11 unsaved unless they go to the loop (a
 * virtual instruction's, a host interrupt's): a WFI waited for in place
 * (an IPI to itself pending, no deadline), a WFI with a deadline (the
 * loop's: the vCPU put and loaded again), an illegal instruction
 * injected, and 3 ms of spinning, which meets cvisor's ticks. */
static void exit_paths_unsaved(void)
{
	uint64_t n = guest_trap.count, ms = guest_counter_freq() / 1000;

	csr_set(sie, SIE_SSIE);
	guest_sbi(SBI_EXT_IPI, 0, 1, guest_cpu_hwid(0), 0);
	check("s4-s11 kept across a WFI waited for in place",
	      SREGS_ACROSS("wfi", 0x1000), 0);
	csr_clear(sip, SIE_SSIE);
	csr_clear(sie, SIE_SSIE);
	csr_set(sie, SIE_STIE);
	guest_sbi(SBI_EXT_TIME, 0, guest_counter() + ms, 0, 0);
	check("s4-s11 kept across a WFI with a deadline (the loop's)",
	      SREGS_ACROSS("wfi", 0x2000), 0);
	guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
	csr_clear(sie, SIE_STIE);
	check("s4-s11 kept across an illegal instruction (hstatus read)",
	      SREGS_ACROSS("csrr t0, 0x600", 0x3000), 0);
	check("the hstatus read trapped", guest_trap.count, n + 1);
	check("s4-s11 kept across host interrupts (3 ms spinning)",
	      SREGS_ACROSS("csrr t0, time\n\tli t1, 30000\n\tadd t1, t0, t1\n"
			   "1:\tcsrr t0, time\n\tbltu t0, t1, 1b", /* 3 ms at 10 MHz */
			   0x4000),
	      0);
}

static void __attribute__((noinline)) paged_forms(void)
{
	uint64_t r, pc, a = DEV_ALIAS + UART_SCR, v = 0x9c, n;

	__asm__ volatile("auipc %0, 0" : "=r"(pc));
	check("running from the RAM alias", pc >= 3 * GIB, 1);
	__asm__ volatile("sb %1, 0(%0)" ::"r"(a), "r"(v) : "memory");
	__asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("paged: SB then LB at a virtual address", r,
	      0xffffffffffffff9cull);
	__asm__ volatile("mv a0, %1\n\tc.lw a2, 0(a0)\n\tmv %0, a2"
			 : "=r"(r)
			 : "r"(DEV_ALIAS + PLIC_ENABLE)
			 : "a0", "a2", "memory");
	check("paged: C.LW at a virtual address", r, 0xffffffff8badf00dull);
	n = guest_trap.count;
	a = DEV_ALIAS + 0x0a000000ul;
	__asm__ volatile("lw %0, 0(%1)" : "=r"(r) : "r"(a) : "memory");
	check("paged: an access where nothing is faults at its virtual address",
	      guest_trap.count == n + 1 && guest_trap_is_access_fault(a, false),
	      1);
}

static void paged(void)
{
	uint64_t word = PLIC_ENABLE;

	*(volatile uint32_t *)word = 0x8badf00d;
	paging_on();
	void (*fn)(void) =
		(void (*)(void))((uint64_t)paged_forms + RAM_ALIAS_OFF);
	fn();
	paging_off();
}

/* Junk at the PLIC's registers, every 4th byte of each part (sources,
 * pending, 16 contexts' enables and thresholds/claims, and past them),
 * in every width, then at the 16550's: cvisor must answer each (a value,
 * or an access fault for a width the device refuses) and go on. */
static void junk(void)
{
	static const struct {
		uint64_t start, end;
	} parts[] = {
		{ 0x0c000000, 0x0c000200 }, { 0x0c001000, 0x0c001010 },
		{ 0x0c002000, 0x0c002800 }, { 0x0c1ffff0, 0x0c200010 },
		{ 0x0c200000, 0x0c210010 }, { 0x0c5ffff0, 0x0c600000 },
		{ 0x10000000, 0x10000008 },
	};
	uint64_t n = guest_trap.count, accesses = 0;

	for (unsigned p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		for (uint64_t a = parts[p].start; a < parts[p].end;
		     a += a >= 0x0c200000 && a < 0x0c210000 ? 0x400 : 4) {
			(void)*(volatile uint8_t *)a;
			(void)*(volatile uint16_t *)a;
			(void)*(volatile uint32_t *)a;
			(void)*(volatile uint64_t *)a;
			*(volatile uint32_t *)a = 0xa5a5a5a5u;
			*(volatile uint64_t *)a = 0x5a5a5a5a5a5a5a5aull;
			accesses += 6;
		}
	}
	guest_puts("mmio: junk at the PLIC and the 16550: ");
	guest_put_dec(accesses);
	guest_puts(" accesses, ");
	guest_put_dec(guest_trap.count - n);
	guest_puts(" access faults, cvisor still here\n");
}

int main(void)
{
	guest_trap_install();
	irq_disable();
	byte_forms();
	word_forms();
	compressed_forms();
	refused_forms();
	exit_paths();
	exit_paths_unsaved();
	paged();
	junk();
	guest_puts(failures ? "mmio: FAIL\n" : "mmio: PASS\n");
	return 0;
}

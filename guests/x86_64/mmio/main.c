/* mmio: every instruction form cvisor decodes for MMIO (QEMU 7.2 gives no
 * decode assists: cvisor reads the instruction from guest memory through
 * the guest's paging), against the LAPIC's TPR (32 bits, read back) and
 * an address where nothing is (reads all ones of the access's width):
 * MOV to and from registers at each width (the 8-bit ones merging, ah
 * included; 32-bit loads zero-extending), with REX registers, of
 * immediates (sign-extended to 64 bits), with the accumulator at an
 * absolute address, MOVZX, MOVSX, MOVSXD, SIB and displacement
 * addressing. Then the same from an alias of the code at another virtual
 * address with the LAPIC at a virtual address that is not its physical
 * one (the fetch walks the guest's tables; the device is found by the
 * guest-physical address). The page under one rip remapped, and code
 * rewritten in place at one rip: decoded anew each time. A call to where
 * nothing is: #UD there. Last,
 * an ALU operation on MMIO, which cvisor
 * does not emulate: the VM is stopped with a message. */
#include <guest.h>

#define NOWHERE    0x0a000000ul
#define TPR        0x80
#define ALIAS      0x8000000000ul /* PML4[1]: the first GiB again */
#define ALIAS_APIC (ALIAS + 511ul * 0x200000ul)

static int failures;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "mmio: ok: " : "mmio: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

static uint64_t alias_pdpt[512] __attribute__((aligned(4096)));
static uint64_t alias_pd[512] __attribute__((aligned(4096)));

/* PML4[1] maps 0..1 GiB again with 2 MiB pages, but its last 2 MiB is
 * the LAPIC's (uncached). */
static void alias_map(void)
{
	uint64_t cr3, *pml4;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xfffull);
	for (uint64_t i = 0; i < 511; i++)
		alias_pd[i] = i << 21 | 0x83;
	alias_pd[511] = 0xfee00000ul | 0x9b; /* P, W, PWT, PCD, PS */
	alias_pdpt[0] = (uint64_t)alias_pd | 3;
	pml4[1] = (uint64_t)alias_pdpt | 3;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/* The forms, against the LAPIC at 'apic' (its identity address or the
 * alias); 'tag' names the pass. */
static void __attribute__((noinline)) forms(uint64_t apic, const char *tag)
{
	volatile uint32_t *tpr = (volatile uint32_t *)(apic + TPR);
	uint64_t r, base = apic;

	guest_puts("mmio: ");
	guest_puts(tag);
	guest_puts("\n");
	/* C7 /0: a 32-bit immediate; 8B: the load. */
	__asm__ volatile("movl $0x35, (%1)\n\tmovl (%1), %k0"
			 : "=&r"(r)
			 : "r"(tpr)
			 : "memory");
	check(r == 0x35, "C7 store imm32, 8B load r32");
	/* 89 and 8B with REX registers; the 32-bit load clears the top. */
	__asm__ volatile("mov $0x47, %%r9d\n\tmov %%r9d, (%1)\n\t"
			 "mov $-1, %%r10\n\tmov (%1), %%r10d\n\tmov %%r10, %0"
			 : "=r"(r)
			 : "r"(tpr)
			 : "r9", "r10", "memory");
	check(r == 0x47, "REX 89 store r9d, REX 8B load r10d zero-extends");
	/* A3 and A1: eax at an absolute 64-bit address. */
	__asm__ volatile("mov $0x58, %%eax\n\tmovabs %%eax, 0xfee00080\n\t"
			 "xor %%eax, %%eax\n\tmovabs 0xfee00080, %%eax\n\t"
			 "mov %%rax, %0"
			 : "=r"(r)
			 :
			 : "rax", "memory");
	check(r == 0x58, "A3 store eax, A1 load eax at moffs64");
	/* SIB with index, scale and disp8; disp32. */
	__asm__ volatile("mov $0x10, %%ecx\n\tmovl $0x69, 0x40(%1,%%rcx,4)\n\t"
			 "movl 0x80(%1), %k0"
			 : "=&r"(r)
			 : "r"(base)
			 : "rcx", "memory");
	check(r == 0x69, "SIB base+index*4+disp8 store, disp32 load");
	/* 48 C7: imm32 sign-extended to 64 bits, to nowhere (logged). */
	__asm__ volatile("movq $-2, (%0)" : : "r"(NOWHERE) : "memory");
	/* Loads from nowhere: all ones of the width, merged or extended. */
	r = 0x1122334455667700ull;
	__asm__ volatile("movb (%1), %b0" : "+q"(r) : "r"(NOWHERE));
	check(r == 0x11223344556677ffull, "8A load al merges");
	r = 0x1122334455660000ull;
	__asm__ volatile("movw (%1), %w0" : "+r"(r) : "r"(NOWHERE));
	check(r == 0x112233445566ffffull, "66 8B load ax merges");
	/* ah cannot be named with a REX prefix: the address in rsi. */
	__asm__ volatile("mov $0x1122334455667788, %%rax\n\tmovb (%1), %%ah\n\t"
			 "mov %%rax, %0"
			 : "=r"(r)
			 : "S"(NOWHERE)
			 : "rax");
	check(r == 0x112233445566ff88ull, "8A load ah");
	__asm__ volatile("mov $-1, %0\n\tmovl (%1), %k0"
			 : "=&r"(r)
			 : "r"(NOWHERE));
	check(r == 0xffffffffull, "8B load r32 zero-extends");
	__asm__ volatile("movq (%1), %0" : "=r"(r) : "r"(NOWHERE));
	check(r == ~0ull, "48 8B load r64");
	__asm__ volatile("movzbl (%1), %k0" : "=r"(r) : "r"(NOWHERE));
	check(r == 0xff, "0F B6 movzx r32, m8");
	__asm__ volatile("movzwq (%1), %0" : "=r"(r) : "r"(NOWHERE));
	check(r == 0xffff, "48 0F B7 movzx r64, m16");
	__asm__ volatile("movsbq (%1), %0" : "=r"(r) : "r"(NOWHERE));
	check(r == ~0ull, "48 0F BE movsx r64, m8");
	__asm__ volatile("mov $-1, %0\n\tmovswl (%1), %k0"
			 : "=&r"(r)
			 : "r"(NOWHERE));
	check(r == 0xffffffffull, "0F BF movsx r32, m16 zero-extends above");
	__asm__ volatile("movslq (%1), %0" : "=r"(r) : "r"(NOWHERE));
	check(r == ~0ull, "48 63 movsxd r64, m32");
	__asm__ volatile("movb $0x5a, (%0)\n\tmovw %%dx, 2(%0)"
			 :
			 : "r"(NOWHERE), "d"(0)
			 : "memory");
	*tpr = 0;
}

/* A call to where nothing is: the fetch reads ff ff, no instruction:
 * #UD at that address, and the guest goes on after the call. */
static void fetch_nowhere(void)
{
	uint64_t before = guest_trap.count;

	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %0\n\t"
			 "call *%1\n"
			 "1:"
			 : "=m"(guest_trap.resume)
			 : "r"(NOWHERE)
			 : "rax", "memory");
	guest_trap.resume = 0;
	check(guest_trap.count == before + 1 && guest_trap.vector == 6 &&
		      guest_trap.rip == NOWHERE,
	      "a fetch where nothing is: #UD there");
}

/* Two stubs, each alone at the start of a page, that store to the TPR at
 * rdi + 0x80 in different forms (C7 with an immediate, 10 bytes; 89 from
 * esi, 6 bytes). */
void remap_stub_a(uint64_t apic, uint64_t val);
void remap_stub_b(uint64_t apic, uint64_t val);
__asm__(".pushsection .text\n"
	".balign 4096\n"
	"remap_stub_a:\n\tmovl $0x61, 0x80(%rdi)\n\tret\n"
	".balign 4096\n"
	"remap_stub_b:\n\tmovl %esi, 0x80(%rdi)\n\tret\n"
	".balign 4096\n"
	".popsection");

static uint64_t remap_pt[512] __attribute__((aligned(4096)));

/* One virtual page, within the alias, mapped to one stub then the other
 * with CR3 unchanged (its entry rewritten, INVLPG): the MMIO store at the
 * same rip is decoded from the bytes the page holds now, not from an
 * earlier walk's page. */
static void remap_same_rip(void)
{
	uint64_t va = ALIAS + 510ul * 0x200000ul;
	void (*stub)(uint64_t, uint64_t) = (void (*)(uint64_t, uint64_t))va;

	remap_pt[0] = (uint64_t)remap_stub_a | 3;
	alias_pd[510] = (uint64_t)remap_pt | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	stub(0xfee00000ul, 0);
	check(LAPIC_REG(TPR) == 0x61, "a store at a virtual page (imm32)");
	remap_pt[0] = (uint64_t)remap_stub_b | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	stub(0xfee00000ul, 0x72);
	check(LAPIC_REG(TPR) == 0x72,
	      "the page remapped, same rip: the new instruction decoded");
	/* Again with no other exit between the two stores, so that the
	 * second finds the first's walk as the one cvisor used last. */
	remap_pt[0] = (uint64_t)remap_stub_a | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	stub(0xfee00000ul, 0);
	remap_pt[0] = (uint64_t)remap_stub_b | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	stub(0xfee00000ul, 0x73);
	check(LAPIC_REG(TPR) == 0x73,
	      "the page remapped between two stores at one rip, no exit "
	      "between");
}

/* Code rewritten in place between MMIO stores at one rip (the same page
 * and walk): each store is decoded from the bytes there now, not taken
 * from an earlier decode at that rip (cvisor keeps the last two decodes
 * with the 15 bytes they came from). The first two differ in their
 * immediate's last byte only (byte 9), the third in its form. The
 * stores go to ICR_HI, which keeps bits 31:24. */
#define ICR_HI 0x310
static uint8_t rewrite_stub[16] __attribute__((aligned(16)));
static const uint8_t rewrite_imm61[] = {
	0xc7, 0x87, 0x10, 0x03, 0, 0, 0, 0, 0, 0x61, 0xc3
}; /* movl $0x61000000, 0x310(%rdi); ret */
static const uint8_t rewrite_imm62[] = {
	0xc7, 0x87, 0x10, 0x03, 0, 0, 0, 0, 0, 0x62, 0xc3
}; /* movl $0x62000000, 0x310(%rdi); ret */
static const uint8_t rewrite_reg[] = {
	0x89, 0xb7, 0x10, 0x03, 0, 0, 0xc3
}; /* movl %esi, 0x310(%rdi); ret */

static uint32_t rewrite_run(const uint8_t *code, unsigned len, uint64_t esi)
{
	void (*stub)(uint64_t, uint64_t) =
		(void (*)(uint64_t, uint64_t))(uint64_t)rewrite_stub;

	for (unsigned i = 0; i < sizeof(rewrite_stub); i++)
		((volatile uint8_t *)rewrite_stub)[i] = i < len ? code[i] :
								  0xcc;
	stub(0xfee00000ul, esi);
	return LAPIC_REG(ICR_HI);
}

static void rewrite_same_rip(void)
{
	check(rewrite_run(rewrite_imm61, sizeof(rewrite_imm61), 0) ==
		      0x61000000u,
	      "rewritten code, same rip: imm32 0x61000000");
	check(rewrite_run(rewrite_imm62, sizeof(rewrite_imm62), 0) ==
		      0x62000000u,
	      "rewritten code, same rip: its immediate's last byte changed");
	check(rewrite_run(rewrite_reg, sizeof(rewrite_reg), 0x63000000u) ==
		      0x63000000u,
	      "rewritten code, same rip: a store from esi");
	check(rewrite_run(rewrite_imm61, sizeof(rewrite_imm61), 0) ==
		      0x61000000u,
	      "rewritten code, same rip: the first form again");
	LAPIC_REG(ICR_HI) = 0;
}

int main(void)
{
	void (*alias_forms)(uint64_t, const char *);

	forms(0xfee00000ul, "identity-mapped code and LAPIC");
	alias_map();
	alias_forms =
		(void (*)(uint64_t, const char *))((uint64_t)forms + ALIAS);
	alias_forms(ALIAS_APIC, "code and LAPIC at other virtual addresses");
	remap_same_rip();
	rewrite_same_rip();
	fetch_nowhere();
	guest_puts(failures ? "mmio: FAIL\n" : "mmio: PASS\n");
	guest_puts("mmio: an ADD to MMIO, which cvisor does not emulate\n");
	__asm__ volatile("addl %%eax, (%0)"
			 :
			 : "r"(NOWHERE), "a"(1)
			 : "memory");
	guest_puts("mmio: FAIL: the ADD went on\n");
	return 0;
}

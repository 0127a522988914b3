/* What VS-mode must not do: every CSR number read (csrr) and every
 * hypervisor, VS and machine CSR written, the hypervisor's load, store
 * and fence instructions, then a storm of virtual-instruction and
 * illegal-instruction exceptions. The hypervisor and VS CSRs and the H
 * instructions trap to cvisor (virtual-instruction exceptions) and must
 * come back as illegal instructions with the instruction in stval, as on
 * a hart without H; the machine CSRs are illegal from the hart itself. */
#include "hostile.h"

#define CAUSE_ILLEGAL 2
#define STORM         20000
#define OP_SYSTEM     0x73u
#define RD_A0         (10u << 7)
#define RS1_A0        (10u << 15)
#define RS1_A1        (11u << 15)

/* The instruction under test, then ret; called with a0, a1. */
static uint32_t code[2] __attribute__((aligned(8)));

static uint64_t run(uint32_t insn, uint64_t a0, uint64_t a1)
{
	code[0] = insn;
	code[1] = 0x00008067; /* ret */
	__asm__ volatile("fence.i" ::: "memory");
	return ((uint64_t(*)(uint64_t, uint64_t))(uintptr_t)code)(a0, a1);
}

static uint32_t csrr(unsigned csr)
{
	return csr << 20 | 2u << 12 | RD_A0 | OP_SYSTEM; /* csrrs a0, csr, x0 */
}

static uint32_t csrw(unsigned csr)
{
	return csr << 20 | RS1_A1 | 1u << 12 |
	       OP_SYSTEM; /* csrrw x0, csr, a1 */
}

/* Hypervisor (0x600-0x6ff, 0xa00-0xaff, 0xe00-0xeff) and VS
 * (0x200-0x2ff, 0x600-0x6ff) numbers: a VS-mode access is a virtual
 * instruction for those that exist, illegal for the others. Machine
 * ones (0x300-0x3ff, 0x700-0x7ff, 0xb00-0xbff, 0xf00-0xfff) illegal. */
static bool forbidden(unsigned csr)
{
	unsigned hi = csr >> 8;

	return hi == 0x2 || hi == 0x3 || hi == 0x6 || hi == 0x7 || hi == 0xa ||
	       hi == 0xb || hi == 0xe || hi == 0xf;
}

static bool illegal(uint64_t before, uint32_t insn)
{
	return guest_trap.count == before + 1 &&
	       guest_trap.scause == CAUSE_ILLEGAL &&
	       (guest_trap.stval == insn || guest_trap.stval == 0);
}

static void csr_sweep(void)
{
	unsigned bad = 0, readable = 0, wrong_tval = 0;

	for (unsigned csr = 0; csr < 4096; csr++) {
		uint64_t n = guest_trap.count;
		run(csrr(csr), 0, 0);
		if (guest_trap.count == n) {
			readable++;
			bad += forbidden(csr);
			continue;
		}
		bad += !illegal(n, csrr(csr));
		/* cvisor answers the hypervisor's own: stval the insn. */
		wrong_tval += (csr >> 8 == 0x2 || csr >> 8 == 0x6) &&
			      guest_trap.stval != csrr(csr);
	}
	verdict("every CSR number read from VS-mode: hypervisor, VS and "
		"machine CSRs illegal",
		bad == 0 && wrong_tval == 0 && readable > 10);
	bad = 0;
	for (unsigned csr = 0; csr < 4096; csr++) {
		if (!forbidden(csr))
			continue;
		uint64_t n = guest_trap.count;
		run(csrw(csr), 0, junk());
		bad += !illegal(n, csrw(csr));
	}
	verdict("every hypervisor, VS and machine CSR written with junk from "
		"VS-mode: illegal",
		bad == 0);
}

/* HLV, HLVX, HSV (funct3 4, funct7 and rs2 say which), HFENCE (funct3
 * 0): virtual instructions from VS-mode. */
static void h_instructions(void)
{
	static const struct {
		unsigned funct7, rs2;
	} loads[] = {
		{ 0x30, 0 }, { 0x30, 1 }, { 0x32, 0 }, { 0x32, 1 }, { 0x32, 3 },
		{ 0x34, 0 }, { 0x34, 1 }, { 0x34, 3 }, { 0x36, 0 },
	};
	static uint64_t target;
	unsigned bad = 0;

	for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		uint32_t insn = loads[i].funct7 << 25 | loads[i].rs2 << 20 |
				RS1_A0 | 4u << 12 | RD_A0 | OP_SYSTEM;
		uint64_t n = guest_trap.count;
		run(insn, (uint64_t)&target, 0);
		bad += !illegal(n, insn) || guest_trap.stval != insn;
	}
	for (unsigned f7 = 0x31; f7 <= 0x37; f7 += 2) { /* HSV.B/H/W/D */
		uint32_t insn = f7 << 25 | 11u << 20 | RS1_A0 | 4u << 12 |
				OP_SYSTEM;
		uint64_t n = guest_trap.count;
		run(insn, (uint64_t)&target, junk());
		bad += !illegal(n, insn) || guest_trap.stval != insn;
	}
	for (unsigned f7 = 0x11; f7 <= 0x31;
	     f7 += 0x20) { /* HFENCE.VVMA/GVMA */
		uint32_t insn = f7 << 25 | RS1_A0 | OP_SYSTEM;
		uint64_t n = guest_trap.count;
		run(insn, 0, 0);
		bad += !illegal(n, insn) || guest_trap.stval != insn;
	}
	verdict("HLV, HLVX, HSV, HFENCE from VS-mode: illegal, the "
		"instruction in stval",
		bad == 0 && target == 0);
}

static void storm(void)
{
	uint64_t n = guest_trap.count;

	for (unsigned i = 0; i < STORM; i++) {
		run(csrr(0x600), 0, 0); /* hstatus: cvisor's */
		run(0xc0001073u, 0, 0); /* unimp: illegal at the hart */
	}
	verdict("virtual- and illegal-instruction storm: every one an "
		"illegal instruction",
		guest_trap.count == n + 2 * STORM &&
			guest_trap.scause == CAUSE_ILLEGAL);
}

void hostile_csrs(void)
{
	csr_sweep();
	h_instructions();
	storm();
}

/* Loads and stores to emulated MMIO, emulated on the exit path: QEMU 7.2
 * leaves htinst zero on guest-page faults, so the trapping instruction is
 * fetched from the guest (HLVX) and decoded here: LB/LH/LW/LD/LBU/LHU/LWU, SB/SH/SW/SD and
 * the compressed C.LW/C.LD/C.SW/C.SD and their SP-relative forms. What
 * is not one of them (an AMO, LR/SC, a floating-point load or store) at
 * an emulated address is answered with an access fault, as where nothing
 * is. */
#include <kernel/log.h>
#include <vmm/vcpu.h>
#include "guest_entry.h"
#include "vmm_riscv64.h"

/* A decoded load or store, packed in one word so that it stays in a
 * register across the device's call: 0 when it is none cvisor emulates.
 * The register is in the top five bits, where one shift of the
 * instruction puts it (the bits it shifts in under it are not looked
 * at). */
#define OP_WIDTH(op) ((op)&15u) /* bytes: 1, 2, 4, 8 */
#define OP_STORE     (1u << 4)
#define OP_SIGN      (1u << 5)         /* a load that sign-extends */
#define OP_LEN(op)   ((op) >> 16 & 7u) /* of the instruction: 2 or 4 */
/* rd of a load, rs2 of a store; and put there from bits bit..bit+4. */
#define OP_REG(op)           ((unsigned)((op) >> 59))
#define OP_REG_AT(insn, bit) ((uint64_t)(insn) << (59 - (bit)))
#define OP(width, store, sign) \
	((width) | ((store) ? OP_STORE : 0) | ((sign) ? OP_SIGN : 0))

static uint64_t decode_compressed(uint32_t insn)
{
	unsigned f3 = insn >> 13 & 7;
	unsigned width = (f3 & 1) ? 8 : 4; /* *W: 010, 110; *D: 011, 111 */
	bool store = f3 & 4;

	if ((f3 & 3) < 2)
		return 0;
	switch (insn & 3) {
	case 0: /* C.LW, C.LD rd'; C.SW, C.SD rs2': both in 4:2 */
		return OP(width, store, true) | (uint64_t)((insn >> 2 & 7) + 8)
							<< 59;
	case 2: /* C.LWSP, C.LDSP rd in 11:7; C.SWSP, C.SDSP rs2 in 6:2 */
		return OP(width, store, true) |
		       (store ? OP_REG_AT(insn, 2) : OP_REG_AT(insn, 7));
	default:
		return 0;
	}
}

/* LOAD's funct3: LB LH LW LD LBU LHU LWU (7: none). */
static const uint8_t load_ops[8] = {
	OP(1, false, true),  OP(2, false, true),
	OP(4, false, true),  OP(8, false, false),
	OP(1, false, false), OP(2, false, false),
	OP(4, false, false), 0,
};

static uint64_t decode_32(uint32_t insn)
{
	unsigned f3 = insn >> 12 & 7;

	switch (insn & 0x7f) {
	case 0x03: /* LOAD: rd in 11:7 */
		return load_ops[f3] ? load_ops[f3] | OP_REG_AT(insn, 7) : 0;
	case 0x23: /* STORE: SB SH SW SD, rs2 in 24:20 */
		if (f3 > 3)
			return 0;
		return OP(1u << f3, true, false) | OP_REG_AT(insn, 20);
	default:
		return 0;
	}
}

/* The fault an instruction that is no plain load or store gets: an AMO
 * or SC a store/AMO access fault, whatever the guest-page fault said
 * (QEMU 7.2 reports an AMO's as a load guest-page fault); LR a load
 * access fault. */
static bool fault_is_store(uint32_t insn, bool write)
{
	if ((insn & 0x7f) == 0x2f)
		return (insn >> 27) != 0x02; /* LR: funct5 00010 */
	return write;
}

/* The access's guest-physical address, from the trap's htval and stval
 * as mmio_exit() keeps them. */
static gpaddr_t mmio_gpa(const struct vcpu_arch *a)
{
	return a->exit.htval << 2 | (a->exit.stval & 3);
}

/* Not a load or store cvisor emulates (or not the access the fault
 * said): an access fault, out of line. */
static unsigned __attribute__((noinline))
mmio_undecodable(struct vcpu *v, bool write, uint32_t insn, struct vcpu_exit *e)
{
	gpaddr_t gpa = mmio_gpa(&v->arch);

	/* An AMO's or a walk's first use of RAM too (QEMU 7.2 reports an
	 * AMO's fault as a load's). */
	if (ram_first_use(v, gpa, write ? VMCFG_MEM_WRITE : VMCFG_MEM_READ))
		return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
	pr_debug("VM %llu vCPU %u: %s at %#llx by instruction %#x (pc %#llx) "
		 "is not a load or store cvisor emulates; access fault "
		 "injected",
		 (unsigned long long)v->vm->id, v->id, write ? "write" : "read",
		 (unsigned long long)gpa, insn,
		 (unsigned long long)v->arch.regs.sepc);
	vcpu_arch_inject_abort(v, gpa, fault_is_store(insn, write));
	v->exits[EXIT_NONE]++;
	return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
}

/* No device answers: reported as the generic handler does, and an
 * access fault for the guest. */
static unsigned __attribute__((noinline))
mmio_unanswered(struct vcpu *v, uint64_t op, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;

	if (ram_first_use(v, mmio_gpa(a),
			  (op & OP_STORE) ? VMCFG_MEM_WRITE : VMCFG_MEM_READ))
		return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
	a->mmio.rd = (op & OP_STORE) ? 0 : OP_REG(op);
	a->mmio.len = OP_LEN(op);
	a->mmio.sign = op & OP_SIGN;
	e->kind = EXIT_MMIO;
	e->mmio.addr = mmio_gpa(a);
	e->mmio.width = OP_WIDTH(op);
	e->mmio.write = op & OP_STORE;
	vcpu_mmio_unanswered(v, e);
	v->exits[EXIT_MMIO]++;
	return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
}

/* s0-s1 and s2-s11: registers a load's or store's exit leaves unsaved. */
static bool callee_saved(unsigned reg)
{
	return reg - 8 < 2 || reg - 18 < 10;
}

unsigned vcpu_arch_load_done(struct guest_regs *r, struct vcpu_exit *e)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);

	r->x[v->arch.mmio.rd] = e->mmio.data;
	return exit_resume(v, e, GUEST_RESUME, GUEST_TO_LOOP);
}

/* Out of line, on 'v': with 'r' and 'v' both at hand the compiler would
 * keep both in saved registers. */
static unsigned __attribute__((noinline))
mmio_exit(struct vcpu *v, struct vcpu_exit *e, unsigned kind)
{
	struct vcpu_arch *a = &v->arch;
	bool write = kind != MMIO_LOAD;
	uint64_t htinst = csrr(CSR_HTINST), insn, len, op, val = 0;

	/* In 'v' across the calls (the fetch, the device), not in saved
	 * registers: the address (mmio_gpa()), and stval for an access
	 * fault's tval. */
	a->exit.stval = csr_read(stval);
	a->exit.htval = csrr(CSR_HTVAL);

	/* A transformed instruction (bit 0 set): a 32-bit load or store
	 * with rs1 and the offset zero; bit 1 clear if it was compressed. */
	if (unlikely(htinst & 1)) {
		insn = (uint32_t)htinst | 3u;
		len = (htinst & 2) ? 4 : 2;
	} else {
		insn = arch_fetch_insn(a->regs.sepc); /* ~0: decodes as none */
		len = (insn & 3) == 3 ? 4 : 2;
	}
	op = (insn & 3) == 3 ? decode_32((uint32_t)insn) :
			       decode_compressed((uint32_t)insn);
	if (unlikely(!op) || unlikely(!(op & OP_STORE) != !write))
		return mmio_undecodable(v, write, (uint32_t)insn, e);
	op |= len << 16;
	if (write && OP_REG(op)) {
		/* A store's exit has not saved s0-s11 either: saved, it
		 * comes again (MMIO_STORE_SAVED). */
		if (unlikely(callee_saved(OP_REG(op))) && kind == MMIO_STORE)
			return GUEST_SAVE_STORE;
		val = a->regs.x[OP_REG(op)];
		if (OP_WIDTH(op) < 8)
			val &= (1ull << (OP_WIDTH(op) * 8)) - 1;
	}
	/* The generic inline handler's steps, with the decode at hand; the
	 * value in e (not a local, whose address would keep the compiler
	 * from ending in a tail call). */
	e->mmio.data = val;
	if (unlikely(!io_access(&v->vm->mmio, mmio_gpa(a), OP_WIDTH(op),
				op & OP_STORE, &e->mmio.data)))
		return mmio_unanswered(v, op, e);
	/* What follows takes the access's fields from 'op' again, rather
	 * than the compiler keeping them in more saved registers. */
	__asm__("" : "+r"(op));
	/* The fetch did not fault: sstatus is the guest's still. */
	a->regs.sepc += OP_LEN(op);
	v->exits[EXIT_MMIO]++;
	/* A load's or store's exit has not saved s0-s11 (guest_entry.S). */
	if (op & OP_STORE)
		return exit_resume(v, e, GUEST_RESUME_MMIO, GUEST_TO_LOOP_SAVE);
	if (!OP_REG(op))
		return exit_resume(v, e, GUEST_RESUME_MMIO, GUEST_TO_LOOP_SAVE);
	val = e->mmio.data;
	if (OP_WIDTH(op) < 8) {
		unsigned shift = 64 - OP_WIDTH(op) * 8;
		val <<= shift;
		val = (op & OP_SIGN) ? (uint64_t)((int64_t)val >> shift) :
				       val >> shift;
	}
	if (unlikely(callee_saved(OP_REG(op)))) {
		a->mmio.rd = OP_REG(op);
		e->mmio.data = val;
		return GUEST_SAVE_LOAD;
	}
	a->regs.x[OP_REG(op)] = val;
	return exit_resume(v, e, GUEST_RESUME_MMIO, GUEST_TO_LOOP_SAVE);
}

unsigned vcpu_arch_mmio(struct guest_regs *r, struct vcpu_exit *e,
			unsigned kind)
{
	return mmio_exit(container_of(r, struct vcpu, arch.regs), e, kind);
}

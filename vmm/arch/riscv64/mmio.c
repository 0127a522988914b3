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

struct ldst {
	unsigned width; /* bytes */
	unsigned reg;   /* rd of a load, rs2 of a store */
	bool store;
	bool sign;
};

static bool decode_compressed(uint32_t insn, struct ldst *d)
{
	unsigned f3 = insn >> 13 & 7;

	d->sign = true;
	d->width = (f3 & 1) ? 8 : 4; /* *W: 010, 110; *D: 011, 111 */
	d->store = f3 & 4;
	if (f3 != 2 && f3 != 3 && f3 != 6 && f3 != 7)
		return false;
	switch (insn & 3) {
	case 0: /* C.LW, C.LD rd'; C.SW, C.SD rs2': both in 4:2 */
		d->reg = (insn >> 2 & 7) + 8;
		return true;
	case 2: /* C.LWSP, C.LDSP rd in 11:7; C.SWSP, C.SDSP rs2 in 6:2 */
		d->reg = d->store ? (insn >> 2 & 31) : (insn >> 7 & 31);
		return true;
	default:
		return false;
	}
}

static bool decode_32(uint32_t insn, struct ldst *d)
{
	unsigned f3 = insn >> 12 & 7;

	switch (insn & 0x7f) {
	case 0x03: /* LOAD: LB LH LW LD LBU LHU LWU */
		if (f3 == 7)
			return false;
		d->width = 1u << (f3 & 3);
		d->sign = !(f3 & 4);
		d->reg = insn >> 7 & 31;
		d->store = false;
		return true;
	case 0x23: /* STORE: SB SH SW SD */
		if (f3 > 3)
			return false;
		d->width = 1u << f3;
		d->reg = insn >> 20 & 31;
		d->store = true;
		return true;
	default:
		return false;
	}
}

/* The fault an instruction that is no plain load or store gets: an AMO
 * or SC a store/AMO access fault, whatever the guest-page fault said
 * (QEMU 7.2 reports an AMO's as a load guest-page fault); LR a load
 * access fault. */
static bool fault_is_store(uint32_t insn, unsigned len, bool write)
{
	if (len == 4 && (insn & 0x7f) == 0x2f)
		return (insn >> 27) != 0x02; /* LR: funct5 00010 */
	return write;
}

/* Not a load or store cvisor emulates (or not the access the fault
 * said): an access fault, out of line. */
static void __attribute__((noinline))
mmio_undecodable(struct vcpu *v, gpaddr_t gpa, bool write, uint32_t insn,
		 unsigned len, struct vcpu_exit *e)
{
	pr_debug("VM %llu vCPU %u: %s at %#llx by instruction %#x (pc %#llx) "
		 "is not a load or store cvisor emulates; access fault "
		 "injected",
		 (unsigned long long)v->vm->id, v->id, write ? "write" : "read",
		 (unsigned long long)gpa, insn,
		 (unsigned long long)v->arch.regs.sepc);
	vcpu_arch_inject_abort(v, gpa, fault_is_store(insn, len, write));
	e->kind = EXIT_NONE;
}

/* s0-s1 and s2-s11: registers guest_entry.S reloads only when asked. */
static bool callee_saved(unsigned reg)
{
	return reg - 8 < 2 || reg - 18 < 10;
}

unsigned mmio_exit(struct vcpu *v, bool write, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	uint32_t insn = 0;
	unsigned len = 0;
	struct ldst d = { 0 };
	uint64_t val = 0;
	gpaddr_t gpa;

	a->exit.stval = csr_read(stval);
	a->exit.htval = csrr(CSR_HTVAL);
	a->exit.htinst = csrr(CSR_HTINST);
	gpa = a->exit.htval << 2 | (a->exit.stval & 3);
	if (unlikely(!vcpu_fetch_insn(v, &insn, &len)) ||
	    unlikely(!(len == 2 ? decode_compressed(insn, &d) :
				  decode_32(insn, &d))) ||
	    unlikely(d.store != write)) {
		mmio_undecodable(v, gpa, write, insn, len, e);
		return GUEST_RESUME;
	}
	if (write && d.reg) {
		val = a->regs.x[d.reg];
		if (d.width < 8)
			val &= (1ull << (d.width * 8)) - 1;
	}
	/* The generic inline handler's steps, with the decode at hand. */
	if (likely(io_access(&v->vm->mmio, gpa, d.width, write, &val))) {
		if (!write && d.reg) {
			unsigned shift = 64 - d.width * 8;
			if (shift)
				val = d.sign ? (uint64_t)((int64_t)(val
								    << shift) >>
							  shift) :
					       val << shift >> shift;
			a->regs.x[d.reg] = val;
		}
		a->regs.sepc += len;
		v->exits[EXIT_MMIO]++;
		e->kind = EXIT_HANDLED;
		return !write && callee_saved(d.reg) ? GUEST_RESUME :
						       GUEST_RESUME_KEEP;
	}
	/* No device answers: the generic handler reports it. */
	a->mmio.rd = d.store ? 0 : d.reg;
	a->mmio.len = len;
	a->mmio.sign = d.sign;
	e->kind = EXIT_MMIO;
	e->mmio.addr = gpa;
	e->mmio.width = d.width;
	e->mmio.write = d.store;
	e->mmio.data = val;
	return GUEST_RESUME;
}

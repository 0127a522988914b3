/* INS and OUTS, with or without REP, emulated at the exit on the VM's
 * port bus: the segment (an override for OUTS; ES for INS), address size
 * and REP come from the instruction's own prefixes (QEMU 7.2 has no
 * decode assists, and cvisor does not rely on EXITINFO1's segment and
 * address-size fields); the direction from RFLAGS.DF. At most
 * STRING_BATCH elements per exit: a longer REP is re-executed from where
 * it stopped (rCX and the index registers say how far it went), so a
 * guest cannot hold the exit path. A page that does not translate is a
 * #PF for the guest, with what was done kept, as on a CPU. */
#include <kernel/log.h>
#include <vmm/vcpu.h>
#include "svm.h"

#define STRING_BATCH 256
#define RFLAGS_DF    (1ull << 10)
#define PF_WRITE     (1u << 1)
#define PF_USER      (1u << 2)

struct string_op {
	unsigned len;   /* of the instruction */
	uint64_t amask; /* of the address size */
	bool rep;
	uint64_t seg_base; /* of the source (OUTS) */
};

static uint64_t seg_base_of(const struct vcpu *v, uint8_t prefix)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;
	bool lm = guest_long_mode(v);

	switch (prefix) {
	case 0x64:
		return s->fs.base;
	case 0x65:
		return s->gs.base;
	case 0x26:
		return lm ? 0 : s->es.base;
	case 0x2e:
		return lm ? 0 : s->cs.base;
	case 0x36:
		return lm ? 0 : s->ss.base;
	default:
		return lm ? 0 : s->ds.base; /* DS, the default */
	}
}

static bool decode(struct vcpu *v, struct string_op *op)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;
	uint8_t b[15], seg = 0x3e;
	unsigned n = guest_fetch(v, b), i = 0;
	bool adsize = false, lm = guest_long_mode(v);

	for (; i < n; i++) {
		if (b[i] == 0x67)
			adsize = true;
		else if (b[i] == 0xf3 || b[i] == 0xf2)
			op->rep = true;
		else if (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 ||
			 b[i] == 0x3e || b[i] == 0x64 || b[i] == 0x65)
			seg = b[i];
		else if (b[i] != 0x66 && b[i] != 0xf0)
			break;
	}
	if (lm && i < n && (b[i] & 0xf0) == 0x40)
		i++; /* REX: nothing for INS/OUTS */
	if (i >= n || b[i] < 0x6c || b[i] > 0x6f)
		return false;
	op->len = i + 1;
	bool code32 = lm || (s->cs.attr & (1u << 10));
	unsigned abits = lm ? (adsize ? 32 : 64) :
			      ((code32 ^ adsize) ? 32 : 16);
	op->amask = abits == 64 ? ~0ull : (1ull << abits) - 1;
	op->seg_base = seg_base_of(v, seg);
	return true;
}

static void page_fault(struct vcpu *v, uint64_t la, bool write)
{
	struct vmcb *vmcb = v->arch.vmcb;

	vmcb->s.cr2 = la;
	vcpu_inject_exc(v, EXC_PF, true,
			(write ? PF_WRITE : 0) |
				(vmcb->s.cpl == 3 ? PF_USER : 0));
}

/* One element; false after injecting a #PF. */
static bool one(struct vcpu *v, unsigned port, unsigned width, bool in,
		uint64_t la)
{
	struct vcpu_exit e = { .kind = EXIT_PIO };

	e.mmio.addr = port;
	e.mmio.width = width;
	e.mmio.write = !in;
	if (!in) {
		if (!guest_read_linear(v, la, &e.mmio.data, width)) {
			page_fault(v, la, false);
			return false;
		}
	}
	if (!io_access(&v->vm->pio, port, width, !in, &e.mmio.data))
		vcpu_pio_unanswered(v, &e);
	if (in && !guest_write_linear(v, la, &e.mmio.data, width)) {
		page_fault(v, la, true);
		return false;
	}
	return true;
}

void string_io(struct vcpu *v, unsigned port, unsigned width, bool in)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct string_op op = { 0 };
	unsigned idx = in ? GPR_RDI : GPR_RSI;

	if (!decode(v, &op)) {
		pr_debug("VM %llu vCPU %u: string port I/O at rip %#llx not "
			 "decoded; #UD",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)vmcb->s.rip);
		vcpu_inject_ud(v);
		return;
	}
	uint64_t count = op.rep ? vcpu_gpr(v, GPR_RCX) & op.amask : 1;
	uint64_t base = in ? (guest_long_mode(v) ? 0 : vmcb->s.es.base) :
			     op.seg_base;
	int64_t step = (vmcb->s.rflags & RFLAGS_DF) ? -(int64_t)width :
						      (int64_t)width;
	uint64_t done = 0;
	/* A 16-bit address size leaves the register's upper bits; 32 bits
	 * zero-extend, as any 32-bit write does. */
	uint64_t keep = op.amask == 0xffff ? ~op.amask : 0;

	while (done < count && done < STRING_BATCH) {
		uint64_t off = vcpu_gpr(v, idx) & op.amask;
		if (!one(v, port, width, in, base + off))
			break;
		uint64_t r = vcpu_gpr(v, idx);
		vcpu_set_gpr(v, idx,
			     (r & ~op.amask) |
				     ((off + (uint64_t)step) & op.amask));
		done++;
	}
	if (op.rep) {
		uint64_t rcx = vcpu_gpr(v, GPR_RCX);
		vcpu_set_gpr(v, GPR_RCX,
			     (rcx & keep) | ((count - done) & op.amask));
	}
	/* Finished, and no fault injected: on to the next instruction. */
	if (done == count && !(vmcb->c.event_inj & EVT_VALID))
		vcpu_skip(v, op.len);
}

/* Guest memory through the guest's own paging, and the decoder of the
 * instructions that touch emulated MMIO (QEMU 7.2 gives neither decode
 * assists nor NRIP save: the instruction is read from guest memory). The
 * forms compilers emit for device registers: MOV to and from registers
 * (88, 89, 8A, 8B), of immediates (C6, C7), with the accumulator at an
 * absolute address (A0-A3), MOVZX and MOVSX (0F B6/B7/BE/BF), MOVSXD
 * (63); with operand-size, segment, LOCK and REX prefixes, 32- and 64-bit
 * addressing. */
#include <string.h>
#include "svm.h"

#define PTE_P    1ull
#define PTE_PS   (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

static bool read_phys(struct vcpu *v, uint64_t pa, void *buf, unsigned n)
{
	void *p = addrspace_gpa_to_host(&v->vm->as, pa, n);

	if (!p)
		return false;
	memcpy(buf, p, n);
	return true;
}

/* One load of the entry where it lies (entries are aligned to their
 * size): the page walk is on the path of every emulated MMIO access.
 * Recorded in 'w' (when not NULL) for rip_page(). */
static bool read_entry(struct vcpu *v, uint64_t pa, unsigned size, uint64_t *e,
		       struct rip_walk *w)
{
	const void *p = addrspace_gpa_to_host(&v->vm->as, pa, size);

	if (!p) {
		*e = 0;
		return false;
	}
	*e = size == 8 ? *(const uint64_t *)p : *(const uint32_t *)p;
	if (w) {
		w->entry[w->n] = p;
		w->val[w->n++] = *e;
		w->wide = size == 8;
	}
	return *e & PTE_P;
}

/* The guest-physical address of linear 'la', or false when it does not
 * translate (not present, or its tables are not RAM). The entries read
 * are recorded in 'w' when it is not NULL. */
static bool translate(struct vcpu *v, uint64_t la, uint64_t *pa,
		      struct rip_walk *w)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;
	uint64_t e;

	if (!(s->cr0 & CR0_PG)) {
		*pa = (s->efer & EFER_LMA) ? la : (uint32_t)la;
		return true;
	}
	if (s->efer & EFER_LMA) { /* 4-level */
		uint64_t t = s->cr3 & PTE_ADDR;
		for (int level = 3; level >= 0; level--) {
			unsigned shift = 12 + 9 * (unsigned)level;
			if (!read_entry(v, t + ((la >> shift) & 511) * 8, 8, &e,
					w))
				return false;
			if (level == 0 || ((e & PTE_PS) && level <= 2)) {
				uint64_t off = la & ((1ull << shift) - 1);
				*pa = ((e & PTE_ADDR) &
				       ~((1ull << shift) - 1)) |
				      off;
				return true;
			}
			t = e & PTE_ADDR;
		}
		return false;
	}
	la = (uint32_t)la;
	if (s->cr4 & CR4_PAE) { /* 3-level, 4 PDPTEs at CR3 */
		if (!read_entry(v, (s->cr3 & 0xffffffe0u) + (la >> 30) * 8, 8,
				&e, w) ||
		    !read_entry(v, (e & PTE_ADDR) + ((la >> 21) & 511) * 8, 8,
				&e, w))
			return false;
		if (e & PTE_PS) {
			*pa = (e & PTE_ADDR & ~0x1fffffull) | (la & 0x1fffff);
			return true;
		}
		if (!read_entry(v, (e & PTE_ADDR) + ((la >> 12) & 511) * 8, 8,
				&e, w))
			return false;
		*pa = (e & PTE_ADDR) | (la & 0xfff);
		return true;
	}
	/* 2-level, 4-byte entries; 4 MiB pages with CR4.PSE. */
	if (!read_entry(v, (s->cr3 & 0xfffff000u) + (la >> 22) * 4, 4, &e, w))
		return false;
	if ((e & PTE_PS) && (s->cr4 & CR4_PSE)) {
		*pa = (e & 0xffc00000u) | ((e >> 13 & 0xff) << 32) |
		      (la & 0x3fffff);
		return true;
	}
	if (!read_entry(v, (e & 0xfffff000u) + ((la >> 12) & 1023) * 4, 4, &e,
			w))
		return false;
	*pa = (e & 0xfffff000u) | (la & 0xfff);
	return true;
}

bool guest_read_linear(struct vcpu *v, uint64_t la, void *buf, unsigned n)
{
	uint8_t *b = buf;

	/* Page by page: the bytes may straddle two. */
	while (n) {
		uint64_t pa;
		unsigned chunk = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		if (!translate(v, la, &pa, NULL) || !read_phys(v, pa, b, chunk))
			return false;
		la += chunk, b += chunk, n -= chunk;
	}
	return true;
}

bool guest_write_linear(struct vcpu *v, uint64_t la, const void *buf,
			unsigned n)
{
	const uint8_t *b = buf;

	while (n) {
		uint64_t pa;
		unsigned chunk = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		void *p;
		if (!translate(v, la, &pa, NULL) ||
		    !(p = addrspace_gpa_to_host(&v->vm->as, pa, chunk)))
			return false;
		memcpy(p, b, chunk);
		la += chunk, b += chunk, n -= chunk;
	}
	return true;
}

/* Whether the entries the walk read still hold what it found. */
static bool walk_holds(const struct rip_walk *w)
{
	if (likely(w->wide)) {
		for (unsigned i = 0; i < w->n; i++)
			if (READ_ONCE(*(const uint64_t *)w->entry[i]) !=
			    w->val[i])
				return false;
		return true;
	}
	for (unsigned i = 0; i < w->n; i++)
		if (READ_ONCE(*(const uint32_t *)w->entry[i]) != w->val[i])
			return false;
	return true;
}

/* rip_walk_holds() where it applies, else each entry at its width. */
static bool walk_fits(const struct vcpu *v, const struct rip_walk *w,
		      uint64_t la, const struct vmcb_save *s, uint32_t gen)
{
	if (w->key == la)
		return rip_walk_holds(v, w, la);
	return w->la == la && w->valid && w->cr3 == s->cr3 &&
	       w->mode == guest_paging_mode(s) && w->gen == gen &&
	       walk_holds(w);
}

void rip_walks_forget(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	for (unsigned i = 0; i < RIP_WALKS; i++) {
		a->walk[i].valid = false;
		a->walk[i].key = 1;
		a->walk[i].used = 0;
	}
	a->walk_cur = &a->walk[0];
	a->walk_prev = &a->walk[1];
	a->walk_clock = 1;
}

static const struct rip_walk *rip_walk_use(struct vcpu *v, struct rip_walk *w)
{
	struct vcpu_arch *a = &v->arch;

	w->used = a->walk_clock++;
	a->walk_prev = a->walk_cur;
	a->walk_cur = w;
	return w;
}

/* A new walk of linear page 'la', in place of the one used least
 * recently. */
static const struct rip_walk *__attribute__((noinline))
rip_walk_new(struct vcpu *v, uint64_t la, uint32_t gen)
{
	struct vcpu_arch *a = &v->arch;
	const struct vmcb_save *s = &a->vmcb->s;
	struct rip_walk *w = &a->walk[0];
	uint64_t pa;

	for (unsigned i = 1; i < RIP_WALKS; i++)
		if ((int32_t)(a->walk[i].used - w->used) < 0)
			w = &a->walk[i];
	rip_walk_use(v, w);
	w->valid = false;
	w->key = 1;
	w->n = 0;
	if (!translate(v, la, &pa, w))
		return NULL;
	w->la = la;
	w->cr3 = s->cr3;
	w->mode = guest_paging_mode(s);
	w->gen = gen;
	w->pa = pa;
	w->page = addrspace_gpa_to_host(&v->vm->as, pa, PAGE_SIZE);
	w->valid = true;
	for (unsigned i = w->n; i < 4; i++)
		w->entry[i] = &w->val[i];
	if (w->wide && w->page)
		w->key = la;
	return w;
}

/* The one used before the last first: an interrupt handler's page and
 * the page it interrupted, in turn. */
const struct rip_walk *rip_kept_other(struct vcpu *v, uint64_t la)
{
	struct vcpu_arch *a = &v->arch;

	if (rip_walk_holds(v, a->walk_prev, la))
		return rip_walk_use(v, a->walk_prev);
	for (unsigned i = 0; i < RIP_WALKS; i++) {
		struct rip_walk *w = &a->walk[i];
		if (w != a->walk_cur && w != a->walk_prev &&
		    rip_walk_holds(v, w, la))
			return rip_walk_use(v, w);
	}
	return NULL;
}

/* A kept walk is used again only when CR3, the paging mode, the VM's
 * mappings and every entry it read are as they were, which makes its
 * translation the same. The guest's TLB would keep a stale translation
 * until INVLPG; this keeps none. */
const struct rip_walk *rip_page(struct vcpu *v, uint64_t la)
{
	struct vcpu_arch *a = &v->arch;
	const struct vmcb_save *s = &a->vmcb->s;
	uint32_t gen = __atomic_load_n(&v->vm->arch.npt_gen, __ATOMIC_ACQUIRE);

	la &= ~(uint64_t)(PAGE_SIZE - 1);
	if (walk_fits(v, a->walk_cur, la, s, gen))
		return a->walk_cur;
	for (unsigned i = 0; i < RIP_WALKS; i++) {
		struct rip_walk *w = &a->walk[i];
		if (w != a->walk_cur && walk_fits(v, w, la, s, gen))
			return rip_walk_use(v, w);
	}
	return rip_walk_new(v, la, gen);
}

/* Up to 15 bytes at 'la', rip's linear address, whose page's walk is 'w'
 * (NULL: it does not translate). */
static unsigned fetch_at(struct vcpu *v, const struct rip_walk *w, uint64_t la,
			 uint8_t *buf)
{
	unsigned off = (unsigned)(la & (PAGE_SIZE - 1)), n = 15;

	/* The common case: 15 bytes in one page of RAM, copied at once. */
	if (w && w->page && off <= PAGE_SIZE - 15) {
		__builtin_memcpy(buf, w->page + off, 15);
		return n;
	}
	/* Across two pages; up to the end of the first if the next one is
	 * not there. */
	if (guest_read_linear(v, la, buf, n))
		return n;
	n = PAGE_SIZE - off;
	return n < 15 && guest_read_linear(v, la, buf, n) ? n : 0;
}

/* The page of the instruction's first byte: one that straddles into a
 * page without RAM is not seen as a fetch here, and its decode, short of
 * bytes, stops the VM instead. */
unsigned guest_fetch_npf(struct vcpu *v, gpaddr_t gpa, uint8_t *buf, bool *hits)
{
	uint64_t la = guest_rip_linear(v);
	const struct rip_walk *w = rip_page(v, la);

	*hits = w && w->pa == (gpa & ~(uint64_t)(PAGE_SIZE - 1));
	return *hits ? 0 : fetch_at(v, w, la, buf);
}

unsigned guest_fetch(struct vcpu *v, uint8_t *buf)
{
	uint64_t la = guest_rip_linear(v);

	return fetch_at(v, rip_page(v, la), la, buf);
}

unsigned guest_insn_len_slow(struct vcpu *v, uint32_t opcode, unsigned oplen)
{
	uint64_t la = guest_rip_linear(v);
	unsigned off = (unsigned)(la & (PAGE_SIZE - 1)), n;
	/* guest_insn_len() found the walk used last not to hold: the one
	 * used before it next (a HLT in the code an interrupt handler
	 * interrupted), then rip_page()'s search. */
	const struct rip_walk *w = rip_kept_other(v, la);
	uint8_t b[15];
	uint32_t at;

	if (!w)
		w = rip_page(v, la);

	/* The common case: no prefix, the opcode's bytes in one page of
	 * RAM, compared in place. No prefix byte is an opcode's first. */
	if (likely(w && w->page && off <= PAGE_SIZE - 4)) {
		__builtin_memcpy(&at, w->page + off, 4);
		if (((at ^ opcode) & (0xffffffffu >> (32 - 8 * oplen))) == 0)
			return oplen;
	}
	n = fetch_at(v, w, la, b);
	return insn_opcode_at(v, b, n) + oplen;
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
	case 0x64:
	case 0x65:
	case 0x66:
	case 0x67:
	case 0xf0:
	case 0xf2:
	case 0xf3:
		return true;
	default:
		return false;
	}
}

unsigned insn_prefixes(const uint8_t *b, unsigned n)
{
	unsigned i = 0;

	while (i < n && is_legacy_prefix(b[i]))
		i++;
	return i;
}

unsigned insn_opcode_at(const struct vcpu *v, const uint8_t *b, unsigned n)
{
	unsigned i = 0;
	bool lm = guest_long_mode(v);

	while (i < n &&
	       (is_legacy_prefix(b[i]) || (lm && (b[i] & 0xf0) == 0x40)))
		i++;
	return i;
}

struct decode {
	const uint8_t *b;
	unsigned n, i;
	bool opsize, adsize, rex_w, rex_r, rex, lm;
};

/* Skips a ModRM operand that addresses memory (32/64-bit addressing);
 * returns its reg field (with REX.R), or -1 for a register operand or a
 * form cvisor does not decode. */
static int modrm(struct decode *d)
{
	if (d->i >= d->n)
		return -1;
	uint8_t m = d->b[d->i++];
	unsigned mod = m >> 6, rm = m & 7,
		 reg = (m >> 3 & 7) | (d->rex_r ? 8 : 0);

	if (mod == 3)
		return -1;
	if (rm == 4) { /* SIB */
		if (d->i >= d->n)
			return -1;
		uint8_t sib = d->b[d->i++];
		if (mod == 0 && (sib & 7) == 5)
			d->i += 4;
	} else if (mod == 0 && rm == 5) {
		d->i += 4; /* disp32, or rip-relative */
	}
	d->i += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return d->i <= d->n ? (int)reg : -1;
}

static uint64_t imm(struct decode *d, unsigned size)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < size && d->i + k < d->n; k++)
		v |= (uint64_t)d->b[d->i + k] << (8 * k);
	d->i += size;
	return v;
}

/* The instruction in 'buf' ('n' bytes) decoded, as 32-bit code or not
 * ('code32'), 64-bit code or not ('lm'): false when it is not one cvisor
 * emulates. A pure function of its arguments, which is what lets
 * insn_npf_decode() keep the result. */
static bool decode_mmio(const uint8_t *buf, unsigned n, bool lm, bool code32,
			struct mmio_insn *mi)
{
	struct decode d = { .b = buf, .n = n, .lm = lm };
	struct mmio_op *op = &mi->op;
	unsigned osz, acc = 0;
	int reg = GPR_RAX;
	bool store = false, sign = false, has_imm = false;

	d.i = insn_prefixes(buf, d.n);
	for (unsigned k = 0; k < d.i; k++) {
		d.opsize |= buf[k] == 0x66;
		d.adsize |= buf[k] == 0x67;
	}
	if (d.lm && d.i < d.n && (buf[d.i] & 0xf0) == 0x40) {
		d.rex = true;
		d.rex_w = buf[d.i] & 8;
		d.rex_r = buf[d.i] & 4;
		d.i++;
	}
	/* 16-bit addressing (ModRM of another shape) is not decoded. */
	if (!code32 ? !d.adsize : (d.adsize && !d.lm))
		return false;
	osz = d.rex_w ? 8 : (code32 ^ d.opsize) ? 4 : 2;
	if (d.i >= d.n)
		return false;
	uint8_t opc = buf[d.i++];
	*mi = (struct mmio_insn){ 0 };
	switch (opc) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		acc = opc & 1 ? osz : 1;
		store = !(opc & 2);
		reg = modrm(&d);
		break;
	case 0xc6:
	case 0xc7:
		acc = opc & 1 ? osz : 1;
		store = has_imm = true;
		if (d.i < d.n && (buf[d.i] >> 3 & 7) != 0)
			return false;
		reg = modrm(&d);
		break;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		acc = opc & 1 ? osz : 1;
		store = opc & 2;
		d.i += d.lm ? (d.adsize ? 4 : 8) : 4;
		break;
	case 0x63:
		if (!d.lm)
			return false;
		acc = 4;
		sign = d.rex_w;
		reg = modrm(&d);
		break;
	case 0x0f:
		if (d.i >= d.n)
			return false;
		opc = buf[d.i++];
		if (opc != 0xb6 && opc != 0xb7 && opc != 0xbe && opc != 0xbf)
			return false;
		acc = opc & 1 ? 2 : 1;
		sign = opc & 8;
		reg = modrm(&d);
		break;
	default:
		return false;
	}
	if (reg < 0 || d.i > d.n)
		return false;
	mi->acc = (uint8_t)acc;
	mi->store = store;
	if (store && has_imm) {
		uint64_t val = imm(&d, acc > 4 ? 4 : acc);
		if (acc == 8 && (val >> 31 & 1))
			val |= 0xffffffff00000000ull;
		mi->has_imm = true;
		mi->imm = val;
	} else if (store) {
		/* ah..bh for 8 bits without REX */
		mi->src_high8 = acc == 1 && !d.rex && reg >= 4 && reg < 8;
		mi->src = (uint8_t)(mi->src_high8 ? reg - 4 : reg);
	}
	if (d.i > d.n)
		return false;
	op->reg = (uint8_t)reg;
	op->len = (uint8_t)d.i;
	op->acc = (uint8_t)acc;
	op->width = (uint8_t)(opc == 0xb6 || opc == 0xb7 || opc == 0xbe ||
					      opc == 0xbf || opc == 0x63 ?
				      osz :
				      acc);
	op->high8 = acc == 1 && !d.rex && reg >= 4 && reg < 8 && !store &&
		    op->width == 1;
	op->sign = sign;
	op->load = !store;
	return true;
}

/* The decoded access for this exit: the value a store writes is read
 * from the registers now. */
static void mmio_apply(struct vcpu *v, const struct mmio_insn *mi,
		       struct vcpu_exit *e)
{
	v->arch.mmio = mi->op;
	e->mmio.width = mi->acc;
	e->mmio.write = mi->store;
	if (!mi->store)
		return;
	if (mi->has_imm) {
		e->mmio.data = mi->imm;
		return;
	}
	uint64_t val = vcpu_gpr(v, mi->src);
	if (mi->src_high8)
		val >>= 8;
	e->mmio.data = mi->acc >= 8 ? val : val & ((1ull << (8 * mi->acc)) - 1);
}

static uint8_t decode_mode(const struct vcpu *v)
{
	bool lm = guest_long_mode(v);
	bool code32 = lm || (v->arch.vmcb->s.cs.attr & SEG_ATTR_DB);

	return (uint8_t)(1 | lm << 1 | code32 << 2);
}

bool insn_decode_mmio(struct vcpu *v, const uint8_t *buf, unsigned n,
		      struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	struct mmio_insn *mi = &a->mmio_insn[a->mmio_next];
	uint8_t mode = decode_mode(v);

	if (!decode_mmio(buf, n, mode & 2, mode & 4, mi)) {
		mi->mode = 0;
		return false;
	}
	/* Kept for the next faults only with all 15 bytes as its key. */
	if (n == 15) {
		__builtin_memcpy(&mi->key[0], buf, 8);
		__builtin_memcpy(&mi->key[1], buf + 7, 8);
		mi->mode = mode;
		a->mmio_last = a->mmio_next;
		a->mmio_next = (a->mmio_next + 1) % MMIO_INSNS;
	}
	mmio_apply(v, mi, e);
	return true;
}

enum insn_npf insn_npf_decode(struct vcpu *v, gpaddr_t gpa, struct vcpu_exit *e)
{
	uint64_t la = guest_rip_linear(v);
	unsigned off = (unsigned)(la & (PAGE_SIZE - 1)), n = 15;
	const struct rip_walk *w = rip_kept(v, la);
	struct vcpu_arch *a = &v->arch;
	uint8_t b[15];
	bool fetch;

	if (unlikely(!w))
		w = rip_page(v, la);
	/* rip's page is RAM and its 15 bytes are in it: the bytes are
	 * compared in place with the kept decodes'. */
	if (likely(w && w->page && off <= PAGE_SIZE - 15)) {
		const uint8_t *p = w->page + off;
		uint64_t k0, k1;

		if (w->pa == (gpa & ~(uint64_t)(PAGE_SIZE - 1)))
			return INSN_NPF_FETCH;
		uint8_t mode = decode_mode(v);
		unsigned last = a->mmio_last;

		__builtin_memcpy(&k0, p, 8);
		__builtin_memcpy(&k1, p + 7, 8);
		/* The one used last first (a loop), then the others. */
		for (unsigned i = 0; i < MMIO_INSNS;
		     i++, last = (last + 1) % MMIO_INSNS) {
			const struct mmio_insn *mi = &a->mmio_insn[last];
			if (k0 == mi->key[0] && k1 == mi->key[1] &&
			    mi->mode == mode) {
				a->mmio_last = (uint8_t)last;
				mmio_apply(v, mi, e);
				return INSN_NPF_DECODED;
			}
		}
		__builtin_memcpy(b, p, 15);
	} else {
		n = guest_fetch_npf(v, gpa, b, &fetch);
		if (fetch)
			return INSN_NPF_FETCH;
	}
	return insn_decode_mmio(v, b, n, e) ? INSN_NPF_DECODED :
					      INSN_NPF_UNDECODED;
}

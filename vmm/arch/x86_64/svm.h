/* AMD SVM: the VMCB's layout and the constants of APM vol. 2, chapter 15
 * and appendix B, and the internal interface between the files of
 * vmm/arch/x86_64. */
#ifndef VMM_X86_64_SVM_H
#define VMM_X86_64_SVM_H

#include <kernel/types.h>
#include <kernel/percpu.h>
#include <vmm/vm.h>
#include "x86_insn.h"

struct kimage;

struct vmcb_seg {
	uint16_t sel;
	uint16_t attr; /* type, S, DPL, P, AVL, L, D/B, G: descriptor bits 40-47, 52-55 */
	uint32_t limit;
	uint64_t base;
};

struct vmcb_control {
	uint32_t cr_rw;      /* 0x000: reads in bits 0-15, writes 16-31 */
	uint32_t dr_rw;      /* 0x004 */
	uint32_t exceptions; /* 0x008 */
	uint32_t intercept3; /* 0x00c: INTR ... SHUTDOWN */
	uint32_t intercept4; /* 0x010: VMRUN ... XSETBV */
	uint32_t intercept5; /* 0x014 */
	uint8_t rsvd0[0x3c - 0x18];
	uint16_t pause_thresh, pause_count;
	uint64_t iopm_pa;    /* 0x040 */
	uint64_t msrpm_pa;   /* 0x048 */
	uint64_t tsc_offset; /* 0x050 */
	uint32_t asid;       /* 0x058 */
	uint8_t tlb_ctl;     /* 0x05c */
	uint8_t rsvd1[3];
	uint64_t int_ctl;    /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, vector */
	uint64_t int_state;  /* 0x068: bit 0 interrupt shadow */
	uint64_t exit_code;  /* 0x070 */
	uint64_t exit_info1; /* 0x078 */
	uint64_t exit_info2; /* 0x080 */
	uint64_t exit_int_info; /* 0x088 */
	uint64_t np_ctl;        /* 0x090: bit 0 nested paging */
	uint64_t avic_bar;      /* 0x098 */
	uint64_t ghcb;          /* 0x0a0 */
	uint64_t event_inj;     /* 0x0a8 */
	uint64_t n_cr3;         /* 0x0b0 */
	uint64_t lbr_ctl;       /* 0x0b8 */
	uint32_t clean;         /* 0x0c0 */
	uint32_t rsvd2;
	uint64_t next_rip; /* 0x0c8: NRIP save (QEMU 7.2: never written) */
	uint8_t insn_len;  /* 0x0d0: decode assists (QEMU 7.2: none) */
	uint8_t insn_bytes[15];
	uint8_t rsvd3[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr,
		tr; /* 0x400 */
	uint8_t rsvd0[0x4cb - 0x4a0];
	uint8_t cpl; /* 0x4cb */
	uint32_t rsvd1;
	uint64_t efer; /* 0x4d0 */
	uint8_t rsvd2[0x548 - 0x4d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
	uint8_t rsvd3[0x5d8 - 0x580];
	uint64_t rsp; /* 0x5d8 */
	uint64_t s_cet, ssp, isst;
	uint64_t rax;                                          /* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;   /* 0x600 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2; /* 0x628 */
	uint8_t rsvd4[0x668 - 0x648];
	uint64_t g_pat; /* 0x668 */
	uint64_t dbgctl;
	uint8_t rsvd5[0x1000 - 0x678];
};

struct vmcb {
	struct vmcb_control c;
	struct vmcb_save s;
};
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is a page");
_Static_assert(__builtin_offsetof(struct vmcb, c.event_inj) == 0xa8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, s.efer) == 0x4d0, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, s.cr4) == 0x548, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, s.rsp) == 0x5d8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, s.rax) == 0x5f8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, s.g_pat) == 0x668, "VMCB");

/* Exit codes. */
#define SVM_EXIT_CR0_READ  0x000
#define SVM_EXIT_CR8_WRITE 0x018
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR      0x060
#define SVM_EXIT_NMI       0x061
#define SVM_EXIT_SMI       0x062
#define SVM_EXIT_INIT      0x063
#define SVM_EXIT_VINTR     0x064
#define SVM_EXIT_RDPMC     0x06f
#define SVM_EXIT_CPUID     0x072
#define SVM_EXIT_IRET      0x074
#define SVM_EXIT_RSM       0x073
#define SVM_EXIT_INVD      0x076
#define SVM_EXIT_PAUSE     0x077
#define SVM_EXIT_HLT       0x078
#define SVM_EXIT_INVLPGA   0x07a
#define SVM_EXIT_IOIO      0x07b
#define SVM_EXIT_MSR       0x07c
#define SVM_EXIT_TASK      0x07d
#define SVM_EXIT_SHUTDOWN  0x07f
#define SVM_EXIT_VMRUN     0x080
#define SVM_EXIT_VMMCALL   0x081
#define SVM_EXIT_VMLOAD    0x082
#define SVM_EXIT_VMSAVE    0x083
#define SVM_EXIT_STGI      0x084
#define SVM_EXIT_CLGI      0x085
#define SVM_EXIT_SKINIT    0x086
#define SVM_EXIT_RDTSCP    0x087
#define SVM_EXIT_WBINVD    0x089
#define SVM_EXIT_MONITOR   0x08a
#define SVM_EXIT_MWAIT     0x08b
#define SVM_EXIT_MWAIT_C   0x08c
#define SVM_EXIT_XSETBV    0x08d
#define SVM_EXIT_NPF       0x400
#define SVM_EXIT_INVALID   ((uint64_t)-1)

/* Intercept bits: vector 3 is exit code - 0x60, vector 4 exit code - 0x80. */
#define ICPT3(code)     (1u << ((code)-0x60))
#define CR_RW_CR8_WRITE (1u << 24)
#define ICPT4(code)     (1u << ((code)-0x80))

#define INT_CTL_V_TPR_MASK     0xfull
#define INT_CTL_V_IRQ          (1ull << 8)
#define INT_CTL_V_PRIO_SHIFT   16
#define INT_CTL_V_IGN_TPR      (1ull << 20)
#define INT_CTL_V_INTR_MASKING (1ull << 24)
#define INT_CTL_V_VEC_SHIFT    32
#define INT_STATE_SHADOW       1ull

/* EVENTINJ and EXITINTINFO. */
#define EVT_VALID     (1ull << 31)
#define EVT_EV        (1ull << 11)
#define EVT_TYPE_INTR (0ull << 8)
#define EVT_TYPE_NMI  (2ull << 8)
#define EVT_TYPE_EXC  (3ull << 8)
#define EVT_TYPE_SOFT (4ull << 8)

#define TLB_FLUSH_ALL 1

/* NPF EXITINFO1: the fault was on the guest's own page-table walk. */
#define NPF_PRESENT      (1ull << 0) /* a permission fault, not a missing entry */
#define NPF_WRITE        (1ull << 1)
#define NPF_GUEST_TABLES (1ull << 33)

/* IOIO EXITINFO1. */
#define IOIO_IN   (1u << 0)
#define IOIO_STR  (1u << 2)
#define IOIO_REP  (1u << 3)
#define IOIO_SZ8  (1u << 4)
#define IOIO_SZ16 (1u << 5)
#define IOIO_SZ32 (1u << 6)

/* Architectural bits the VMM uses. */
#define EFER_SCE       (1ull << 0)
#define EFER_LME       (1ull << 8)
#define EFER_LMA       (1ull << 10)
#define EFER_NXE       (1ull << 11)
#define EFER_SVME      (1ull << 12)
#define EFER_LMSLE     (1ull << 13)
#define EFER_FFXSR     (1ull << 14)
#define EFER_TCE       (1ull << 15)
#define CR0_PE         (1ull << 0)
#define CR0_ET         (1ull << 4)
#define CR0_PG         (1ull << 31)
#define CR4_PSE        (1ull << 4)
#define CR4_PAE        (1ull << 5)
#define CR4_PGE        (1ull << 7)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)
#define RFLAGS_IF      (1ull << 9)
#define RFLAGS_TF      (1ull << 8)
#define RFLAGS_RF      (1ull << 16)
#define DR6_BS         (1ull << 14)
#define RFLAGS_FIXED   (1ull << 1)

#define MSR_EFER        0xc0000080u
#define MSR_TSC_AUX     0xc0000103u
#define MSR_VM_CR       0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define VM_CR_SVMDIS    (1u << 4)

/* Exceptions. */
#define EXC_DB 1
#define EXC_UD 6
#define EXC_GP 13
#define EXC_PF 14

/* struct guest_gprs (<arch/vmm_arch.h>) by register number. */
#define GPR_RAX 0
#define GPR_RCX 1
#define GPR_RDX 2
#define GPR_RBX 3
#define GPR_RSP 4
#define GPR_RBP 5
#define GPR_RSI 6
#define GPR_RDI 7

/* guest_entry.S: enters the guest with the registers in 'g' (a struct
 * vcpu_arch's gprs, followed by its vmcb_pa and host_pa) until its next
 * #VMEXIT; host_pa holds the host's VMSAVE state (svm_cpu_enable()),
 * loaded back after it. Host interrupts that arrived meanwhile are taken
 * before it returns. */
void svm_run(struct guest_gprs *g);

/* svm.c: per-CPU SVM state, made on the CPU's first vCPU load. */
struct svm_cpu {
	bool on;
	paddr_t hsave; /* VM_HSAVE_PA: VMRUN's host state */
	paddr_t host;  /* VMSAVE/VMLOAD's host state, saved at enable */
	uint64_t cr4;  /* CR4 as cvisor last wrote it */
};
void svm_cpu_enable(void);
struct svm_cpu *svm_this_cpu(void);
extern bool svm_has_xsave;
extern bool svm_has_rdtscp;    /* and so IA32_TSC_AUX, switched per vCPU */
extern uint64_t svm_xcr0_host; /* what XSAVE may switch: CPUID 0xd */
extern uint32_t svm_nasid;
/* The bits of the host's CR4 that follow the guest's (svm_cr4_follow()). */
extern uint64_t svm_cr4_follows;

/* Before a VMRUN: the host's CR4.PSE and PGE made the guest's. They
 * change nothing for cvisor (long mode ignores PSE; none of its entries
 * is global, so a CR3 load still flushes them all), but QEMU flushes its
 * whole software TLB and jump cache whenever VMRUN or #VMEXIT changes
 * one of them (cpu_x86_update_cr4()): with a Linux guest, which sets
 * both, that was two flushes more at every exit (docs/bench.md, "Linux's
 * boot"). Written only when the guest's differ from the host's. */
static inline void svm_cr4_follow(struct svm_cpu *c, uint64_t guest_cr4)
{
	uint64_t cr4 = (c->cr4 & ~svm_cr4_follows) |
		       (guest_cr4 & svm_cr4_follows);

	if (__builtin_expect(cr4 != c->cr4, 0)) {
		x86_write_cr4(cr4);
		c->cr4 = cr4;
	}
}

/* The CPU's ASIDs (CPUID 0x8000_000a EBX), at most 'cap'. */
uint32_t svm_asid_count(uint32_t cap);

/* Register access by number with the VMCB's rax and rsp. */
static inline uint64_t vcpu_gpr(const struct vcpu *v, unsigned n)
{
	if (n == GPR_RAX)
		return v->arch.vmcb->s.rax;
	if (n == GPR_RSP)
		return v->arch.vmcb->s.rsp;
	return v->arch.gprs.r[n & 15];
}

static inline void vcpu_set_gpr(struct vcpu *v, unsigned n, uint64_t val)
{
	if (n == GPR_RAX)
		v->arch.vmcb->s.rax = val;
	else if (n == GPR_RSP)
		v->arch.vmcb->s.rsp = val;
	else
		v->arch.gprs.r[n & 15] = val;
}
/* Exceptions for the guest, at its current rip. */
void vcpu_inject_exc(struct vcpu *v, unsigned vec, bool has_err, uint32_t err);
static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exc(v, EXC_GP, true, 0);
}
static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exc(v, EXC_UD, false, 0);
}

/* insn.c: guest memory through the guest's own paging. */
/* Reads 'n' bytes at linear address 'la'; false (a #PF injected when
 * 'fault') when a page is not present or not RAM. */
bool guest_read_linear(struct vcpu *v, uint64_t la, void *buf, unsigned n);
/* Writes 'n' bytes at linear address 'la' (RAM only); false when a page
 * does not translate or is not RAM. */
bool guest_write_linear(struct vcpu *v, uint64_t la, const void *buf,
			unsigned n);
/* string_io.c: INS/OUTS (with REP) on the VM's port bus, at the exit. */
void string_io(struct vcpu *v, unsigned port, unsigned width, bool in);
/* At a nested fault at guest-physical 'gpa': *hits says whether the
 * instruction at cs:rip starts in gpa's page (the fault is the fetch
 * itself; then nothing is fetched), else up to 15 bytes at cs:rip are
 * fetched into buf and their number returned, as guest_fetch() does. */
unsigned guest_fetch_npf(struct vcpu *v, gpaddr_t gpa, uint8_t *buf,
			 bool *hits);
/* Fetches up to 15 bytes at cs:rip; returns how many could be read. */
unsigned guest_fetch(struct vcpu *v, uint8_t *buf);

#define SEG_ATTR_L  (1u << 9)  /* VMCB segment attribute: CS.L */
#define SEG_ATTR_DB (1u << 10) /* CS.D */

/* Whether the guest runs 64-bit code (CS.L with EFER.LMA). */
static inline bool guest_long_mode(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;

	return (s->efer & EFER_LMA) && (s->cs.attr & SEG_ATTR_L);
}

/* rip's linear address. */
static inline uint64_t guest_rip_linear(const struct vcpu *v)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;

	return guest_long_mode(v) ? s->rip : (uint32_t)(s->cs.base + s->rip);
}

/* What a walk of the guest's page tables depends on besides CR3. */
static inline uint64_t guest_paging_mode(const struct vmcb_save *s)
{
	return (s->cr0 & CR0_PG) | (s->efer & EFER_LMA) |
	       (s->cr4 & (CR4_PAE | CR4_PSE));
}

/* The guest's rip moves past an emulated instruction of 'len' bytes; the
 * interrupt shadow it may have had ends with it. */
static inline void vcpu_skip(struct vcpu *v, unsigned len)
{
	struct vmcb *vmcb = v->arch.vmcb;

	vmcb->s.rip += len;
	if (!guest_long_mode(v))
		vmcb->s.rip &= 0xffffffffull;
	vmcb->c.int_state &= ~INT_STATE_SHADOW;
}

/* Whether kept walk 'w' (insn.c) is the walk of 'la''s page and still
 * holds: CR3, the paging mode and the VM's mappings as they were, every
 * entry it read unchanged (entries past those it read are compared with
 * themselves). Only for walks with 8-byte entries of a page of RAM (its
 * key is 1 otherwise, which no page address is). */
static inline bool rip_walk_holds(const struct vcpu *v,
				  const struct rip_walk *w, uint64_t la)
{
	const struct vmcb_save *s = &v->arch.vmcb->s;

	if (w->key != (la & ~(uint64_t)(PAGE_SIZE - 1)) || w->cr3 != s->cr3 ||
	    w->mode != guest_paging_mode(s) ||
	    w->gen != __atomic_load_n(&v->vm->arch.npt_gen, __ATOMIC_ACQUIRE))
		return false;
#define RIP_KEPT_DIFF(i) (READ_ONCE(*(const uint64_t *)w->entry[i]) ^ w->val[i])
	return !(RIP_KEPT_DIFF(0) | RIP_KEPT_DIFF(1) | RIP_KEPT_DIFF(2) |
		 RIP_KEPT_DIFF(3));
#undef RIP_KEPT_DIFF
}

/* Another kept walk that holds for 'la''s page (it is then the one used
 * last); NULL when none does (insn.c). */
const struct rip_walk *rip_kept_other(struct vcpu *v, uint64_t la);
/* No kept walk: at the vCPU's creation and reset. */
void rip_walks_forget(struct vcpu *v);

/* A kept walk that holds for 'la''s page: the one used last checked
 * inline, without a frame (an exit at a rip the guest exited from before
 * is the common case), the others out of line (an interrupt handler's
 * page and the page it interrupted). NULL: rip_page() decides (4-byte
 * entries, a new walk). */
static inline const struct rip_walk *rip_kept(struct vcpu *v, uint64_t la)
{
	const struct rip_walk *w = v->arch.walk_cur;

	return likely(rip_walk_holds(v, w, la)) ? w : rip_kept_other(v, la);
}

/* The walk of linear page 'la' (rip's): a kept one when it holds, else
 * a new one (insn.c). NULL when 'la' does not translate. */
const struct rip_walk *rip_page(struct vcpu *v, uint64_t la);

/* The length of the instruction at cs:rip that exited, whose opcode is
 * 'opcode' (its 'oplen' bytes, the first in the low byte): with its
 * prefixes, found from the bytes (QEMU 7.2 has no NRIP save). Without a
 * prefix, in the page of the kept walk used last, the opcode is compared
 * in place here, without a call (no prefix byte is an opcode's first);
 * else guest_insn_len_slow(). */
unsigned guest_insn_len_slow(struct vcpu *v, uint32_t opcode, unsigned oplen);
static inline unsigned guest_insn_len(struct vcpu *v, uint32_t opcode,
				      unsigned oplen)
{
	uint64_t la = guest_rip_linear(v);
	unsigned off = (unsigned)(la & (PAGE_SIZE - 1));
	const struct rip_walk *w = v->arch.walk_cur;
	uint32_t at;

	if (likely(rip_walk_holds(v, w, la) && off <= PAGE_SIZE - 4)) {
		__builtin_memcpy(&at, w->page + off, 4);
		if (((at ^ opcode) & (0xffffffffu >> (32 - 8 * oplen))) == 0)
			return oplen;
	}
	return guest_insn_len_slow(v, opcode, oplen);
}
/* Legacy prefix bytes at the start of 'b' (n bytes fetched): the MMIO
 * and CR8 decoders read a REX byte after them themselves. */
unsigned insn_prefixes(const uint8_t *b, unsigned n);
/* Where the opcode of the instruction in 'b' starts: past its legacy
 * prefixes and, in 64-bit code, its REX bytes. */
unsigned insn_opcode_at(const struct vcpu *v, const uint8_t *b, unsigned n);
/* Decodes the MMIO access at rip, its 'n' bytes fetched in 'buf': fills
 * e (width, write, data for a write) and v->arch.mmio; false when it is
 * not an instruction cvisor emulates. */
bool insn_decode_mmio(struct vcpu *v, const uint8_t *buf, unsigned n,
		      struct vcpu_exit *e);
/* At a nested fault at guest-physical 'gpa': the instruction at rip
 * fetched and decoded as insn_decode_mmio() does (the last decode reused
 * when rip's 15 bytes and the mode are the same), or the fault found to
 * be that fetch itself, as guest_fetch_npf() finds it. */
enum insn_npf { INSN_NPF_DECODED, INSN_NPF_FETCH, INSN_NPF_UNDECODED };
enum insn_npf insn_npf_decode(struct vcpu *v, gpaddr_t gpa,
			      struct vcpu_exit *e);

/* cpuid.c, msr.c */
void cpuid_emulate(struct vcpu *v);
/* RDMSR / WRMSR: false when the MSR is not one the guest has (#GP). */
bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* The permission maps every VM shares (svm.c). */
/* The I/O permission map: a bit per port, set to intercept (12 KiB). */
#define IOPM_PAGES 3
extern paddr_t svm_iopm_pa, svm_msrpm_pa;
int svm_maps_init(void);

/* vlapic.c: the local APIC of each vCPU, at 0xfee0_0000 (xAPIC mode)
 * or as MSRs 0x800-0x8ff (x2APIC mode). */
#define VLAPIC_BASE 0xfee00000ull
#define VLAPIC_SIZE 0x1000ull
/* The timer's initial count: its write's exit reads the TSC first
 * (struct vcpu_arch's timer_write_tsc). */
#define VLAPIC_TIMER_INIT 0x380
#define X2APIC_MSR_BASE   0x800u
#define X2APIC_MSR_COUNT  0x100u
void vlapic_init(struct vcpu *v);
void vlapic_reset(struct vcpu *v);
/* An access to the LAPIC page from 'v'; false in x2APIC mode, where the
 * page is not the LAPIC's (the access goes on as to nothing). */
bool vlapic_access(struct vcpu *v, uint64_t off, unsigned width, bool write,
		   uint64_t *val);
/* RDMSR and WRMSR of x2APIC register 'msr' (X2APIC_MSR_BASE...); false:
 * #GP (not in x2APIC mode, no such register, a read-only register
 * written, a write-only one read, reserved bits set). */
bool vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
static inline bool vlapic_x2apic(const struct vcpu *v)
{
	return v->arch.lapic.x2apic;
}
/* Into x2APIC mode (IA32_APIC_BASE.EXTD set), or out of it (the APIC
 * globally disabled: reset, and back in xAPIC mode). */
void vlapic_set_x2apic(struct vcpu *v, bool on);
/* The highest vector the LAPIC would deliver now (IRR above PPR); -1
 * when the IRR is empty, -2 when what it holds is held back (by the TPR,
 * one in service or the APIC disabled). */
int vlapic_deliverable(struct vcpu *v);
/* Whether a 256-bit LAPIC register (IRR, ISR, TMR) has no bit set. */
static inline bool vlapic_reg_empty(const uint64_t *r)
{
	return !(__atomic_load_n(&r[0], __ATOMIC_RELAXED) |
		 __atomic_load_n(&r[1], __ATOMIC_RELAXED) |
		 __atomic_load_n(&r[2], __ATOMIC_RELAXED) |
		 __atomic_load_n(&r[3], __ATOMIC_RELAXED));
}
static inline int vlapic_pending(struct vcpu *v)
{
	/* An empty IRR is the common case at each entry: told inline. */
	if (vlapic_reg_empty(v->arch.lapic.irr))
		return -1;
	return vlapic_deliverable(v);
}
/* The guest took 'vec': IRR to ISR. */
void vlapic_accept(struct vcpu *v, int vec);
/* Raises 'vec' in 'v' (any CPU) and kicks it; vlapic_raise_trig()
 * also records its trigger mode (TMR: a level-triggered one's EOI goes to
 * the IOAPIC). */
void vlapic_raise(struct vcpu *v, unsigned vec);
void vlapic_raise_trig(struct vcpu *v, unsigned vec, bool level);
/* Whether 'v's LAPIC is named by destination 'dest', physical or logical
 * (its LDR and DFR, or its x2APIC LDR): 'wide' for an x2APIC sender's
 * 32 bits (0xffffffff broadcast), else 8 bits (0xff broadcast). */
bool vlapic_match(struct vcpu *v, bool logical, uint32_t dest, bool wide);

/* Whether 'v's LINT0 takes ExtINT interrupts (unmasked, ExtINT mode). */
static inline bool vlapic_extint(const struct vcpu *v)
{
	uint32_t lint0 = v->arch.lapic.lvt[4];

	return !(lint0 & 0x10000u) && (lint0 >> 8 & 7) == 7;
}

/* vpic.c: the VM's 8259 pair; its output is vCPU 0's LINT0. */
int vpic_create(struct vm *vm);
/* Sets ISA line 'irq' (0-15). Any CPU. */
void vpic_set_line(struct vm *vm, unsigned irq, bool level);
/* Whether the master asks for service. */
bool vpic_output(struct vm *vm);
/* The INTA cycle: the vector now in service (or the spurious one). */
int vpic_ack(struct vm *vm);

/* vioapic.c: the VM's IOAPIC at 0xfec0_0000. */
#define VIOAPIC_BASE 0xfec00000ull
#define VIOAPIC_SIZE 0x1000ull
int vioapic_create(struct vm *vm);
/* Sets the input of pin 'pin' (an emulated device's line). Any CPU. */
void vioapic_set_line(struct vm *vm, unsigned pin, bool level);
/* An EOI of a level-triggered 'vector' (the LAPIC's, or the IOAPIC's EOI
 * register). */
void vioapic_eoi(struct vm *vm, unsigned vector);
/* Host GSI 'gsi' given to the VM as its pin of that number: the
 * vm_arch_passthrough_irq() contract. vioapic_unforward_all() lets them
 * all go (vm_arch_destroy: the handlers may run until then). */
int vioapic_forward(struct vm *vm, unsigned gsi);
void vioapic_unforward_all(struct vm *vm);
uint64_t vlapic_tsc_deadline(struct vcpu *v);
void vlapic_set_tsc_deadline(struct vcpu *v, uint64_t tsc);
void vlapic_set_tpr(struct vcpu *v, uint32_t tpr);
static inline uint32_t vlapic_tpr(const struct vcpu *v)
{
	return v->arch.lapic.tpr;
}
/* The LAPIC timer's rate as the guest sees it. */
#define VLAPIC_BUS_HZ 100000000ull

#define X86_DEBUG_EXIT_PORT 0xf4
#define X86_RESET_PORT      0xcf9
#define X86_PM_BASE         0x600 /* q35's ICH9 PMBASE */
#define X86_PM1_CNT         (X86_PM_BASE + 4)
#define X86_PM1_SLP_EN      (1u << 13)

/* The PC's other devices, each on the VM's port bus (vpit.c, vcmos.c,
 * vpm.c). vcmos_host_clock() reads the host's RTC once, at start. */
int vpit_create(struct vm *vm);
/* Cancels the PIT's interrupt event on this CPU (a vCPU's task ending). */
void vpit_cpu_stop(struct vm *vm);
#define VPIT_IOAPIC_PIN 2
int vcmos_create(struct vm *vm);
int vpm_create(struct vm *vm);
/* Presses or releases the power button: a press sets PWRBTN_STS, which
 * stays until the guest clears it. The shell's task, any CPU. */
void vpm_power_button(struct vm *vm, bool pressed);
void vcmos_host_clock(void);
#define X86_RESET_CPU 0x4

/* multiboot.c: the information structure, written for the boot vCPU.
 * Its guest-physical address, or 0 when there is no room. */
uint32_t multiboot_write_info(struct vm *vm);

/* linux_boot.c: the Linux 64-bit boot protocol for a bzImage (the
 * vm_arch_boot hooks, and vCPU 0's registers at power-on). */
int linux_kernel_loaded(struct vm *vm, const char *path, const struct kimage *k,
			const uint8_t *file, uint64_t size);
int linux_boot_info(struct vm *vm);
void linux_reset_vcpu(struct vcpu *v, struct vmcb_save *s, gpaddr_t entry);

/* The vCPU loaded on this CPU, or NULL. */
struct vcpu *vcpu_loaded(void);

#endif

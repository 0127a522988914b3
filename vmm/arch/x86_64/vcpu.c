/* x86_64 vCPUs under SVM: the VMCB's initial state, switching the FPU
 * state, entering the guest, and decoding its #VMEXITs into struct
 * vcpu_exit. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <stdio.h>
#include <string.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include "svm.h"
#include "x86_insn.h"

_Static_assert(sizeof(struct guest_gprs) == 16 * 8, "guest_entry.S layout");
_Static_assert(__builtin_offsetof(struct vcpu_arch, vmcb_pa) == 16 * 8 &&
		       __builtin_offsetof(struct vcpu_arch, host_pa) == 17 * 8,
	       "guest_entry.S layout");

#define MB_BOOT_MAGIC 0x2badb002u
#define FPU_FCW_INIT  0x37f
#define MXCSR_INIT    0x1f80
#define PAT_DEFAULT   0x0007040600070406ull

/* The opcodes of the intercepted instructions whose length is found
 * from their bytes (guest_insn_len), first byte lowest. */
#define OP_HLT     0xf4u
#define OP_CPUID   0xa20fu
#define OP_RDMSR   0x320fu
#define OP_WRMSR   0x300fu
#define OP_VMMCALL 0xd9010fu
#define OP_XSETBV  0xd1010fu

/* Segment attributes (VMCB format): present, S, type. */
#define SEG_CODE32 0xc9bu /* G, D, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93u /* G, D/B, P, S, read/write, accessed */
#define SEG_CODE16 0x09bu
#define SEG_DATA16 0x093u
#define SEG_TSS    0x08bu /* P, busy 32-bit TSS */
#define SEG_LDT    0x082u

/* What every guest exits for: physical interrupts and NMIs, CPUID, HLT,
 * port I/O and MSRs (through the maps), shutdown, the SVM instructions
 * (hidden: #UD), VMMCALL (the hypercall), XSETBV (XCR0 is switched),
 * and the instructions cvisor does not give guests. */
#define INTERCEPT3                                                            \
	(ICPT3(SVM_EXIT_INTR) | ICPT3(SVM_EXIT_NMI) | ICPT3(SVM_EXIT_SMI) |   \
	 ICPT3(SVM_EXIT_CPUID) | ICPT3(SVM_EXIT_HLT) | ICPT3(SVM_EXIT_IOIO) | \
	 ICPT3(SVM_EXIT_MSR) | ICPT3(SVM_EXIT_SHUTDOWN) |                     \
	 ICPT3(SVM_EXIT_RDPMC) | ICPT3(SVM_EXIT_INVLPGA) |                    \
	 ICPT3(SVM_EXIT_TASK))
#define INTERCEPT4                                          \
	(ICPT4(SVM_EXIT_VMRUN) | ICPT4(SVM_EXIT_VMMCALL) |  \
	 ICPT4(SVM_EXIT_VMLOAD) | ICPT4(SVM_EXIT_VMSAVE) |  \
	 ICPT4(SVM_EXIT_STGI) | ICPT4(SVM_EXIT_CLGI) |      \
	 ICPT4(SVM_EXIT_SKINIT) | ICPT4(SVM_EXIT_MONITOR) | \
	 ICPT4(SVM_EXIT_MWAIT) | ICPT4(SVM_EXIT_MWAIT_C) |  \
	 ICPT4(SVM_EXIT_XSETBV))

/* The vCPU that last ran on each CPU: another one of the same ASID must
 * not find its guest-virtual translations in the TLB. */
static struct vcpu *last_run[MAX_CPUS];

uint64_t vcpu_arch_hwid(unsigned index)
{
	return index; /* APIC ids 0, 1, ... */
}

struct vcpu *vcpu_loaded(void)
{
	return this_cpu()->vmm;
}

int vcpu_arch_create(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	paddr_t vmcb = page_alloc(1, PAGE_SIZE), fpu = page_alloc(1, PAGE_SIZE);

	if (!vmcb || !fpu) {
		if (vmcb)
			page_free(vmcb, 1);
		if (fpu)
			page_free(fpu, 1);
		return -1;
	}
	a->vmcb_pa = vmcb;
	a->vmcb = pa_to_ptr(vmcb);
	a->fpu = pa_to_ptr(fpu);
	a->last_cpu = -1;
	rip_walks_forget(v);
	vlapic_init(v);
	return 0;
}

void vcpu_arch_destroy(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	if (a->vmcb)
		page_free(a->vmcb_pa, 1);
	if (a->fpu)
		page_free(ptr_to_pa(a->fpu), 1);
	a->vmcb = NULL;
	a->fpu = NULL;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		__atomic_compare_exchange_n(&last_run[i], &(struct vcpu *){ v },
					    NULL, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
}

void vcpu_arch_stop(struct vcpu *v)
{
	timer_event_cancel(&v->arch.lapic.ev);
	vpit_cpu_stop(v->vm);
}

static void seg(struct vmcb_seg *s, uint16_t sel, uint64_t base, uint32_t limit,
		uint16_t attr)
{
	*s = (struct vmcb_seg){
		.sel = sel, .attr = attr, .limit = limit, .base = base
	};
}

/* The FPU as after FNINIT, SSE's MXCSR at its reset value. */
static void fpu_reset(struct vcpu_arch *a)
{
	uint8_t *f = a->fpu;

	memset(f, 0, PAGE_SIZE);
	*(uint16_t *)f = FPU_FCW_INIT;
	*(uint32_t *)(f + 24) = MXCSR_INIT;
	if (svm_has_xsave)
		*(uint64_t *)(f + 512) =
			3; /* XSTATE_BV: x87 and SSE as above */
	a->xcr0 = 1;
}

static void vmcb_control_init(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->c;

	memset(c, 0, sizeof(*c));
	c->exceptions = 1u << EXC_UD; /* Intel's VMCALL (vcpu.c) */
	c->intercept3 = INTERCEPT3;
	c->intercept4 = INTERCEPT4;
	/* Every port intercepted, but those passed through. */
	c->iopm_pa = v->vm->arch.iopm_pa ? v->vm->arch.iopm_pa : svm_iopm_pa;
	c->msrpm_pa = svm_msrpm_pa;
	c->asid = v->vm->arch.asid;
	c->tlb_ctl = TLB_FLUSH_ALL;
	/* Physical interrupts stay the host's: they exit the guest. */
	c->int_ctl = INT_CTL_V_INTR_MASKING;
	/* VMCB clean bits (memset above) stay 0: every field is reloaded at
	 * each VMRUN, as cvisor writes them without saying which (QEMU
	 * caches nothing; hardware would). */
	c->np_ctl = 1;
	c->n_cr3 = v->vm->as.s2.root;
}

/* As an INIT leaves a CPU, at the SIPI's page: real mode, CS:IP =
 * vector << 8 : 0. */
static void reset_sipi(struct vmcb_save *s, gpaddr_t entry)
{
	seg(&s->cs, (uint16_t)(entry >> 4), entry, 0xffff, SEG_CODE16);
	seg(&s->ds, 0, 0, 0xffff, SEG_DATA16);
	s->cr0 = 0x60000010; /* CD, NW, ET */
	s->rip = 0;
}

/* As a Multiboot loader leaves the CPU: flat 32-bit protected mode,
 * paging off, eax the magic, ebx the information structure. */
static void reset_multiboot(struct vcpu *v, struct vmcb_save *s, gpaddr_t entry)
{
	seg(&s->cs, 0x10, 0, 0xffffffff, SEG_CODE32);
	seg(&s->ds, 0x18, 0, 0xffffffff, SEG_DATA32);
	s->cr0 = CR0_PE | CR0_ET;
	s->rip = entry;
	s->rax = MB_BOOT_MAGIC;
	v->arch.gprs.r[GPR_RBX] = multiboot_write_info(v->vm);
}

/* A first stage (kernel.bios_path) is entered as a CPU leaves reset,
 * but at the image's first byte instead of 0xffff0: real mode, CS =
 * load address >> 4 and IP its low 4 bits (any address below 1 MiB works,
 * as with a SIPI; the image addresses itself from offset 0 of CS). cvisor
 * is still the Multiboot loader underneath: ebx the information
 * structure, esi the kernel's entry, for the first stage to hand on. */
static void reset_bios(struct vcpu *v, struct vmcb_save *s, gpaddr_t entry)
{
	gpaddr_t at = v->vm->boot.bios;

	seg(&s->cs, (uint16_t)(at >> 4), at & ~0xfull, 0xffff, SEG_CODE16);
	seg(&s->ds, 0, 0, 0xffff, SEG_DATA16);
	s->cr0 = 0x60000010; /* CD, NW, ET: PE and PG clear */
	s->rip = at & 0xf;
	v->arch.gprs.r[GPR_RBX] = multiboot_write_info(v->vm);
	v->arch.gprs.r[GPR_RSI] = (uint32_t)entry;
}

void vcpu_arch_reset(struct vcpu *v, gpaddr_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb_save *s = &a->vmcb->s;

	memset(&a->gprs, 0, sizeof(a->gprs));
	vmcb_control_init(v);
	memset(s, 0, sizeof(*s));
	if (arg == X86_ARG_SIPI)
		reset_sipi(s, entry);
	else if (v->vm->boot.bios_size)
		reset_bios(v, s, entry);
	else if (!v->vm->arch.bzimage)
		reset_multiboot(v, s, entry);
	s->es = s->ss = s->fs = s->gs = s->ds;
	seg(&s->gdtr, 0, 0, 0xffff, 0);
	seg(&s->idtr, 0, 0, 0xffff, 0);
	seg(&s->ldtr, 0, 0, 0xffff, SEG_LDT);
	seg(&s->tr, 0, 0, 0xffff, SEG_TSS);
	s->efer = EFER_SVME; /* VMRUN's requirement; the guest sees it clear */
	s->rflags = RFLAGS_FIXED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = PAT_DEFAULT;
	if (arg != X86_ARG_SIPI && v->vm->arch.bzimage)
		linux_reset_vcpu(v, s, entry);
	fpu_reset(a);
	a->tsc_aux = 0;
	memset(a->dr, 0, sizeof(a->dr));
	a->flush = true;
	a->virq = 0;
	a->offered = false;
	rip_walks_forget(v);
	a->sipi_targets = 0;
	__atomic_store_n(&a->nmi_pending, 0, __ATOMIC_RELAXED);
	a->nmi_state = NMI_OPEN;
	a->nmi_singlestep = false;
	vlapic_reset(v);
}

/* DR0-3 are neither in the VMCB nor touched by VMRUN: switched here,
 * so that no VM reads another's breakpoints. */
static void dr_save(uint64_t dr[4])
{
	__asm__ volatile("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(dr[3]));
}

static void dr_load(const uint64_t dr[4])
{
	__asm__ volatile("mov %0, %%db0" : : "r"(dr[0]));
	__asm__ volatile("mov %0, %%db1" : : "r"(dr[1]));
	__asm__ volatile("mov %0, %%db2" : : "r"(dr[2]));
	__asm__ volatile("mov %0, %%db3" : : "r"(dr[3]));
}

void vcpu_arch_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	unsigned cpu = this_cpu_id();

	svm_cpu_enable();
	a->host_pa = svm_this_cpu()->host;
	this_cpu()->vmm = v;
	/* Seen loaded before it looks for injected interrupts (vcpu_kick). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (last_run[cpu] != v || a->last_cpu != (int)cpu)
		a->flush = true;
	last_run[cpu] = v;
	a->last_cpu = (int)cpu;
	/* Every component is restored (those the guest never used to their
	 * initial state), so none keeps another vCPU's registers. */
	if (svm_has_xsave) {
		x86_xsetbv(0, svm_xcr0_host);
		x86_xrstor(a->fpu, svm_xcr0_host);
		x86_xsetbv(0, a->xcr0);
	} else {
		x86_fxrstor(a->fpu);
	}
	if (svm_has_rdtscp)
		x86_wrmsr(MSR_TSC_AUX, a->tsc_aux);
	dr_load(a->dr);
}

void vcpu_arch_put(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	dr_save(a->dr);
	if (svm_has_xsave) {
		/* QEMU 7.2 runs the guest's XSETBV without the intercept
		 * (docs/x86_64.md): the register, not the exit, has its
		 * XCR0. */
		a->xcr0 = x86_xgetbv(0);
		x86_xsetbv(0, svm_xcr0_host);
		x86_xsave(a->fpu, svm_xcr0_host);
	} else {
		x86_fxsave(a->fpu);
	}
	this_cpu()->vmm = NULL;
}

uint64_t vcpu_arch_pc(const struct vcpu *v)
{
	return v->arch.vmcb->s.rip;
}

void vcpu_arch_set_return(struct vcpu *v, uint64_t value)
{
	v->arch.vmcb->s.rax = value;
}

void vcpu_inject_exc(struct vcpu *v, unsigned vec, bool has_err, uint32_t err)
{
	v->arch.vmcb->c.event_inj =
		vec | EVT_TYPE_EXC | EVT_VALID |
		(has_err ? EVT_EV | (uint64_t)err << 32 : 0);
}

/* A register of the guest gets what an emulated load or IN read: the
 * access's bytes, sign- or zero-extended to the destination's width. */
static void load_reg(struct vcpu *v, const struct mmio_op *op, uint64_t val)
{
	uint64_t amask, dmask;

	/* The common case: a 32- or 64-bit MOV (IN to eax). */
	if (likely(op->acc == op->width && op->width >= 4)) {
		vcpu_set_gpr(v, op->reg, op->width == 4 ? (uint32_t)val : val);
		return;
	}
	amask = op->acc >= 8 ? ~0ull : (1ull << (8 * op->acc)) - 1;
	dmask = op->width >= 8 ? ~0ull : (1ull << (8 * op->width)) - 1;
	val &= amask;
	if (op->sign && op->acc < 8 && (val >> (8 * op->acc - 1) & 1))
		val |= ~amask;
	val &= dmask;
	if (op->high8) {
		unsigned n = op->reg - 4u;
		uint64_t old = vcpu_gpr(v, n);
		vcpu_set_gpr(v, n, (old & ~0xff00ull) | (val & 0xff) << 8);
		return;
	}
	/* 32-bit destinations zero-extend; 8 and 16 bits merge. */
	if (op->width < 4)
		val |= vcpu_gpr(v, op->reg) & ~dmask;
	vcpu_set_gpr(v, op->reg, val);
}

/* After IN or OUT: an IN's value into al, ax or eax (eax zero-extended,
 * as any 32-bit destination), rip past it: EXITINFO2 is the next rip for
 * IOIO (APM 15.10.2), which QEMU fills (helper_svm_check_io()). */
static void pio_done(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t next = vmcb->c.exit_info2, val = e->mmio.data, m;

	if (!e->mmio.write) {
		if (e->mmio.width == 4) {
			vmcb->s.rax = (uint32_t)val;
		} else {
			m = e->mmio.width == 2 ? 0xffff : 0xff;
			vmcb->s.rax = (vmcb->s.rax & ~m) | (val & m);
		}
	}
	vmcb->s.rip = guest_long_mode(v) ? next : (uint32_t)next;
	vmcb->c.int_state &= ~INT_STATE_SHADOW;
}

void vcpu_arch_mmio_done(struct vcpu *v, const struct vcpu_exit *e)
{
	const struct mmio_op *op = &v->arch.mmio;

	if (e->kind == EXIT_PIO) {
		pio_done(v, e);
		return;
	}
	if (op->load)
		load_reg(v, op, e->mmio.data);
	vcpu_skip(v, op->len);
}

/* Nothing answers there: reads get all ones, writes go nowhere, as on a
 * PC's bus (no bus error reaches the CPU). */
const char vcpu_arch_unbacked_answer[] = "all ones read, writes dropped";

void vcpu_arch_inject_abort(struct vcpu *v, gpaddr_t gpa, bool write)
{
	struct vcpu_exit e = { .kind = EXIT_MMIO };

	(void)gpa;
	e.mmio.write = write;
	e.mmio.data = ~0ull;
	vcpu_arch_mmio_done(v, &e);
}

void vcpu_arch_cpu_on_done(struct vcpu *v, enum vcpu_on_result r)
{
	/* A SIPI has no answer; one that starts nothing is lost, as on
	 * hardware. */
	if (r != VCPU_ON_OK)
		pr_debug("VM %llu vCPU %u: SIPI started nothing (%d)",
			 (unsigned long long)v->vm->id, v->id, (int)r);
}

/* NMIs are blocked from the one injected until its handler's IRET has
 * run: the IRET intercept comes before it does, so the block ends once
 * the guest is seen past it (at a later exit). */
static bool nmi_open(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	if (a->nmi_state == NMI_IRET_SEEN && a->vmcb->s.rip != a->nmi_iret_rip)
		a->nmi_state = NMI_OPEN;
	return a->nmi_state == NMI_OPEN;
}

bool vcpu_arch_irq_pending(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	if (__atomic_load_n(&a->nmi_pending, __ATOMIC_ACQUIRE) && nmi_open(v))
		return true;
	return (a->vmcb->s.rflags & RFLAGS_IF) &&
	       (vlapic_pending(v) >= 0 ||
		(v->id == 0 && vlapic_extint(v) && vpic_output(v->vm)));
}

/* An NMI, else the LAPIC's highest interrupt if the guest can take it
 * now, else an exit (VINTR) as soon as it can. */
static void inject_events(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;
	int vec;

	/* What the last entry set to offer an interrupt or wait for one,
	 * cleared: each entry decides again. */
	if (a->offered) {
		vmcb->c.int_ctl &=
			~(INT_CTL_V_IRQ | 0xfull << INT_CTL_V_PRIO_SHIFT |
			  INT_CTL_V_IGN_TPR | 0xffull << INT_CTL_V_VEC_SHIFT);
		vmcb->c.intercept3 &= ~ICPT3(SVM_EXIT_VINTR);
		vmcb->c.cr_rw &= ~CR_RW_CR8_WRITE;
		a->offered = false;
	}
	if (vmcb->c.event_inj & EVT_VALID)
		return; /* an exception, or an event to deliver again */
	if (__atomic_load_n(&a->nmi_pending, __ATOMIC_RELAXED) && nmi_open(v) &&
	    __atomic_exchange_n(&a->nmi_pending, 0, __ATOMIC_ACQUIRE)) {
		vmcb->c.event_inj = 2 | EVT_TYPE_NMI | EVT_VALID;
		a->nmi_state = NMI_BLOCKED;
		vmcb->c.intercept3 |= ICPT3(SVM_EXIT_IRET);
		return;
	}
	vec = vlapic_pending(v);
	/* The PICs' output, through vCPU 0's LINT0 in ExtINT mode, when the
	 * LAPIC has nothing of its own to deliver. */
	bool extint = vec < 0 && v->id == 0 && vlapic_extint(v) &&
		      vpic_output(v->vm);
	if (vec < 0 && !extint) {
		/* Held back: a CR8 write that lowers the TPR must exit for
		 * it to be taken at once (an EOI or a TPR write exits
		 * anyway). */
		if (vec == -2) {
			vmcb->c.cr_rw |= CR_RW_CR8_WRITE;
			a->offered = true;
		}
		return;
	}
	if (!(vmcb->s.rflags & RFLAGS_IF)) {
		/* Masked: offered through V_IRQ, which the guest takes
		 * itself, without an exit, once it unmasks (QEMU:
		 * x86_cpu_exec_interrupt(), CPU_INTERRUPT_VIRQ). Not in an
		 * interrupt shadow, which QEMU does not restore at VMRUN
		 * ("sti; hlt", below). */
		if (extint || (vmcb->c.int_state & INT_STATE_SHADOW))
			goto window;
		goto offer;
	}
	/* QEMU 7.2 does not restore the interrupt shadow at VMRUN
	 * (docs/x86_64.md): "sti; hlt" with an interrupt pending is done
	 * here as the CPU would, the HLT completing as it is woken. */
	if (vmcb->c.int_state & INT_STATE_SHADOW) {
		uint8_t b[15];
		unsigned n = guest_fetch(v, b);
		if (!n || b[0] != 0xf4)
			goto window;
		vcpu_skip(v, 1);
	}
	if (extint) {
		/* The PIC is acknowledged here: its vector is injected. */
		vmcb->c.event_inj = (unsigned)vpic_ack(v->vm) | EVT_TYPE_INTR |
				    EVT_VALID;
		return;
	}
	/* Unmasked, a LAPIC vector is offered through V_IRQ too, and taken
	 * before the guest's first instruction: not injected by EVENTINJ,
	 * which QEMU 7.2 delivers a second time at the next deadline that
	 * ends the CPU's turn before an exit (helper_vmrun() leaves the
	 * vector in cs->exception_index; docs/x86_64.md, "Injecting
	 * interrupts"). The exit after tells whether it was taken:
	 * virq_done(). Its priority was checked here against the PPR, as
	 * at any injection. A CR8 write meanwhile exits, so that the TPR is
	 * weighed as the LAPIC weighs it (the class above the TPR's), not
	 * as V_IRQ is (QEMU 7.2: V_INTR_PRIO >= V_TPR). */
offer:
	vmcb->c.int_ctl |= INT_CTL_V_IRQ |
			   (uint64_t)(vec >> 4) << INT_CTL_V_PRIO_SHIFT |
			   (uint64_t)vec << INT_CTL_V_VEC_SHIFT;
	vmcb->c.cr_rw |= CR_RW_CR8_WRITE;
	a->virq = (uint8_t)vec;
	a->offered = true;
	return;
window:
	vmcb->c.int_ctl |= INT_CTL_V_IRQ | INT_CTL_V_IGN_TPR |
			   (uint64_t)(extint ? 0xf : vec >> 4)
				   << INT_CTL_V_PRIO_SHIFT;
	vmcb->c.intercept3 |= ICPT3(SVM_EXIT_VINTR);
	a->offered = true;
}

/* After an exit: the vector offered through V_IRQ went to the guest when
 * the CPU cleared V_IRQ; it is then in service, as if injected. A
 * delivery the exit cut short (the vector in EXITINTINFO, V_IRQ still
 * set: QEMU marks it an exception) is not delivered again from
 * EXITINTINFO: the vector is still in the IRR and offered again.
 * Returns EXITINTINFO as it is to be delivered again. */
static uint64_t virq_done(struct vcpu *v, uint64_t cut)
{
	struct vcpu_arch *a = &v->arch;

	if (!(a->vmcb->c.int_ctl & INT_CTL_V_IRQ))
		vlapic_accept(v, a->virq);
	else if ((cut & (EVT_VALID | 0xff)) == (EVT_VALID | a->virq))
		cut = 0;
	a->virq = 0;
	return cut;
}

/* The NMI handler's IRET is intercepted before it runs: it is run with
 * RFLAGS.TF, so that the single-step #DB after it (TF as it was before
 * the IRET counts) brings the vCPU out at once, NMIs open again. */
static void nmi_iret(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;

	a->nmi_state = NMI_IRET_SEEN;
	a->nmi_iret_rip = vmcb->s.rip;
	vmcb->c.intercept3 &= ~ICPT3(SVM_EXIT_IRET);
	a->nmi_singlestep = true;
	vmcb->s.rflags |= RFLAGS_TF | RFLAGS_RF;
	vmcb->c.exceptions |= 1u << EXC_DB;
}

/* #DB: cvisor's single step past an NMI handler's IRET, or the guest's
 * own, which it gets as it came. */
static void exit_db(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;

	vmcb->c.exceptions &= ~(1u << EXC_DB);
	if (!a->nmi_singlestep) {
		vcpu_inject_exc(v, EXC_DB, false, 0);
		return;
	}
	a->nmi_singlestep = false;
	vmcb->s.dr6 &= ~DR6_BS;
	a->nmi_state = NMI_OPEN;
}

static void exit_fault(struct vcpu_exit *e, const char *what, uint64_t info)
{
	e->kind = EXIT_FAULT;
	e->fault.what = what;
	e->fault.info = info;
}

/* An instruction at rip the guest may not have: #UD, reported. */
static void refuse(struct vcpu *v, const char *what, unsigned vec)
{
	pr_debug("VM %llu vCPU %u: %s at rip %#llx: %s injected",
		 (unsigned long long)v->vm->id, v->id, what,
		 (unsigned long long)v->arch.vmcb->s.rip,
		 vec == EXC_UD ? "#UD" : "#GP");
	if (vec == EXC_UD)
		vcpu_inject_ud(v);
	else
		vcpu_inject_gp(v);
}

/* OUT to a port that ends the VM or reboots it: the exit for it, or
 * false when the write is not one that does. */
static bool __attribute__((noinline))
pio_power(struct vcpu *v, struct vcpu_exit *e, unsigned port, unsigned width)
{
	struct vmcb *vmcb = v->arch.vmcb;

	if (port == X86_DEBUG_EXIT_PORT) {
		pr_info("VM %llu vCPU %u: isa-debug-exit %#llx: powering the VM "
			"off",
			(unsigned long long)v->vm->id, v->id,
			(unsigned long long)(vmcb->s.rax &
					     ((1ull << 8 * width) - 1)));
		e->kind = EXIT_SYSTEM_OFF;
		return true;
	}
	/* ACPI PM1a control with SLP_EN: S5 (the only sleep state offered). */
	if (port == X86_PM1_CNT && width == 2 &&
	    (vmcb->s.rax & X86_PM1_SLP_EN)) {
		pr_info("VM %llu vCPU %u: ACPI sleep (S5): powering the VM off",
			(unsigned long long)v->vm->id, v->id);
		e->kind = EXIT_SYSTEM_OFF;
		return true;
	}
	/* The reset control register (PIIX/ICH): RST_CPU reboots the VM. */
	if (port == X86_RESET_PORT && width == 1 &&
	    (vmcb->s.rax & X86_RESET_CPU)) {
		e->kind = EXIT_PIO;
		e->mmio.write = true;
		pio_done(v, e);
		e->kind = EXIT_SYSTEM_RESET;
		return true;
	}
	return false;
}

static void exit_ioio(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t info = vmcb->c.exit_info1;
	unsigned port = (unsigned)(info >> 16);
	unsigned width =
		(unsigned)(info >> 4 & 7); /* SZ8, SZ16, SZ32: 1, 2, 4 */
	bool in = info & IOIO_IN;

	if (unlikely(info & IOIO_STR)) {
		string_io(v, port, width, in);
		return; /* EXIT_NONE */
	}
	if (unlikely(!in && (port == X86_DEBUG_EXIT_PORT ||
			     port == X86_PM1_CNT || port == X86_RESET_PORT)) &&
	    pio_power(v, e, port, width))
		return;
	/* Completed by pio_done(). */
	e->kind = EXIT_PIO;
	e->mmio.addr = port;
	e->mmio.width = width;
	e->mmio.write = !in;
	e->mmio.data = in ? 0 : vmcb->s.rax & (~0ull >> (64 - 8 * width));
}

static void msr_refused(struct vcpu *v, const char *what, uint32_t msr)
{
	char why[64];

	snprintf(why, sizeof(why), "%s of MSR %#x, which the VM does not have",
		 what, msr);
	refuse(v, why, EXC_GP);
}

static void exit_msr(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint32_t msr = (uint32_t)v->arch.gprs.r[GPR_RCX];
	bool write = vmcb->c.exit_info1 & 1;
	uint64_t val;

	/* As at a nested page fault (exit_npf()): an x2APIC's count starts
	 * at its write's exit. */
	if (msr == X2APIC_MSR_BASE + (VLAPIC_TIMER_INIT >> 4))
		v->arch.timer_write_tsc = hal_timer_now();
	unsigned len = guest_insn_len(v, write ? OP_WRMSR : OP_RDMSR, 2);

	if (write) {
		val = (v->arch.gprs.r[GPR_RDX] & 0xffffffff) << 32 |
		      (vmcb->s.rax & 0xffffffff);
		if (!msr_write(v, msr, val)) {
			msr_refused(v, "WRMSR", msr);
			return;
		}
	} else {
		if (!msr_read(v, msr, &val)) {
			msr_refused(v, "RDMSR", msr);
			return;
		}
		vmcb->s.rax = (uint32_t)val;
		v->arch.gprs.r[GPR_RDX] = val >> 32;
	}
	vcpu_skip(v, len);
}

static void exit_xsetbv(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	uint64_t val = (a->gprs.r[GPR_RDX] & 0xffffffff) << 32 |
		       (a->vmcb->s.rax & 0xffffffff);
	unsigned len = guest_insn_len(v, OP_XSETBV, 3);

	if (!svm_has_xsave || !(a->vmcb->s.cr4 & CR4_OSXSAVE)) {
		refuse(v, "XSETBV without CR4.OSXSAVE", EXC_UD);
		return;
	}
	/* x87 always; AVX only with SSE; nothing the CPU lacks. */
	if ((uint32_t)a->gprs.r[GPR_RCX] != 0 || a->vmcb->s.cpl || !(val & 1) ||
	    (val & ~svm_xcr0_host) || ((val & 4) && !(val & 2))) {
		refuse(v, "XSETBV of a value XCR0 cannot hold", EXC_GP);
		return;
	}
	a->xcr0 = val;
	x86_xsetbv(0, val);
	vcpu_skip(v, len);
}

/* A guest-physical access no RAM backs: the LAPIC, another device, or
 * nothing; the instruction is decoded from guest memory. */
static void exit_npf(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmcb *vmcb = v->arch.vmcb;
	gpaddr_t gpa = vmcb->c.exit_info2;
	enum insn_npf r;

	/* Only where the count is written: the other exits need no time. */
	if (gpa == VLAPIC_BASE + VLAPIC_TIMER_INIT)
		v->arch.timer_write_tsc = hal_timer_now();
	/* The VM's RAM not yet used (vmm/addrspace.h), by any access: the
	 * instruction's, the guest's page walk's, an event's delivery. Not
	 * looked for at the LAPIC's page, the frequent exit. */
	if (gpa - VLAPIC_BASE >= VLAPIC_SIZE &&
	    !(vmcb->c.exit_info1 & NPF_PRESENT) &&
	    addrspace_fault_in(&v->vm->as, gpa,
			       (vmcb->c.exit_info1 & NPF_WRITE) ?
				       VMCFG_MEM_WRITE :
				       VMCFG_MEM_READ))
		return;

	/* The guest's own page tables where no RAM is: its walk cannot go
	 * on (EXITINFO1 bit 33, which QEMU sets as the APM says). */
	if (vmcb->c.exit_info1 & NPF_GUEST_TABLES) {
		pr_warn("VM %llu vCPU %u: its page tables at %#llx are not RAM "
			"(rip %#llx)",
			(unsigned long long)v->vm->id, v->id,
			(unsigned long long)gpa,
			(unsigned long long)vmcb->s.rip);
		exit_fault(e, "guest page tables outside its RAM", gpa);
		return;
	}
	/* An event's delivery (an interrupt's or exception's frame pushed,
	 * its gate or stack read) where no RAM is: no instruction's access,
	 * nothing to emulate (the instruction at rip did not make it). The
	 * VM is stopped, as KVM stops it. */
	if (vmcb->c.exit_int_info & EVT_VALID) {
		pr_warn("VM %llu vCPU %u: delivering event %#llx (vector %llu) "
			"touched %#llx, where no RAM is (rip %#llx)",
			(unsigned long long)v->vm->id, v->id,
			(unsigned long long)vmcb->c.exit_int_info,
			(unsigned long long)(vmcb->c.exit_int_info & 0xff),
			(unsigned long long)gpa,
			(unsigned long long)vmcb->s.rip);
		exit_fault(e, "event delivered outside RAM", gpa);
		return;
	}
	/* Code fetched from where no RAM (or no executable RAM) is: the
	 * bus gives all ones, ff ff, which is no instruction: #UD. Found
	 * from the addresses, not EXITINFO1's I/D bit (QEMU sets it only
	 * with NXE). */
	r = insn_npf_decode(v, gpa, e);
	if (r == INSN_NPF_FETCH) {
		pr_debug("VM %llu vCPU %u: instruction fetch at rip %#llx "
			 "(guest-physical %#llx): no executable RAM there; #UD",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)vmcb->s.rip,
			 (unsigned long long)gpa);
		vcpu_inject_ud(v);
		return;
	}
	if (r == INSN_NPF_UNDECODED) {
		pr_warn("VM %llu vCPU %u: access to %#llx by an instruction at "
			"rip %#llx that cvisor does not emulate",
			(unsigned long long)v->vm->id, v->id,
			(unsigned long long)gpa,
			(unsigned long long)vmcb->s.rip);
		exit_fault(e, "MMIO by an instruction not emulated", gpa);
		return;
	}
	e->kind = EXIT_MMIO;
	e->mmio.addr = gpa;
	if (gpa - VLAPIC_BASE < VLAPIC_SIZE &&
	    vlapic_access(v, gpa - VLAPIC_BASE, e->mmio.width, e->mmio.write,
			  &e->mmio.data)) {
		vcpu_arch_mmio_done(v, e);
		e->kind = EXIT_NONE;
	}
}

/* AxVisor's ABI: rax the number, rdi, rsi, rdx, rcx, r8, r9 the
 * arguments, the result in rax. */
static void hypercall(struct vcpu *v, struct vcpu_exit *e, unsigned len)
{
	struct vcpu_arch *a = &v->arch;

	vcpu_skip(v, len);
	a->hc_args[0] = a->gprs.r[GPR_RDI];
	a->hc_args[1] = a->gprs.r[GPR_RSI];
	a->hc_args[2] = a->gprs.r[GPR_RDX];
	a->hc_args[3] = a->gprs.r[GPR_RCX];
	a->hc_args[4] = a->gprs.r[8];
	a->hc_args[5] = a->gprs.r[9];
	e->kind = EXIT_HYPERCALL;
	e->hypercall.nr = a->vmcb->s.rax;
	e->hypercall.args = a->hc_args;
}

/* #UD: Intel's VMCALL (0f 01 c1), which AMD CPUs do not have, is the
 * hypercall too, so that guests written for VMX (AxVisor's) call
 * cvisor unchanged; anything else is the guest's own #UD. */
static void exit_ud(struct vcpu *v, struct vcpu_exit *e)
{
	uint8_t b[15];
	unsigned n = guest_fetch(v, b), p = insn_opcode_at(v, b, n);

	if (p + 3 <= n && b[p] == 0x0f && b[p + 1] == 0x01 &&
	    b[p + 2] == 0xc1) {
		hypercall(v, e, p + 3);
		return;
	}
	vcpu_inject_ud(v);
}

/* MOV to CR8 (0F 22 /0 with REX.R, or LOCK MOV to CR0 for CR8 in legacy
 * modes), intercepted only while an interrupt is offered through V_IRQ or
 * held back by the priorities: the TPR takes the value and the next entry
 * decides again. */
static void exit_cr8_write(struct vcpu *v)
{
	uint8_t b[15];
	unsigned n = guest_fetch(v, b), i = n ? insn_prefixes(b, n) : 0;
	bool cr8 = false, rex_b = false;

	for (unsigned k = 0; k < i; k++)
		cr8 |= b[k] == 0xf0;
	if (i < n && guest_long_mode(v) && (b[i] & 0xf0) == 0x40) {
		cr8 |= b[i] & 4; /* REX.R */
		rex_b = b[i] & 1;
		i++;
	}
	if (i + 3 > n || b[i] != 0x0f || b[i + 1] != 0x22 ||
	    (b[i + 2] & 0xf8) != 0xc0 || !cr8) {
		refuse(v, "a CR8 write cvisor does not decode", EXC_UD);
		return;
	}
	uint64_t val = vcpu_gpr(v, (b[i + 2] & 7u) | (rex_b ? 8u : 0u));
	if (val >> 4) {
		refuse(v, "a CR8 write of reserved bits", EXC_GP);
		return;
	}
	vlapic_set_tpr(v, (uint32_t)val << 4);
	vcpu_skip(v, i + 3);
}

static void exit_decode(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;
	uint64_t code = vmcb->c.exit_code;

	e->kind = EXIT_NONE;
	switch (code) {
	case SVM_EXIT_INTR: /* taken in svm_run, after STGI */
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_VINTR: /* the guest can take interrupts: next entry */
		return;
	case SVM_EXIT_IRET: /* the NMI handler's, about to run */
		nmi_iret(v);
		return;
	case SVM_EXIT_EXCP_BASE + EXC_DB:
		exit_db(v);
		return;
	case SVM_EXIT_CR8_WRITE:
		exit_cr8_write(v);
		return;
	case SVM_EXIT_CPUID:
		cpuid_emulate(v);
		vcpu_skip(v, guest_insn_len(v, OP_CPUID, 2));
		return;
	case SVM_EXIT_HLT:
		vcpu_skip(v, guest_insn_len(v, OP_HLT, 1));
		e->kind = EXIT_HALT;
		return;
	case SVM_EXIT_IOIO:
		exit_ioio(v, e);
		return;
	case SVM_EXIT_MSR:
		exit_msr(v);
		return;
	case SVM_EXIT_VMMCALL:
		hypercall(v, e, guest_insn_len(v, OP_VMMCALL, 3));
		return;
	case SVM_EXIT_EXCP_BASE + EXC_UD:
		exit_ud(v, e);
		return;
	case SVM_EXIT_XSETBV:
		exit_xsetbv(v);
		return;
	case SVM_EXIT_NPF:
		exit_npf(v, e);
		return;
	case SVM_EXIT_SHUTDOWN:
		exit_fault(e, "shutdown (triple fault)", vmcb->s.rip);
		return;
	case SVM_EXIT_RDPMC:
		refuse(v, "RDPMC (no performance counters)", EXC_GP);
		return;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		refuse(v, "an SVM instruction (SVM is hidden)", EXC_UD);
		return;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_C:
		refuse(v, "MONITOR/MWAIT (hidden by CPUID)", EXC_UD);
		return;
	case SVM_EXIT_TASK:
		exit_fault(e, "hardware task switch, not emulated",
			   vmcb->s.rip);
		return;
	case SVM_EXIT_INVALID:
		exit_fault(e, "VMRUN refused the guest's state", vmcb->s.cr0);
		return;
	default:
		exit_fault(e, "unexpected #VMEXIT", code);
		return;
	}
}

/* The next vCPU this one's SIPI starts, one per pass through the loop.
 * One that an INIT stopped while it ran starts once it is out of its
 * guest (parked): till then this vCPU gives way, so that a SIPI never
 * meets a vCPU still running its old context. */
static bool sipi_next(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	unsigned t;

	for (;;) {
		if (!a->sipi_targets)
			return false;
		t = (unsigned)__builtin_ctzll(a->sipi_targets);
		struct vcpu *target = v->vm->vcpus[t];
		if (READ_ONCE(target->state) == VCPU_ON) {
			/* Started since by another: not waiting any more. */
			a->sipi_targets &= a->sipi_targets - 1;
			continue;
		}
		if (!READ_ONCE(target->parked)) {
			e->kind = EXIT_YIELD;
			return true;
		}
		break;
	}
	a->sipi_targets &= a->sipi_targets - 1;
	e->kind = EXIT_CPU_ON;
	e->cpu_on.target = vcpu_arch_hwid(t);
	e->cpu_on.entry = (gpaddr_t)a->sipi_vector << 12;
	e->cpu_on.context = X86_ARG_SIPI;
	return true;
}

/* One VMRUN, with the interrupts due injected, and its exit decoded. */
static void enter(struct vcpu *v, struct vcpu_exit *e, struct svm_cpu *c)
{
	struct vcpu_arch *a = &v->arch;
	struct vmcb *vmcb = a->vmcb;
	uint32_t gen = __atomic_load_n(&v->vm->arch.npt_gen, __ATOMIC_ACQUIRE);
	uint64_t vtpr = vlapic_tpr(v) >> 4;

	inject_events(v);
	vmcb->c.int_ctl = (vmcb->c.int_ctl & ~INT_CTL_V_TPR_MASK) | vtpr;
	if (a->flush || gen != a->npt_gen) {
		a->npt_gen = gen;
		vmcb->c.tlb_ctl = TLB_FLUSH_ALL;
		a->flush = false;
	} else {
		vmcb->c.tlb_ctl = 0;
	}
	svm_cr4_follow(c, vmcb->s.cr4);
	svm_run(&a->gprs);
	uint64_t cut = vmcb->c.exit_int_info;
	if (a->virq)
		cut = virq_done(v, cut);
	/* An event whose delivery the exit cut short is delivered again. */
	vmcb->c.event_inj = (cut & EVT_VALID) ? cut : 0;
	/* A CR8 write in the guest (V_TPR holds TPR[7:4] only). */
	if ((vmcb->c.int_ctl & INT_CTL_V_TPR_MASK) != vtpr)
		vlapic_set_tpr(v,
			       (uint32_t)(vmcb->c.int_ctl & INT_CTL_V_TPR_MASK)
				       << 4);
	exit_decode(v, e);
}

/* The guest's HLT while no other task waits for the CPU: waited for
 * here, the vCPU left loaded, rather than put, blocked, woken and loaded
 * again by the loop (vcpu_wait_for_irq(): the scheduler's wake-up, the
 * switch of tasks, the FPU state saved and restored). The CPU's own HLT
 * ends for host interrupts, taken through the IDT as in the idle loop:
 * the vLAPIC's timer event, a kick from another CPU (an IPI: the vCPU is
 * loaded, vcpu_kick()), a task queued from one. The wait ends as the
 * loop's would, once the guest has an interrupt it can take
 * (vcpu_arch_irq_pending(): with its RFLAGS.IF clear only an NMI), and
 * the loop takes it over (false, EXIT_HALT) once the vCPU must leave
 * the CPU: turned off or paused, another task queued, a reschedule. */
static bool __attribute__((noinline))
hlt_in_place(struct vcpu *v, struct vcpu_exit *e)
{
	for (;;) {
		if (READ_ONCE(v->state) != VCPU_ON || sched_others_runnable() ||
		    sched_need_resched())
			return false;
		if (vcpu_arch_irq_pending(v)) {
			v->exits[EXIT_HALT]++;
			e->kind = EXIT_HANDLED;
			return true;
		}
		hal_wait_for_interrupt();
	}
}

/* The exits that need nothing of the vCPU's task (hypercalls, emulated
 * MMIO and port I/O, host interrupts, taken at STGI, a HLT while the
 * CPU is the vCPU's alone) are handled here and the guest entered again
 * at once, as aarch64's and riscv64's exit paths do; the others, or a
 * vCPU no longer on or a pCPU to reschedule, go back to the loop. */
void vcpu_arch_run(struct vcpu *v, struct vcpu_exit *e)
{
	/* The vCPU's task stays on this pCPU until it returns. */
	struct svm_cpu *c = svm_this_cpu();

	do {
		if (sipi_next(v, e))
			return;
		enter(v, e, c);
		if (e->kind == EXIT_HALT && !hlt_in_place(v, e))
			return;
	} while (vcpu_handle_exit_inline(v, e));
}

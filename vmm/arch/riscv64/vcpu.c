/* riscv64 vCPUs: VS-level state switching, entering the guest, and
 * decoding its exits (scause) into struct vcpu_exit. */
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include "guest_entry.h"
#include "vmm_riscv64.h"

_Static_assert(__builtin_offsetof(struct guest_regs, sepc) == GREGS_SEPC,
	       "GREGS_SEPC");
_Static_assert(__builtin_offsetof(struct guest_regs, sstatus) == GREGS_SSTATUS,
	       "GREGS_SSTATUS");
_Static_assert(__builtin_offsetof(struct guest_regs, hstatus) == GREGS_HSTATUS,
	       "GREGS_HSTATUS");
_Static_assert(__builtin_offsetof(struct guest_regs, host_sp) == GREGS_HOST_SP,
	       "GREGS_HOST_SP");
_Static_assert(__builtin_offsetof(struct vcpu_arch, hvip) -
			       __builtin_offsetof(struct vcpu_arch, regs) ==
		       VARCH_HVIP,
	       "VARCH_HVIP");
_Static_assert(__builtin_offsetof(struct vcpu_arch, inject) -
			       __builtin_offsetof(struct vcpu_arch, regs) ==
		       VARCH_INJECT,
	       "VARCH_INJECT");
_Static_assert((long)__builtin_offsetof(struct vcpu, state) -
			       (long)__builtin_offsetof(struct vcpu,
							arch.regs) ==
		       REGS_VCPU_STATE,
	       "REGS_VCPU_STATE");
_Static_assert(sizeof(enum vcpu_state) == 4 && VCPU_ON == VCPU_STATE_ON,
	       "VCPU_STATE_ON");
_Static_assert((long)__builtin_offsetof(struct vcpu, exits[EXIT_NONE]) -
			       (long)__builtin_offsetof(struct vcpu,
							arch.regs) ==
		       REGS_VCPU_EXIT_NONE,
	       "REGS_VCPU_EXIT_NONE");
_Static_assert(__builtin_offsetof(struct percpu, rq.need_resched) ==
			       PERCPU_NEED_RESCHED &&
		       sizeof(((struct percpu *)0)->rq.need_resched) == 4,
	       "PERCPU_NEED_RESCHED");
_Static_assert(__builtin_offsetof(struct vcpu_exit, kind) == 0 &&
		       sizeof(((struct vcpu_exit *)0)->kind) == 4 &&
		       EXIT_NONE == 0,
	       "vcpu_exit.kind");

/* The exceptions a guest takes itself (its own page faults, system
 * calls of its user mode, breakpoints, misaligned and illegal
 * instructions, PMP's access faults); guest-page faults, VS-mode ecalls
 * and virtual instructions come to cvisor. */
#define HEDELEG_GUEST                                                    \
	(1u << EXC_INST_MISALIGNED | 1u << EXC_INST_ACCESS |             \
	 1u << EXC_ILLEGAL | 1u << EXC_BREAKPOINT |                      \
	 1u << EXC_LOAD_MISALIGNED | 1u << EXC_LOAD_ACCESS |             \
	 1u << EXC_STORE_MISALIGNED | 1u << EXC_STORE_ACCESS |           \
	 1u << EXC_ECALL_U | 1u << EXC_INST_PAGE | 1u << EXC_LOAD_PAGE | \
	 1u << EXC_STORE_PAGE)

/* VSXL = 64-bit, the guest's privilege for HLV/HLVX (SPVP) and its WFI
 * trapped (VTW); SPV set so that sret enters the guest. */
#define HSTATUS_GUEST (2ull << 32 | HSTATUS_VTW | HSTATUS_SPVP | HSTATUS_SPV)

/* The guest may read cycle, time and instret. */
#define HCOUNTEREN_GUEST 0x7u

uint64_t vcpu_arch_hwid(unsigned index)
{
	return index; /* hart ids 0, 1, ... as on QEMU's virt */
}

struct vcpu *vcpu_loaded(void)
{
	return this_cpu()->vmm;
}

void vcpu_arch_reset(struct vcpu *v, gpaddr_t entry, uint64_t arg)
{
	struct vcpu_arch *a = &v->arch;

	/* As SBI HSM hart_start leaves a hart: a0 = hart id, a1 = the
	 * argument, S-mode, translation and interrupts off. */
	memset(&a->regs, 0, sizeof(a->regs));
	memset(&a->vs, 0, sizeof(a->vs));
	memset(&a->fp, 0, sizeof(a->fp));
	a->regs.x[10] = v->hwid;
	a->regs.x[11] = arg;
	a->regs.sepc = entry;
	/* FS on at HS level: the guest's own vsstatus.FS decides. */
	a->regs.sstatus = SSTATUS_SPP | SSTATUS_FS;
	a->regs.hstatus = HSTATUS_GUEST;
	a->vs.vstimecmp = UINT64_MAX;
	a->vs.henvcfg = riscv_sstc ? HENVCFG_STCE : 0;
	a->vs.hcounteren = HCOUNTEREN_GUEST;
	a->hvip = 0;
	__atomic_store_n(&a->inject, riscv_sstc ? 0 : INJECT_NO_SSTC,
			 __ATOMIC_RELAXED);
	a->sbi_timer = UINT64_MAX;
	a->suspended = false;
}

int vcpu_arch_create(struct vcpu *v)
{
	vtimer_vcpu_init(v);
	return 0;
}

void vcpu_arch_destroy(struct vcpu *v)
{
	(void)v; /* its state is part of struct vcpu */
}

void vcpu_arch_stop(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_ev);
}

bool vcpu_arch_irq_pending(struct vcpu *v)
{
	const struct vcpu_arch *a = &v->arch;
	uint64_t pending =
		(a->hvip | __atomic_load_n(&a->inject, __ATOMIC_ACQUIRE)) &
		HIP_VSSIP;

	if (READ_ONCE(a->eip))
		pending |= HIP_VSEIP;
	if (vtimer_due(v))
		pending |= HIP_VSTIP;
	return pending & a->vs.hie;
}

void vcpu_inject(struct vcpu *v, uint64_t hip_bits)
{
	__atomic_fetch_or(&v->arch.inject, hip_bits, __ATOMIC_RELEASE);
	vcpu_kick(v);
}

static void fp_on(void)
{
	csr_set(sstatus, SSTATUS_FS);
}

void vcpu_arch_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	this_cpu()->vmm = v;
	/* Seen loaded before it looks for injected interrupts (vcpu_kick). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	csrw(CSR_HGATP, v->vm->arch.hgatp);
	csrw(CSR_HEDELEG, HEDELEG_GUEST);
	csrw(CSR_HIDELEG, HIP_VS);
	csrw(CSR_HCOUNTEREN, a->vs.hcounteren);
	csrw(CSR_HENVCFG, a->vs.henvcfg);
	csrw(CSR_HTIMEDELTA, a->vs.htimedelta);
	csrw(CSR_VSSTATUS, a->vs.vsstatus);
	csrw(CSR_VSTVEC, a->vs.vstvec);
	csrw(CSR_VSSCRATCH, a->vs.vsscratch);
	csrw(CSR_VSEPC, a->vs.vsepc);
	csrw(CSR_VSCAUSE, a->vs.vscause);
	csrw(CSR_VSTVAL, a->vs.vstval);
	csrw(CSR_VSATP, a->vs.vsatp);
	csrw(CSR_HIE, a->vs.hie);
	csrw(CSR_SCOUNTEREN, a->vs.scounteren);
	csrw(CSR_SENVCFG, a->vs.senvcfg);
	vtimer_load(v);
	fp_on();
	arch_fp_restore(&a->fp);
	/* A vCPU coming onto the hart must not see another vCPU's VS-stage
	 * entries of the same VM; and what remote fences were asked of it
	 * while it was out are done with these. */
	__atomic_fetch_and(&a->inject, ~INJECT_FENCES, __ATOMIC_RELEASE);
	rfence_local_all();
}

void vcpu_arch_put(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	a->vs.vsstatus = csrr(CSR_VSSTATUS);
	a->vs.vstvec = csrr(CSR_VSTVEC);
	a->vs.vsscratch = csrr(CSR_VSSCRATCH);
	a->vs.vsepc = csrr(CSR_VSEPC);
	a->vs.vscause = csrr(CSR_VSCAUSE);
	a->vs.vstval = csrr(CSR_VSTVAL);
	a->vs.vsatp = csrr(CSR_VSATP);
	a->vs.hie = csrr(CSR_HIE) & HIP_VS;
	a->vs.scounteren = csrr(CSR_SCOUNTEREN);
	a->vs.senvcfg = csrr(CSR_SENVCFG);
	/* Nothing of this guest may be pending or fire for whoever runs
	 * next. */
	csrw(CSR_HIE, 0);
	csrw(CSR_HVIP, 0);
	vtimer_put(v);
	fp_on();
	arch_fp_save(&a->fp);
	this_cpu()->vmm = NULL;
}

uint64_t vcpu_arch_pc(const struct vcpu *v)
{
	return v->arch.regs.sepc;
}

void vcpu_arch_set_return(struct vcpu *v, uint64_t value)
{
	v->arch.regs.x[10] = value;
}

void vcpu_inject_exception(struct vcpu *v, uint64_t cause, uint64_t tval)
{
	struct guest_regs *r = &v->arch.regs;
	uint64_t vsstatus = csrr(CSR_VSSTATUS);

	/* As the hart takes a trap into VS-mode: SPP the mode it was in,
	 * SPIE its SIE, SIE off; pc at vstvec's base (exceptions are never
	 * vectored). */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (r->sstatus & SSTATUS_SPP)
		vsstatus |= SSTATUS_SPP;
	if (csrr(CSR_VSSTATUS) & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	csrw(CSR_VSSTATUS, vsstatus);
	csrw(CSR_VSEPC, r->sepc);
	csrw(CSR_VSCAUSE, cause);
	csrw(CSR_VSTVAL, tval);
	r->sepc = csrr(CSR_VSTVEC) & ~3ull;
	r->sstatus |= SSTATUS_SPP;
}

void vcpu_arch_inject_abort(struct vcpu *v, gpaddr_t gpa, bool write)
{
	(void)gpa;
	/* An access fault, at the address the guest used. */
	vcpu_inject_exception(v, write ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS,
			      v->arch.exit.stval);
}

bool vcpu_fetch_insn(struct vcpu *v, uint32_t *insn, unsigned *len)
{
	const struct vcpu_arch *a = &v->arch;
	uint64_t i;

	/* A transformed instruction (bit 0 set): a 32-bit load or store
	 * with rs1 and the offset zero; bit 1 clear if it was compressed. */
	if (unlikely(a->exit.htinst & 1)) {
		*insn = (uint32_t)a->exit.htinst | 3u;
		*len = (a->exit.htinst & 2) ? 4 : 2;
		return true;
	}
	i = arch_fetch_insn(a->regs.sepc);
	if (unlikely(i == UINT64_MAX))
		return false;
	*insn = (uint32_t)i;
	*len = (i & 3) == 3 ? 4 : 2;
	return true;
}

void vcpu_arch_mmio_done(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	uint64_t val = e->mmio.data;

	if (!e->mmio.write && a->mmio.rd) {
		unsigned shift = 64 - e->mmio.width * 8;
		if (shift) {
			val <<= shift;
			val = a->mmio.sign ? (uint64_t)((int64_t)val >> shift) :
					     val >> shift;
		}
		a->regs.x[a->mmio.rd] = val;
	}
	a->regs.sepc += a->mmio.len;
}

#define INSN_WFI 0x10500073u

/* A virtual-instruction exception: WFI (hstatus.VTW) waits for an
 * interrupt; anything else is an instruction cvisor does not emulate,
 * which the guest gets as an illegal instruction (the privileged spec's
 * answer for one it could not execute). */
static void virtual_insn(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;
	/* The instruction's bits, when the hart gives them in stval (QEMU
	 * does); 0 when it does not, and then it is fetched. */
	uint32_t insn = (uint32_t)a->exit.stval;
	unsigned len;

	if (!insn && !vcpu_fetch_insn(v, &insn, &len))
		insn = 0;
	/* From VU-mode, WFI is the guest kernel's to allow: illegal, as
	 * on a hart whose S-mode has not given it to U-mode. */
	if (insn == INSN_WFI && (a->regs.sstatus & SSTATUS_SPP)) {
		a->regs.sepc += 4;
		e->kind = EXIT_HALT;
		return;
	}
	pr_debug("VM %llu vCPU %u: instruction %#x at pc %#llx is not "
		 "emulated; illegal instruction injected",
		 (unsigned long long)v->vm->id, v->id, insn,
		 (unsigned long long)a->regs.sepc);
	vcpu_inject_exception(v, EXC_ILLEGAL, insn);
}

/* An exit neither an SBI call nor a guest-page fault of a load or store. */
static void exit_decode(struct vcpu *v, uint64_t cause, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;

	e->kind = EXIT_NONE;
	if (cause >> 63) { /* an interrupt */
		e->kind = EXIT_IRQ;
		return;
	}
	switch (cause) {
	case EXC_VIRTUAL_INST:
		virtual_insn(v, e);
		return;
	case EXC_INST_GUEST_PAGE:
		if (ram_first_use(v, a->exit.htval << 2, VMCFG_MEM_EXEC))
			return;
		pr_debug("VM %llu vCPU %u: instruction fetch from %#llx "
			 "(guest-physical %#llx): no memory there; access "
			 "fault injected",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)a->exit.stval,
			 (unsigned long long)(a->exit.htval << 2));
		vcpu_inject_exception(v, EXC_INST_ACCESS, a->exit.stval);
		return;
	default:
		/* Not delegated, yet not ours to answer: the guest gets it
		 * as the hart would have given it. */
		pr_debug("VM %llu vCPU %u: exception %llu (tval %#llx) at pc "
			 "%#llx passed to the guest",
			 (unsigned long long)v->vm->id, v->id,
			 (unsigned long long)cause,
			 (unsigned long long)a->exit.stval,
			 (unsigned long long)a->regs.sepc);
		vcpu_inject_exception(v, cause, a->exit.stval);
		return;
	}
}

void vcpu_arch_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_arch *a = &v->arch;

	a->suspended = false;
	guest_irqs_load(v);
	arch_guest_run(&a->regs, e);
}

unsigned exit_resume_slow(struct vcpu *v, unsigned how)
{
	v->arch.hvip = csrr(CSR_HVIP) & HIP_VSSIP;
	guest_irqs_load(v);
	return how;
}

/* Whether an interrupt the guest has enabled (hie) is pending, the vCPU
 * loaded: VSSIP and VSEIP as guest_irqs_load() put them in hvip (with
 * VSTIP without Sstc), VSTIP from vstimecmp with it. */
static bool loaded_irq_pending(const struct vcpu *v)
{
	uint64_t pending = csrr(CSR_HVIP);

	if (riscv_sstc &&
	    hal_timer_now() + v->arch.vs.htimedelta >= csrr(CSR_VSTIMECMP))
		pending |= HIP_VSTIP;
	return pending & csrr(CSR_HIE) & HIP_VS;
}

/* The guest's WFI (trapped, hstatus.VTW) while no other task waits for
 * the hart: waited for here, the vCPU left loaded, rather than put,
 * blocked and loaded again by the loop (vcpu_wait_for_irq()). The hart's
 * own WFI ends for the host's interrupts, handled here as the loop
 * would (a kick from another hart is an IPI), and for the guest's that
 * it has enabled (mie holds hie's bits), not for one it has not. The
 * loop takes the wait over (EXIT_HALT) once the vCPU must leave the
 * hart: turned off or paused, another task queued, a reschedule; and
 * it has any wait with a guest deadline set, which it makes a timer
 * event: loaded, the deadline is not one, so the hart's yield tick may
 * fall just before it, which under QEMU 7.2's -icount left the hart
 * halted past it (docs/bench.md, "Timer latency under interference"). */
static unsigned __attribute__((noinline))
wfi_in_place(struct vcpu *v, struct vcpu_exit *e)
{
	for (;;) {
		if (READ_ONCE(v->state) != VCPU_ON || sched_others_runnable() ||
		    sched_need_resched() || vtimer_armed(v))
			return GUEST_TO_LOOP_SAVE;
		/* Fences and injected interrupts as at any entry. */
		exit_resume_slow(v, 0);
		if (loaded_irq_pending(v)) {
			v->exits[EXIT_HALT]++;
			e->kind = EXIT_HANDLED;
			return GUEST_RESUME_KEEP;
		}
		hal_wait_for_interrupt();
		/* One a pass (another pending ends the next wait at once). A
		 * kick is its handler's work (kernel/main.c: ipi_handler)
		 * without the table's lookup; the IPI has no EOI. */
		unsigned irq = hal_irqchip_ack();
		if (irq == HAL_IPI_IRQ)
			sched_kicked();
		else if (irq != HAL_IRQ_NONE)
			irq_handle(irq);
	}
}

/* A host interrupt taken while the guest ran: handled here, as the loop
 * would (a kick without the irq table's lookup), one per exit (another
 * pending brings the guest straight back out), and the guest entered
 * again unless the loop has something to do (exit_resume()): a
 * reschedule, the vCPU turned off or paused. */
static unsigned __attribute__((noinline))
irq_in_place(struct vcpu *v, struct vcpu_exit *e)
{
	unsigned irq = hal_irqchip_ack();

	v->exits[EXIT_IRQ]++;
	if (irq == HAL_IPI_IRQ) {
		sched_kicked();
	} else if (irq != HAL_IRQ_NONE) {
		/* The guest's own interrupt is due (its deadline passed
		 * while this exit was on its way): it is taken next. */
		if (irq == HAL_TIMER_IRQ && loaded_irq_pending(v))
			arch_irq_yield_cancel();
		irq_handle(irq);
	}
	e->kind = EXIT_HANDLED;
	return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
}

/* A call cvisor defines, out of line: a refused one (the bench's null
 * hypercall) then sets up no arguments for it. */
static uint64_t __attribute__((noinline))
hypercall_known_r(struct guest_regs *r)
{
	return hypercall_known(container_of(r, struct vcpu, arch.regs),
			       r->x[16], &r->x[10]);
}

/* An ecall from VS-mode, called by guest_entry.S, which moved the pc
 * past it in the hart's sepc (left there with sstatus for the guest's
 * re-entry: GUEST_RESUME_ECALL; both copied into 'r' before an SBI call,
 * whose C may read them, but not before a hypercall) and left s0-s11
 * unsaved, and tests exit_resume()'s common case itself: each of these
 * keeps no frame. The hypercall extension's (a7 tested there): its
 * value, for the guest's a0. */
uint64_t vcpu_arch_hypercall(struct guest_regs *r)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);

	v->exits[EXIT_HYPERCALL]++;
	if (hypercall_unknown(r->x[16]))
		return hypercall_refuse(v, r->x[16]);
	return hypercall_known_r(r);
}

/* Any other: an SBI call, answered in place (e->kind stays EXIT_NONE,
 * which guest_entry.S counts) or handed to the loop (CPU_ON, HALT, ...:
 * GUEST_TO_LOOP_SAVE); an in-place call that changes sepc or sstatus
 * goes to the loop, and arch_hlv_d's fault puts both back. */
void vcpu_arch_sbi(struct guest_regs *r, struct vcpu_exit *e)
{
	e->kind = EXIT_NONE;
	sbi_handle(container_of(r, struct vcpu, arch.regs), e);
}

/* exit_resume() after either, when guest_entry.S's test of it found
 * something to do. */
unsigned vcpu_arch_ecall_resume(struct guest_regs *r, struct vcpu_exit *e)
{
	return exit_resume(container_of(r, struct vcpu, arch.regs), e,
			   GUEST_RESUME_ECALL, GUEST_TO_LOOP_SAVE);
}

/* Every exit from the guest but an ecall or a load's or store's
 * guest-page fault (vcpu_arch_sbi(), vcpu_arch_mmio()), called by
 * guest_entry.S with the guest's registers but s0-s11 saved in 'r' (they
 * are still in the registers: nothing here reads them) and its trap's
 * scause: host interrupts, virtual instructions, faults the guest gets
 * back. It is decoded into 'e'; a host interrupt and a WFI are handled
 * here (irq_in_place(), wfi_in_place()); the guest goes straight back in
 * (GUEST_RESUME_KEEP: sepc and sstatus from 'r', s0-s11 as they are) when
 * the generic inline handler's steps answer it whole, else
 * GUEST_TO_LOOP_SAVE has s0-s11 saved and returns 'e' to the loop. */
unsigned vcpu_arch_exit(struct guest_regs *r, struct vcpu_exit *e,
			uint64_t cause)
{
	struct vcpu *v = container_of(r, struct vcpu, arch.regs);
	struct vcpu_arch *a = &v->arch;

	a->exit.stval = csr_read(stval);
	a->exit.htval = csrr(CSR_HTVAL);
	a->exit.htinst = csrr(CSR_HTINST);
	exit_decode(v, cause, e);
	if (e->kind == EXIT_IRQ)
		return irq_in_place(v, e);
	if (e->kind == EXIT_HALT)
		return wfi_in_place(v, e);
	if (!vcpu_handle_exit_inline(v, e))
		return GUEST_TO_LOOP_SAVE;
	return exit_resume(v, e, GUEST_RESUME_KEEP, GUEST_TO_LOOP_SAVE);
}

/* Internal interface between the files of vmm/arch/riscv64. */
#ifndef VMM_RISCV64_H
#define VMM_RISCV64_H

#include <arch/csr.h>
#include <kernel/percpu.h>
#include <string.h>
#include <vmm/vm.h>
#include "guest_entry.h"

/* Hypervisor and VS CSRs, by number (the assembler's names for them
 * depend on its version). */
#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HIDELEG    0x603
#define CSR_HIE        0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HENVCFG    0x60a
#define CSR_HTVAL      0x643
#define CSR_HIP        0x644
#define CSR_HVIP       0x645
#define CSR_HTINST     0x64a
#define CSR_HGATP      0x680
#define CSR_VSSTATUS   0x200
#define CSR_VSIE       0x204
#define CSR_VSTVEC     0x205
#define CSR_VSSCRATCH  0x240
#define CSR_VSEPC      0x241
#define CSR_VSCAUSE    0x242
#define CSR_VSTVAL     0x243
#define CSR_VSIP       0x244
#define CSR_VSATP      0x280
#define CSR_VSTIMECMP  0x24d
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a

#define csrr(n)    csr_read(n)
#define csrw(n, v) csr_write(n, v)
#define csrc(n, v) csr_clear(n, v)

#define HSTATUS_SPV  (1ull << 7)
#define HSTATUS_SPVP (1ull << 8)
#define HSTATUS_VTW  (1ull << 21)

#define SSTATUS_SIE        (1ull << 1)
#define SSTATUS_SPIE       (1ull << 5)
#define SSTATUS_SPP        (1ull << 8)
#define SSTATUS_FS         (3ull << 13)
#define SSTATUS_FS_INITIAL (1ull << 13)

/* VS-level interrupts in hip/hie/hvip, and the same in the guest's
 * view (vsip/vsie: one bit lower). */
#define HIP_VSSIP (1ull << 2)
#define HIP_VSTIP (1ull << 6)
#define HIP_VSEIP (1ull << 10)
#define HIP_VS    (HIP_VSSIP | HIP_VSTIP | HIP_VSEIP)

#define HENVCFG_STCE (1ull << 63)

/* Exception causes (scause). */
#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS      1
#define EXC_ILLEGAL          2
#define EXC_BREAKPOINT       3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS      5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U          8
#define EXC_INST_PAGE        12
#define EXC_LOAD_PAGE        13
#define EXC_STORE_PAGE       15
#define EXC_INST_GUEST_PAGE  20
#define EXC_VIRTUAL_INST     22

/* guest_entry.S and hcsr.S. */
void arch_guest_run(struct guest_regs *r, struct vcpu_exit *e);
/* The instruction at guest virtual 'gva' (16 bits if compressed), or
 * UINT64_MAX when it cannot be read. */
uint64_t arch_fetch_insn(uint64_t gva);
bool arch_hlv_d(uint64_t gva, uint64_t *out);
bool arch_probe_h(void);
void arch_fp_save(struct fp_regs *fp);
void arch_fp_restore(const struct fp_regs *fp);

/* Every exit from the guest, called by guest_entry.S (vcpu.c): an ecall
 * from VS-mode (the hypercall or an SBI call, then exit_resume()'s rare
 * half), or any other with its scause. They return GUEST_*
 * (guest_entry.h), the hypercall its value. */
uint64_t vcpu_arch_hypercall(struct guest_regs *r);
void vcpu_arch_sbi(struct guest_regs *r, struct vcpu_exit *e);
unsigned vcpu_arch_ecall_resume(struct guest_regs *r, struct vcpu_exit *e);
unsigned vcpu_arch_exit(struct guest_regs *r, struct vcpu_exit *e,
			uint64_t cause);

/* hfence.gvma x0, vmid: this hart forgets the VMID's G-stage (and
 * combined VS-stage) translations. */
static inline void hfence_gvma_vmid(uint64_t vmid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, %0" ::"r"(vmid)
			 : "memory");
}

/* A guest-page fault at 'gpa' on the VM's RAM not yet used
 * (vmm/addrspace.h): true once it is zeroed and mapped, this hart's
 * cached failure of it forgotten, for the guest to retry the access. */
static inline bool ram_first_use(struct vcpu *v, gpaddr_t gpa, uint32_t need)
{
	if (!addrspace_fault_in(&v->vm->as, gpa, need))
		return false;
	hfence_gvma_vmid(v->vm->arch.vmid);
	return true;
}

/* Whether the harts have Sstc for their guests (vmm_arch_init). */
extern bool riscv_sstc;

/* The vCPU loaded on this hart, or NULL. */
struct vcpu *vcpu_loaded(void);
/* Raises hvip bits (VSSIP) for 'v' from any CPU and makes it look. */
void vcpu_inject(struct vcpu *v, uint64_t hip_bits);
/* Takes exception 'cause' with 'tval' into the loaded guest's VS-mode. */
void vcpu_inject_exception(struct vcpu *v, uint64_t cause, uint64_t tval);
/* The guest's instruction at its pc (fetched, or from htinst), its length
 * in *len; false when it cannot be read. */
bool vcpu_fetch_insn(struct vcpu *v, uint32_t *insn, unsigned *len);

/* A guest-page fault of a load or store (MMIO_*: guest_entry.h), called
 * by guest_entry.S (mmio.c): the access decoded and emulated on the exit
 * path and counted, or an access fault injected (counted in-arch), or no
 * device answers it (reported, an access fault). Returns GUEST_* as
 * vcpu_arch_exit() does; the exit left s0-s11 unsaved, so
 * GUEST_TO_LOOP_SAVE for the loop, and GUEST_SAVE_STORE for a store from
 * one of them. */
unsigned vcpu_arch_mmio(struct guest_regs *r, struct vcpu_exit *e,
			unsigned kind);
/* A load into one of s0-s11 (GUEST_SAVE_LOAD), once guest_entry.S has
 * saved them: the value (in e) written, the exit ended as exit_resume()
 * ends it. */
unsigned vcpu_arch_load_done(struct guest_regs *r, struct vcpu_exit *e);
/* Remote fences (rfence.c): what a vCPU must do before it runs its guest
 * again. */
#define RFENCE_I   1u /* fence.i */
#define RFENCE_VMA 2u /* its VS-stage translations: hfence.vvma */

/* struct vcpu_arch's inject word: VSSIP as hvip has it (raised by
 * others), the vPLIC's output changed (HIP_VSEIP's bit, never copied to
 * hvip as such), the fences others asked for (RFENCE_* at bit 32), and
 * for a hart without Sstc a bit always set (the SBI timer's VSTIP is
 * cvisor's to raise at every entry). Anything in it sends an exit handled
 * in place through exit_resume_slow(). */
#define INJECT_EIP         HIP_VSEIP
#define INJECT_FENCE_SHIFT 32
#define INJECT_FENCES      ((uint64_t)(RFENCE_I | RFENCE_VMA) << INJECT_FENCE_SHIFT)
#define INJECT_NO_SSTC     (1ull << 63)
/* Asks each vCPU of 'set' (bit = index) for 'fences' and returns once
 * every one has done them or is out of its hart (it does them all as it
 * is loaded again); the caller's own are done at once. */
void rfence_request(struct vcpu *caller, uint64_t set, uint32_t fences);
/* Does the fences others asked of the loaded vCPU 'v', and only them
 * (while it waits for its own request's). */
void rfence_run_pending(struct vcpu *v);
/* Does 'fences' (RFENCE_*) on this hart. */
void rfence_local(uint32_t fences);
/* Every fence a vCPU may owe, done as it is loaded on a hart. */
void rfence_local_all(void);

/* An SBI call (ecall from VS-mode, pc already past it). */
void sbi_handle(struct vcpu *v, struct vcpu_exit *e);
/* The guest's timer (Sstc's vstimecmp, or SBI's deadline) has passed. */
bool vtimer_due(const struct vcpu *v);
void vtimer_set(struct vcpu *v, uint64_t deadline);
/* The loaded vCPU has a deadline set (its vstimecmp or SBI timer). */
bool vtimer_armed(const struct vcpu *v);
void vtimer_load(struct vcpu *v);
void vtimer_put(struct vcpu *v);
void vtimer_vcpu_init(struct vcpu *v);

/* The VM's PLIC (vplic.c): one S-mode context per vCPU. */
int vplic_create(struct vm *vm);
void vplic_set_line(struct vm *vm, unsigned irq, bool level);
/* Gives the VM host PLIC source 'host' as its source 'guest' (the same
 * number): 0, -1 when it cannot be, -2 when the host's is taken. */
int vplic_forward(struct vm *vm, unsigned host, unsigned guest);
/* Frees the PLIC, its forwarded host interrupts first (drained). */
void vplic_destroy(struct vm *vm);

/* What the guest is to see pending as it enters, the fences others
 * asked of it done: the SSIP it left and others raised, the vPLIC's
 * output, and without Sstc the SBI timer. */
static inline void guest_irqs_load(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	uint64_t hvip;

	if (unlikely(READ_ONCE(a->inject) & ~INJECT_NO_SSTC)) {
		/* The vPLIC's output is read after its bit is taken: a change
		 * after this leaves the bit for the next exit. */
		uint64_t in = __atomic_fetch_and(&a->inject, INJECT_NO_SSTC,
						 __ATOMIC_ACQ_REL);
		if (in & INJECT_FENCES)
			rfence_local((uint32_t)(in >> INJECT_FENCE_SHIFT));
		a->hvip |= in & HIP_VSSIP;
	}
	hvip = a->hvip & HIP_VSSIP;
	if (READ_ONCE(a->eip))
		hvip |= HIP_VSEIP;
	if (!riscv_sstc && vtimer_due(v))
		hvip |= HIP_VSTIP;
	csrw(CSR_HVIP, hvip);
}

/* exit_resume()'s rare half (vcpu.c): fences others asked for,
 * interrupts others raised, the vPLIC's output changed, the SBI timer
 * without Sstc. */
unsigned exit_resume_slow(struct vcpu *v, unsigned how);

/* The end of an exit handled on the exit path: 'how' (GUEST_RESUME or
 * GUEST_RESUME_KEEP) after what the loop does before it enters the guest
 * (vcpu_arch_run()), or 'to_loop' when the vCPU was turned off or its
 * hart must reschedule: the loop then has the exit as EXIT_HANDLED. */
static inline unsigned exit_resume(struct vcpu *v, struct vcpu_exit *e,
				   unsigned how, unsigned to_loop)
{
	const struct vcpu_arch *a = &v->arch;

	if (unlikely(READ_ONCE(v->state) != VCPU_ON) ||
	    unlikely(sched_need_resched())) {
		e->kind = EXIT_HANDLED;
		return to_loop;
	}
	/* Fences, raised interrupts, the vPLIC's output changed, no Sstc. */
	if (unlikely(READ_ONCE(a->inject)))
		return exit_resume_slow(v, how);
	/* guest_irqs_load() has nothing to change: the hart's hvip holds the
	 * guest's VSSIP and the vPLIC's line as it was. */
	return how;
}

#endif

/* The SBI a guest calls with ecall from VS-mode (SBI v2.0 numbering):
 * BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, the legacy v0.1 calls, and
 * AxVisor's hypercall extension. Answered here, or turned into generic exits
 * (CPU_ON, CPU_OFF, HALT, SYSTEM_OFF, SYSTEM_RESET, HYPERCALL). An
 * extension or function not here returns SBI_ERR_NOT_SUPPORTED. */
#include <kernel/log.h>
#include <vmm/devices.h>
#include <vmm/vcpu.h>
#include "vmm_riscv64.h"

#define SBI_SUCCESS               0
#define SBI_ERR_FAILED            (-1)
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define EXT_LEGACY_MAX 0x0f
#define EXT_BASE       0x10
#define EXT_TIME       0x54494d45ul
#define EXT_IPI        0x735049ul
#define EXT_HSM        0x48534dul
#define EXT_SRST       0x53525354ul
#define EXT_DBCN       0x4442434eul
#define EXT_RFENCE     0x52464e43ul
#define EXT_HYPERCALL  SBI_EXT_HYPERCALL

#define LEGACY_SET_TIMER       0
#define LEGACY_PUTCHAR         1
#define LEGACY_GETCHAR         2
#define LEGACY_CLEAR_IPI       3
#define LEGACY_SEND_IPI        4
#define LEGACY_REMOTE_FENCE_I  5
#define LEGACY_SFENCE_VMA      6
#define LEGACY_SFENCE_VMA_ASID 7
#define LEGACY_SHUTDOWN        8

/* SBI v2.0; cvisor's implementation id (none is registered for it) and
 * version. */
#define SBI_SPEC_VERSION (2ul << 24)
#define SBI_IMPL_ID      0x63766973ul /* "cvis" */
#define SBI_IMPL_VERSION 1

#define HSM_STARTED   0
#define HSM_STOPPED   1
#define HSM_SUSPENDED 4

#define SUSPEND_RETENTIVE     0x00000000ul
#define SUSPEND_NON_RETENTIVE 0x80000000ul

static void ret(struct vcpu *v, long error, long value)
{
	v->arch.regs.x[10] = (uint64_t)error;
	v->arch.regs.x[11] = (uint64_t)value;
}

static bool sbi_has(unsigned long ext)
{
	switch (ext) {
	case EXT_BASE:
	case EXT_TIME:
	case EXT_IPI:
	case EXT_HSM:
	case EXT_SRST:
	case EXT_DBCN:
	case EXT_RFENCE:
	case EXT_HYPERCALL:
		return true;
	}
	return ext <= LEGACY_SHUTDOWN; /* the legacy calls */
}

static void __attribute__((noinline))
sbi_base(struct vcpu *v, unsigned long fid)
{
	const uint64_t *x = v->arch.regs.x;

	switch (fid) {
	case 0:
		ret(v, SBI_SUCCESS, SBI_SPEC_VERSION);
		return;
	case 1:
		ret(v, SBI_SUCCESS, SBI_IMPL_ID);
		return;
	case 2:
		ret(v, SBI_SUCCESS, SBI_IMPL_VERSION);
		return;
	case 3:
		ret(v, SBI_SUCCESS, sbi_has(x[10]));
		return;
	case 4: /* mvendorid, marchid, mimpid: 0 is a legal answer */
	case 5:
	case 6:
		ret(v, SBI_SUCCESS, 0);
		return;
	}
	ret(v, SBI_ERR_NOT_SUPPORTED, 0);
}

/* The vCPUs hart_mask and hart_mask_base name (base -1: every one), in
 * *set (bit = vCPU index); false if one of them does not exist. A VM's
 * hart ids are its vCPUs' indices (vcpu_arch_hwid), so the mask is the
 * set shifted by the base once no bit of it is past the last vCPU. */
_Static_assert(VMCFG_MAX_CPUS < 64, "a VM's vCPUs in a 64-bit set");
static bool sbi_hart_set(struct vcpu *v, uint64_t mask, uint64_t base,
			 uint64_t *set)
{
	unsigned n = v->vm->vcpu_count;

	*set = 0;
	if (base == UINT64_MAX) {
		*set = (1ull << n) - 1;
		return true;
	}
	if (!mask)
		return true;
	/* n - base is 1 to VMCFG_MAX_CPUS: a shift that is defined. */
	if (base >= n || mask >> (n - base))
		return false;
	*set = mask << base;
	return true;
}

static void sbi_send_ipis(struct vcpu *v, uint64_t set)
{
	for (unsigned i = 0; i < v->vm->vcpu_count; i++)
		if (set >> i & 1)
			vcpu_inject(v->vm->vcpus[i], HIP_VSSIP);
}

static void __attribute__((noinline)) sbi_ipi(struct vcpu *v, unsigned long fid)
{
	const uint64_t *x = v->arch.regs.x;
	uint64_t set;

	if (fid != 0) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	if (!sbi_hart_set(v, x[10], x[11], &set)) {
		ret(v, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	sbi_send_ipis(v, set);
	ret(v, SBI_SUCCESS, 0);
}

/* remote_fence_i, remote_sfence_vma(_asid) on the vCPUs hart_mask and
 * hart_mask_base name; the hfence ones are for harts with the H
 * extension, which a VM's have not. */
static void sbi_rfence(struct vcpu *v, unsigned long fid)
{
	const uint64_t *x = v->arch.regs.x;
	uint64_t set;

	if (fid > 2) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	if (!sbi_hart_set(v, x[10], x[11], &set)) {
		ret(v, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	rfence_request(v, set, fid == 0 ? RFENCE_I : RFENCE_VMA);
	ret(v, SBI_SUCCESS, 0);
}

static long hsm_status(struct vcpu *t)
{
	if (!vcpu_is_on(t))
		return HSM_STOPPED;
	return READ_ONCE(t->arch.suspended) ? HSM_SUSPENDED : HSM_STARTED;
}

/* Non-retentive: on wake-up the vCPU starts at 'resume' as hart_start
 * starts one (a0 = hart id, a1 = opaque, VS-mode, no translation, SIE
 * clear). */
static bool hsm_suspend_non_retentive(struct vcpu *v, uint64_t resume,
				      uint64_t opaque)
{
	struct guest_regs *r = &v->arch.regs;

	if ((resume & (VCPU_ENTRY_ALIGN - 1)) ||
	    !addrspace_gpa_to_host_perm(&v->vm->as, resume, VCPU_ENTRY_ALIGN,
					VMCFG_MEM_EXEC))
		return false;
	r->sepc = resume;
	r->x[10] = v->hwid;
	r->x[11] = opaque;
	r->sstatus |= SSTATUS_SPP;
	csrw(CSR_VSSTATUS, csrr(CSR_VSSTATUS) & ~SSTATUS_SIE);
	csrw(CSR_VSATP, 0);
	return true;
}

static void sbi_hsm_suspend(struct vcpu *v, struct vcpu_exit *e)
{
	const uint64_t *x = v->arch.regs.x;
	uint64_t type = x[10] & 0xffffffffull;

	if (type == SUSPEND_RETENTIVE) {
		ret(v, SBI_SUCCESS, 0);
	} else if (type == SUSPEND_NON_RETENTIVE) {
		if (!hsm_suspend_non_retentive(v, x[11], x[12])) {
			ret(v, SBI_ERR_INVALID_ADDRESS, 0);
			return;
		}
	} else {
		/* Reserved types are invalid; platform-specific ones
		 * (0x1000_0000-0x7fff_ffff, 0x9000_0000 up) not had. */
		bool reserved =
			type < 0x10000000ul ||
			(type > SUSPEND_NON_RETENTIVE && type < 0x90000000ul);
		ret(v, reserved ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED,
		    0);
		return;
	}
	v->arch.suspended = true;
	e->kind = EXIT_HALT;
}

static void sbi_hsm(struct vcpu *v, unsigned long fid, struct vcpu_exit *e)
{
	const uint64_t *x = v->arch.regs.x;
	struct vcpu *t;

	switch (fid) {
	case 0: /* hart_start(hartid, start_addr, opaque) */
		e->kind = EXIT_CPU_ON;
		e->cpu_on.target = x[10];
		e->cpu_on.entry = x[11];
		e->cpu_on.context = x[12];
		return;
	case 1: /* hart_stop */
		e->kind = EXIT_CPU_OFF;
		return;
	case 2: /* hart_get_status(hartid) */
		t = vm_vcpu_by_hwid(v->vm, x[10]);
		if (!t)
			ret(v, SBI_ERR_INVALID_PARAM, 0);
		else
			ret(v, SBI_SUCCESS, hsm_status(t));
		return;
	case 3:
		sbi_hsm_suspend(v, e);
		return;
	}
	ret(v, SBI_ERR_NOT_SUPPORTED, 0);
}

void vcpu_arch_cpu_on_done(struct vcpu *v, enum vcpu_on_result r)
{
	static const long err[] = {
		[VCPU_ON_OK] = SBI_SUCCESS,
		[VCPU_ON_NO_SUCH_CPU] = SBI_ERR_INVALID_PARAM,
		[VCPU_ON_BAD_ENTRY] = SBI_ERR_INVALID_ADDRESS,
		[VCPU_ON_ALREADY_ON] = SBI_ERR_ALREADY_AVAILABLE,
		[VCPU_ON_DENIED] = SBI_ERR_FAILED,
	};

	ret(v, err[r], 0);
}

/* system_reset(type, reason): of this VM only. */
static void sbi_srst(struct vcpu *v, unsigned long fid, struct vcpu_exit *e)
{
	const uint64_t *x = v->arch.regs.x;
	uint32_t type = (uint32_t)x[10], reason = (uint32_t)x[11];

	if (fid != 0) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	if (reason > 1 && reason < 0xe0000000u) {
		ret(v, SBI_ERR_INVALID_PARAM, 0); /* reserved reason */
		return;
	}
	switch (type) {
	case 0: /* shutdown */
		e->kind = EXIT_SYSTEM_OFF;
		return;
	case 1: /* cold reboot */
	case 2: /* warm reboot */
		e->kind = EXIT_SYSTEM_RESET;
		return;
	}
	ret(v,
	    type < 0xf0000000u ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED,
	    0);
}

/* Debug console: write(num, base_lo, base_hi), read(num, base_lo,
 * base_hi), write_byte(byte); guest-physical buffers in its RAM. At most
 * DBCN_MAX bytes a call (the spec lets fewer be taken than asked; the
 * count says how many): the exit path is no place for a guest to keep
 * cvisor printing. */
#define DBCN_MAX 256u
static void sbi_dbcn(struct vcpu *v, unsigned long fid)
{
	const uint64_t *x = v->arch.regs.x;
	struct vm *vm = v->vm;
	char *buf;
	uint64_t n = MIN(x[10], DBCN_MAX), i;

	if (fid == 2) {
		vm_console_putc(vm, (char)x[10]);
		ret(v, SBI_SUCCESS, 0);
		return;
	}
	if (fid > 1) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	/* console_read writes the guest's buffer: it must be writable to
	 * the guest (a read-only page stays read-only). */
	buf = x[12] ? NULL :
		      addrspace_gpa_to_host_perm(&vm->as, x[11], n ? n : 1,
						 fid ? VMCFG_MEM_WRITE :
						       VMCFG_MEM_READ);
	if (!buf) {
		ret(v, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	if (fid == 0) {
		for (i = 0; i < n; i++)
			vm_console_putc(vm, buf[i]);
	} else {
		int c = 0;
		for (i = 0; i < n && vm->arch.uart &&
			    (c = vuart16550_getchar(vm->arch.uart)) >= 0;
		     i++)
			buf[i] = (char)c;
	}
	ret(v, SBI_SUCCESS, (long)i);
}

/* The v0.1 calls: a7 is the call, a0 its result (a1 kept). */
static void sbi_legacy(struct vcpu *v, unsigned long ext, struct vcpu_exit *e)
{
	uint64_t *x = v->arch.regs.x;
	uint64_t mask = 0, set;
	int c;

	switch (ext) {
	case LEGACY_SET_TIMER:
		vtimer_set(v, x[10]);
		x[10] = 0;
		return;
	case LEGACY_PUTCHAR:
		vm_console_putc(v->vm, (char)x[10]);
		x[10] = 0;
		return;
	case LEGACY_GETCHAR:
		c = v->vm->arch.uart ? vuart16550_getchar(v->vm->arch.uart) :
				       -1;
		x[10] = (uint64_t)(long)c;
		return;
	case LEGACY_CLEAR_IPI:
		csrc(CSR_HVIP, HIP_VSSIP); /* the hart holds it (vmm_arch.h) */
		__atomic_fetch_and(&v->arch.inject, ~HIP_VSSIP,
				   __ATOMIC_RELAXED);
		x[10] = 0;
		return;
	case LEGACY_SEND_IPI:
		/* A pointer (a guest virtual address) to the mask; NULL:
		 * every hart. */
		if (x[10] && !arch_hlv_d(x[10], &mask)) {
			x[10] = (uint64_t)SBI_ERR_INVALID_ADDRESS;
			return;
		}
		if (!sbi_hart_set(v, mask, x[10] ? 0 : UINT64_MAX, &set)) {
			x[10] = (uint64_t)SBI_ERR_INVALID_PARAM;
			return;
		}
		sbi_send_ipis(v, set);
		x[10] = 0;
		return;
	case LEGACY_REMOTE_FENCE_I:
	case LEGACY_SFENCE_VMA:
	case LEGACY_SFENCE_VMA_ASID:
		if (x[10] && !arch_hlv_d(x[10], &mask)) {
			x[10] = (uint64_t)SBI_ERR_INVALID_ADDRESS;
			return;
		}
		if (!sbi_hart_set(v, mask, x[10] ? 0 : UINT64_MAX, &set)) {
			x[10] = (uint64_t)SBI_ERR_INVALID_PARAM;
			return;
		}
		rfence_request(v, set,
			       ext == LEGACY_REMOTE_FENCE_I ? RFENCE_I :
							      RFENCE_VMA);
		x[10] = 0;
		return;
	case LEGACY_SHUTDOWN:
		e->kind = EXIT_SYSTEM_OFF;
		return;
	}
	x[10] = (uint64_t)SBI_ERR_NOT_SUPPORTED;
}

static void __attribute__((noinline))
sbi_time(struct vcpu *v, unsigned long fid)
{
	if (fid != 0) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	vtimer_set(v, v->arch.regs.x[10]);
	ret(v, SBI_SUCCESS, 0);
}

/* Every extension but BASE, TIME and IPI: out of line, so that those
 * three's calls pay for none of the registers this one keeps (GCC saves
 * them before the first test otherwise). */
static void __attribute__((noinline))
sbi_handle_ext(struct vcpu *v, struct vcpu_exit *e, unsigned long ext,
	       unsigned long fid)
{
	uint64_t *x = v->arch.regs.x;

	switch (ext) {
	case EXT_HYPERCALL:
		e->kind = EXIT_HYPERCALL;
		e->hypercall.nr = fid;
		e->hypercall.args = &x[10];
		return;
	case EXT_HSM:
		sbi_hsm(v, fid, e);
		return;
	case EXT_SRST:
		sbi_srst(v, fid, e);
		return;
	case EXT_DBCN:
		sbi_dbcn(v, fid);
		return;
	case EXT_RFENCE:
		sbi_rfence(v, fid);
		return;
	}
	if (ext <= EXT_LEGACY_MAX) {
		sbi_legacy(v, ext, e);
		return;
	}
	pr_debug("VM %llu vCPU %u: SBI extension %#lx function %#lx at pc "
		 "%#llx: not supported",
		 (unsigned long long)v->vm->id, v->id, ext, fid,
		 (unsigned long long)v->arch.regs.sepc - 4);
	ret(v, SBI_ERR_NOT_SUPPORTED, 0);
}

void sbi_handle(struct vcpu *v, struct vcpu_exit *e)
{
	const uint64_t *x = v->arch.regs.x;

	/* The most frequent first (the hypercall extension is the exit
	 * path's, vcpu.c), each a tail call: this one keeps no frame. */
	if (likely(x[17] == EXT_BASE))
		sbi_base(v, x[16]);
	else if (x[17] == EXT_IPI)
		sbi_ipi(v, x[16]);
	else if (x[17] == EXT_TIME)
		sbi_time(v, x[16]);
	else
		sbi_handle_ext(v, e, x[17], x[16]);
}

/* The local APIC of each vCPU, in xAPIC mode at 0xfee0_0000 (Intel SDM
 * vol. 3, chapter 11; AMD APM vol. 2, chapter 16): ID, version, TPR, PPR,
 * EOI, LDR/DFR, SVR, ISR/TMR/IRR, ESR, ICR (fixed, lowest priority as
 * fixed, NMI, INIT, SIPI; physical and logical destinations, the
 * shorthands), and the timer (one-shot, periodic, TSC-deadline; the divide
 * register) counting at VLAPIC_BUS_HZ. The timer is a cvisor timer event
 * on the vCPU's pCPU, so it fires while the vCPU sleeps in HLT.
 *
 * x2APIC mode (IA32_APIC_BASE.EXTD, msr.c) has the same registers as
 * MSRs 0x800 + offset / 16 (SDM 11.12): a 32-bit ID (the vCPU's APIC
 * id), a read-only cluster LDR, no DFR, the ICR one 64-bit register with
 * a 32-bit destination, SELF IPI; EOI and ESR take 0 only. An MSR exit
 * has its registers in the VMCB and needs no instruction decoded, where
 * an access to the page is a nested page fault whose instruction cvisor
 * fetches and decodes (QEMU 7.2 gives no decode assists): EOI, the ICR
 * and the timer cost a guest less in x2APIC mode, as under KVM, which
 * offers x2APIC whatever the host has. */
#include <hal/hal.h>
#include <kernel/log.h>
#include <vmm/vcpu.h>
#include "svm.h"

#define REG_ID         0x020
#define REG_VER        0x030
#define REG_TPR        0x080
#define REG_APR        0x090
#define REG_PPR        0x0a0
#define REG_EOI        0x0b0
#define REG_LDR        0x0d0
#define REG_DFR        0x0e0
#define REG_SVR        0x0f0
#define REG_ISR        0x100
#define REG_TMR        0x180
#define REG_IRR        0x200
#define REG_ESR        0x280
#define REG_LVT_CMCI   0x2f0
#define REG_ICR_LO     0x300
#define REG_ICR_HI     0x310
#define REG_LVT0       0x320 /* timer; thermal, perf, LINT0, LINT1, error */
#define REG_LVT_ERR    0x370
#define REG_TIMER_INIT VLAPIC_TIMER_INIT
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DCR  0x3e0
#define REG_SELF_IPI   0x3f0 /* x2APIC mode only */

#define VERSION            0x00050014u /* integrated APIC, 6 LVT entries */
#define SVR_ENABLE         0x100u
#define LVT_MASK           0x10000u
#define LVT_TIMER_MODE(l)  ((l) >> 17 & 3)
#define TIMER_ONESHOT      0
#define TIMER_PERIODIC     1
#define TIMER_TSC_DEADLINE 2
#define LVT_TIMER_BITS     0x700ffu /* vector, mask, mode */
#define LVT_BITS           0x1a7ffu /* vector, delivery mode, polarity, trigger, mask */

#define ICR_VECTOR(i)    ((i)&0xff)
#define ICR_MODE(i)      ((i) >> 8 & 7)
#define ICR_LOGICAL      (1u << 11)
#define ICR_SHORTHAND(i) ((i) >> 18 & 3)
#define ICR_LO_BITS      0xcdfffu /* all but delivery status and reserved */
/* x2APIC's ICR, low half: vector, delivery and destination mode, level,
 * trigger, shorthand (no delivery status); the rest is reserved. */
#define ICR_X2_BITS 0xccfffull
#define MODE_FIXED  0
#define MODE_LOWEST 1
#define MODE_NMI    4
#define MODE_INIT   5
#define MODE_SIPI   6

/* APIC bus ticks to host TSC ticks and back, 32.32 fixed point. */
static uint64_t tsc_per_tick, ticks_per_tsc;

static struct vlapic *lapic(struct vcpu *v)
{
	return &v->arch.lapic;
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint64_t *r)
{
	/* Unrolled, highest word first: the interrupts in use are mostly
	 * high vectors (timers, IPIs). */
#define HIGHEST_IN(i)                                                  \
	do {                                                           \
		uint64_t w = __atomic_load_n(&r[i], __ATOMIC_ACQUIRE); \
		if (w)                                                 \
			return i * 64 + 63 - __builtin_clzll(w);       \
	} while (0)
	HIGHEST_IN(3);
	HIGHEST_IN(2);
	HIGHEST_IN(1);
	HIGHEST_IN(0);
#undef HIGHEST_IN
	return -1;
}

/* The 32-bit register 'i' (0-7) of a 256-bit one, as the guest reads it. */
static uint32_t reg32(const uint64_t *r, unsigned i)
{
	return (uint32_t)(__atomic_load_n(&r[i / 2], __ATOMIC_RELAXED) >>
			  32 * (i % 2));
}

static uint32_t ppr(struct vlapic *l)
{
	int isr = highest(l->isr);
	uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

	return (l->tpr & 0xf0) >= isrv ? l->tpr & 0xff : isrv;
}

/* vlapic_pending() for an IRR that is not empty. */
int vlapic_deliverable(struct vcpu *v)
{
	struct vlapic *l = lapic(v);
	int irr = highest(l->irr);

	if (irr < 0)
		return -1;
	if (!(l->svr & SVR_ENABLE))
		return -2;
	return ((uint32_t)irr & 0xf0) > (ppr(l) & 0xf0) ? irr : -2;
}

void vlapic_accept(struct vcpu *v, int vec)
{
	struct vlapic *l = lapic(v);

	__atomic_fetch_and(&l->irr[vec / 64], ~(1ull << (vec % 64)),
			   __ATOMIC_ACQ_REL);
	l->isr[vec / 64] |= 1ull << (vec % 64);
}

void vlapic_raise_trig(struct vcpu *v, unsigned vec, bool level)
{
	uint64_t bit = 1ull << (vec % 64);

	if (level)
		__atomic_fetch_or(&lapic(v)->tmr[vec / 64], bit,
				  __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&lapic(v)->tmr[vec / 64], ~bit,
				   __ATOMIC_RELAXED);
	vlapic_raise(v, vec);
}

void vlapic_raise(struct vcpu *v, unsigned vec)
{
	if (vec < 16) { /* an illegal vector: the receiver's ESR says so */
		__atomic_fetch_or(&lapic(v)->esr, 1u << 6, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_or(&lapic(v)->irr[vec / 64], 1ull << (vec % 64),
			  __ATOMIC_RELEASE);
	vcpu_kick(v);
}

void vlapic_set_tpr(struct vcpu *v, uint32_t tpr)
{
	lapic(v)->tpr = tpr & 0xff;
}

/* ---- the timer ---- */

static unsigned timer_divide(const struct vlapic *l)
{
	unsigned d = (l->dcr >> 1 & 4) | (l->dcr & 3);

	return d == 7 ? 1 : 2u << d;
}

static uint64_t ticks_to_tsc(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_per_tick) >> 32);
}

static uint64_t tsc_to_ticks(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * ticks_per_tsc) >> 32);
}

static void timer_stop(struct vlapic *l)
{
	timer_event_cancel(&l->ev);
	l->timer_deadline = 0;
}

static uint64_t timer_period(const struct vlapic *l)
{
	uint64_t p = ticks_to_tsc((uint64_t)l->timer_init * timer_divide(l));

	return p ? p : 1;
}

static void timer_fire(struct timer_event *ev)
{
	struct vcpu *v = container_of(ev, struct vcpu, arch.lapic.ev);
	struct vlapic *l = lapic(v);
	uint32_t lvt = l->lvt[1];

	if (!(lvt & LVT_MASK))
		vlapic_raise(v, lvt & 0xff);
	if (LVT_TIMER_MODE(lvt) == TIMER_PERIODIC && l->timer_init) {
		uint64_t now = hal_timer_now(), p = timer_period(l);
		/* Ticks missed while the host was busy are not made up. */
		l->timer_deadline += p;
		if (l->timer_deadline <= now) {
			/* A new phase: the current count follows it. */
			l->timer_start = now;
			l->timer_deadline = now + p;
		}
		timer_event_arm(&l->ev, l->timer_deadline);
	} else {
		l->timer_deadline = 0;
		if (LVT_TIMER_MODE(lvt) == TIMER_TSC_DEADLINE)
			l->tsc_deadline = 0;
	}
}

/* The count loaded at 'now' (in TSC ticks). */
static void timer_start(struct vlapic *l, uint64_t now)
{
	timer_event_cancel(&l->ev);
	if (!l->timer_init) {
		l->timer_deadline = 0;
		return;
	}
	l->timer_start = now;
	l->timer_deadline = l->timer_start + timer_period(l);
	timer_event_arm(&l->ev, l->timer_deadline);
}

/* The count from the time since it was loaded (the expiry's event may
 * not have run yet: the vCPU's own exit holds interrupts off): periodic
 * counts wrap, a one-shot count stays at 0. */
static uint32_t timer_current(const struct vlapic *l)
{
	if (!l->timer_deadline || !l->timer_init ||
	    LVT_TIMER_MODE(l->lvt[1]) == TIMER_TSC_DEADLINE)
		return 0;
	uint64_t ticks = tsc_to_ticks(hal_timer_now() - l->timer_start) /
			 timer_divide(l);
	if (LVT_TIMER_MODE(l->lvt[1]) == TIMER_PERIODIC)
		return l->timer_init - (uint32_t)(ticks % l->timer_init);
	return ticks >= l->timer_init ? 0 : l->timer_init - (uint32_t)ticks;
}

uint64_t vlapic_tsc_deadline(struct vcpu *v)
{
	struct vlapic *l = lapic(v);

	return LVT_TIMER_MODE(l->lvt[1]) == TIMER_TSC_DEADLINE ?
		       l->tsc_deadline :
		       0;
}

void vlapic_set_tsc_deadline(struct vcpu *v, uint64_t tsc)
{
	struct vlapic *l = lapic(v);

	if (LVT_TIMER_MODE(l->lvt[1]) != TIMER_TSC_DEADLINE)
		return; /* ignored in the other modes */
	timer_stop(l);
	l->tsc_deadline = tsc;
	if (!tsc)
		return;
	/* The guest's TSC is the host's plus the VMCB's offset. */
	l->timer_deadline = tsc - v->arch.vmcb->c.tsc_offset;
	timer_event_arm(&l->ev, l->timer_deadline);
}

/* ---- interrupt commands ---- */

/* An x2APIC's logical ID, its read-only LDR: the cluster (ID bits 31:4)
 * in bits 31:16, and bit ID[3:0] of 16. */
static uint32_t x2apic_ldr(uint32_t id)
{
	return (id >> 4) << 16 | 1u << (id & 0xf);
}

bool vlapic_match(struct vcpu *t, bool logical, uint32_t dest, bool wide)
{
	struct vlapic *l = lapic(t);

	if (dest == (wide ? 0xffffffffu : 0xffu))
		return true; /* broadcast */
	if (!logical)
		return t->hwid == dest;
	if (READ_ONCE(l->x2apic)) { /* its own to change, any time */
		/* An 8-bit destination (an xAPIC sender's, the IOAPIC's) read
		 * as a cluster one: cluster in bits 7:4, IDs in 3:0. */
		if (!wide)
			dest = (dest >> 4) << 16 | (dest & 0xf);
		uint32_t ldr = x2apic_ldr((uint32_t)t->hwid);
		return (ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff);
	}
	dest &= 0xff; /* an x2APIC sender's to an xAPIC: its low byte */
	uint32_t ldr = l->ldr >> 24;
	if ((l->dfr >> 28) == 0xf) /* flat */
		return ldr & dest;
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf); /* cluster */
}

/* INIT: a vCPU that runs stops, out of its guest, and waits for a SIPI
 * (powered off: the SIPI's CPU_ON resets it to real mode), as after
 * INIT on a CPU; the sender itself too, when the INIT names it. */
static void init_cpu(struct vcpu *t)
{
	struct vm *vm = t->vm;

	spin_lock(&vm->lock);
	if (t->state == VCPU_ON)
		t->state = VCPU_OFF;
	spin_unlock(&vm->lock);
	vcpu_kick(t);
}

static void send_one(struct vcpu *from, struct vcpu *t, uint32_t icr)
{
	struct vlapic *l = lapic(t);

	switch (ICR_MODE(icr)) {
	case MODE_FIXED:
	case MODE_LOWEST:
		vlapic_raise(t, ICR_VECTOR(icr));
		break;
	case MODE_NMI:
		__atomic_store_n(&t->arch.nmi_pending, 1, __ATOMIC_RELEASE);
		vcpu_kick(t);
		break;
	case MODE_INIT:
		/* Level de-assert INITs (the old MP protocol) do nothing. */
		if ((icr & 0xc000) == 0x8000)
			break;
		init_cpu(t);
		WRITE_ONCE(l->init_received, true);
		break;
	case MODE_SIPI:
		/* Only a CPU waiting for a SIPI after INIT takes one. */
		if (READ_ONCE(t->state) == VCPU_ON ||
		    !READ_ONCE(l->init_received))
			break;
		WRITE_ONCE(l->init_received, false);
		from->arch.sipi_targets |= 1ull << t->id;
		from->arch.sipi_vector = ICR_VECTOR(icr);
		break;
	default:
		pr_debug("VM %llu vCPU %u: ICR delivery mode %u ignored",
			 (unsigned long long)from->vm->id, from->id,
			 ICR_MODE(icr));
	}
}

static void icr_send(struct vcpu *v, uint32_t icr)
{
	struct vlapic *l = lapic(v);
	/* x2APIC: the ICR's bits 63:32, all of them; xAPIC: ICR_HI's 31:24. */
	uint32_t dest = l->x2apic ? l->icr_hi : l->icr_hi >> 24;

	for (unsigned i = 0; i < v->vm->vcpu_count; i++) {
		struct vcpu *t = v->vm->vcpus[i];
		bool hit;
		switch (ICR_SHORTHAND(icr)) {
		case 1:
			hit = t == v;
			break;
		case 2:
			hit = true;
			break;
		case 3:
			hit = t != v;
			break;
		default:
			hit = vlapic_match(t, icr & ICR_LOGICAL, dest,
					   l->x2apic);
			break;
		}
		if (hit)
			send_one(v, t, icr);
	}
}

/* ---- registers ---- */

static uint32_t reg_read(struct vcpu *v, unsigned off)
{
	struct vlapic *l = lapic(v);

	/* The single registers first (one jump table), the banks after. */
	switch (off) {
	case REG_ID:
		return l->x2apic ? (uint32_t)v->hwid : l->id;
	case REG_VER:
		return VERSION;
	case REG_TPR:
		return l->tpr;
	case REG_PPR:
		return ppr(l);
	case REG_LDR:
		return l->x2apic ? x2apic_ldr((uint32_t)v->hwid) : l->ldr;
	case REG_DFR:
		return l->dfr;
	case REG_SVR:
		return l->svr;
	case REG_ESR:
		return l->esr;
	case REG_ICR_LO:
		return l->icr_lo;
	case REG_ICR_HI:
		return l->icr_hi;
	case REG_TIMER_INIT:
		return l->timer_init;
	case REG_TIMER_CUR:
		return timer_current(l);
	case REG_TIMER_DCR:
		return l->dcr;
	default:
		break;
	}
	if (off >= REG_ISR && off < REG_ISR + 0x80)
		return reg32(l->isr, (off - REG_ISR) / 16);
	if (off >= REG_TMR && off < REG_TMR + 0x80)
		return reg32(l->tmr, (off - REG_TMR) / 16);
	if (off >= REG_IRR && off < REG_IRR + 0x80)
		return reg32(l->irr, (off - REG_IRR) / 16);
	if (off >= REG_LVT0 && off <= REG_LVT_ERR)
		return l->lvt[1 + (off - REG_LVT0) / 16];
	return 0; /* reserved, APR, RRD, EOI, CMCI */
}

/* The highest in service ends; a level-triggered one's EOI goes on to
 * the IOAPIC. */
static void eoi(struct vcpu *v)
{
	struct vlapic *l = lapic(v);
	int vec = highest(l->isr);

	if (vec < 0)
		return;
	l->isr[vec / 64] &= ~(1ull << (vec % 64));
	if (__atomic_load_n(&l->tmr[vec / 64], __ATOMIC_RELAXED) >> (vec % 64) &
	    1)
		vioapic_eoi(v->vm, (unsigned)vec);
}

static void lvt_write(struct vlapic *l, unsigned idx, uint32_t val)
{
	if (!(l->svr & SVR_ENABLE))
		val |= LVT_MASK; /* masked while the APIC is disabled */
	if (idx == 1) {
		uint32_t old = l->lvt[1];
		l->lvt[1] = val & LVT_TIMER_BITS;
		if (LVT_TIMER_MODE(old) != LVT_TIMER_MODE(val)) {
			timer_stop(l); /* a new mode disarms the timer */
			l->tsc_deadline = 0;
		}
		return;
	}
	l->lvt[idx] = val & LVT_BITS;
}

static void reg_write(struct vcpu *v, unsigned off, uint32_t val)
{
	struct vlapic *l = lapic(v);

	if (off >= REG_LVT0 && off <= REG_LVT_ERR) {
		lvt_write(l, 1 + (off - REG_LVT0) / 16, val);
		return;
	}
	switch (off) {
	case REG_TPR:
		l->tpr = val & 0xff;
		break;
	case REG_EOI:
		eoi(v);
		break;
	case REG_LDR:
		l->ldr = val & 0xff000000u;
		break;
	case REG_DFR:
		l->dfr = val | 0x0fffffffu;
		break;
	case REG_SVR:
		l->svr = val & 0x13ffu;
		if (!(val & SVR_ENABLE))
			for (unsigned i = 1; i < 7; i++)
				l->lvt[i] |= LVT_MASK;
		break;
	case REG_ESR:
		__atomic_store_n(&l->esr, 0, __ATOMIC_RELAXED);
		break;
	case REG_ICR_HI:
		l->icr_hi = val & 0xff000000u;
		break;
	case REG_ICR_LO:
		l->icr_lo = val & ICR_LO_BITS;
		icr_send(v, l->icr_lo);
		break;
	case REG_TIMER_INIT:
		if (LVT_TIMER_MODE(l->lvt[1]) == TIMER_TSC_DEADLINE)
			break; /* ignored in TSC-deadline mode */
		l->timer_init = val;
		/* Counting from the write's exit, not from its decode some
		 * hundreds of instructions later (QEMU 7.2 gives no decode
		 * assists): as a LAPIC counts from the write. */
		timer_start(l, v->arch.timer_write_tsc);
		break;
	case REG_TIMER_DCR:
		l->dcr = val & 0xb;
		break;
	default:
		break; /* read-only and reserved registers ignore writes */
	}
}

bool vlapic_access(struct vcpu *v, uint64_t off, unsigned width, bool write,
		   uint64_t *val)
{
	if (lapic(v)->x2apic)
		return false;
	/* Registers are 32 bits at 16-byte strides; other accesses read 0
	 * and write nothing (the SDM leaves them undefined). */
	if (width != 4 || (off & 0xf)) {
		pr_debug("VM %llu vCPU %u: LAPIC %s of %u bytes at %#llx ignored",
			 (unsigned long long)v->vm->id, v->id,
			 write ? "write" : "read", width,
			 (unsigned long long)off);
		if (!write)
			*val = 0;
		return true;
	}
	if (write)
		reg_write(v, (unsigned)off, (uint32_t)*val);
	else
		*val = reg_read(v, (unsigned)off);
	return true;
}

/* ---- x2APIC mode ---- */

/* The registers x2APIC mode has that RDMSR reads (SDM table 11-6): not
 * EOI and SELF IPI (write-only), nor APR, RRD, DFR, ICR_HI and CMCI's
 * LVT (this LAPIC has none: its version says 6 LVT entries). */
static bool x2apic_readable(unsigned off)
{
	switch (off) {
	case REG_ID:
	case REG_VER:
	case REG_TPR:
	case REG_PPR:
	case REG_LDR:
	case REG_SVR:
	case REG_ESR:
	case REG_ICR_LO:
	case REG_TIMER_INIT:
	case REG_TIMER_CUR:
	case REG_TIMER_DCR:
		return true;
	default:
		return (off >= REG_ISR && off < REG_IRR + 0x80) ||
		       (off >= REG_LVT0 && off <= REG_LVT_ERR);
	}
}

bool vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vlapic *l = lapic(v);
	unsigned off = (msr - X2APIC_MSR_BASE) << 4;

	if (!l->x2apic || !x2apic_readable(off))
		return false;
	*val = reg_read(v, off);
	if (off == REG_ICR_LO)
		*val |= (uint64_t)l->icr_hi << 32;
	return true;
}

bool vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *l = lapic(v);
	unsigned off = (msr - X2APIC_MSR_BASE) << 4;

	if (!l->x2apic)
		return false;
	if (off == REG_ICR_LO) { /* one write, the destination with it */
		if (val & 0xffffffffull & ~ICR_X2_BITS)
			return false;
		l->icr_hi = (uint32_t)(val >> 32);
		l->icr_lo = (uint32_t)val;
		icr_send(v, l->icr_lo);
		return true;
	}
	if (val >> 32)
		return false; /* the other registers are 32 bits */
	switch (off) {
	case REG_EOI:
	case REG_ESR:
		if (val)
			return false; /* 0 only */
		break;
	case REG_SELF_IPI: /* a fixed, edge-triggered IPI to itself */
		if (val > 0xff)
			return false;
		vlapic_raise(v, (unsigned)val);
		return true;
	case REG_TPR:
	case REG_TIMER_INIT: /* counting from timer_write_tsc (exit_msr()) */
	case REG_SVR:
	case REG_TIMER_DCR:
		break;
	default:
		if (off < REG_LVT0 || off > REG_LVT_ERR)
			return false; /* read-only, or none */
	}
	reg_write(v, off, (uint32_t)val);
	return true;
}

void vlapic_set_x2apic(struct vcpu *v, bool on)
{
	struct vlapic *l = lapic(v);

	if (!on) {
		/* Disabled, which cvisor does not emulate further: the APIC
		 * starts again from its reset state, in xAPIC mode. */
		vlapic_reset(v);
		return;
	}
	l->x2apic = true;
	l->icr_hi = 0; /* its xAPIC form means nothing now */
}

void vlapic_init(struct vcpu *v)
{
	uint64_t hz = hal_timer_freq();

	lapic(v)->ev.fn = timer_fire;
	if (!tsc_per_tick && hz) {
		tsc_per_tick = (hz << 32) / VLAPIC_BUS_HZ;
		ticks_per_tsc = (VLAPIC_BUS_HZ << 32) / hz;
	}
}

void vlapic_reset(struct vcpu *v)
{
	struct vlapic *l = lapic(v);

	timer_stop(l);
	for (unsigned i = 0; i < 4; i++) {
		__atomic_store_n(&l->irr[i], 0, __ATOMIC_RELAXED);
		l->isr[i] = l->tmr[i] = 0;
	}
	l->id = (uint32_t)v->hwid << 24;
	l->tpr = l->ldr = l->esr = l->icr_lo = l->icr_hi = 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (unsigned i = 0; i < 7; i++)
		l->lvt[i] = LVT_MASK;
	l->timer_init = l->dcr = 0;
	l->tsc_deadline = 0;
	l->init_received = false;
	l->x2apic = false;
}

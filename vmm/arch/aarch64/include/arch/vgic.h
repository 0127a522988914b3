/* The virtual GIC: interrupt state kept in software, delivered to the
 * guest through the list registers of the GIC's virtual CPU interface
 * (GICv3: ICH_*_EL2 system registers; GICv2: the GICH frame).
 *
 * Every interrupt has one software record (struct virq). An interrupt that
 * is deliverable (enabled, pending, its group enabled) and not yet in a
 * list register is queued on the vCPU it targets (a bitmap); the vCPU
 * moves queued interrupts into free list registers, highest priority
 * first, before it enters the guest (vgic_flush), and notices at its exits
 * which list registers the guest has finished with (vgic_sync). More
 * pending interrupts than list registers stay queued; an underflow
 * maintenance interrupt brings the vCPU out to refill them.
 *
 * The timers' PPIs are level-sensitive: their pending state follows the
 * timer's output, which the guest changes without an exit. The output is
 * sampled where the guest could see the difference (its reads of
 * ISPENDR0/ICPENDR0, its acknowledges, the vCPU going out to wait or
 * for another), and a pending state whose output dropped is taken back,
 * from the queue or from a list register the guest has not acknowledged.
 * While such a list register is pending and the guest could have changed
 * its timer since it was filled, the guest's acknowledges trap
 * (vgic_hw->trap_ack): it cannot take a stale one without an exit. */
#ifndef VGIC_H
#define VGIC_H

#include <kernel/irq.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

#define VGIC_NR_PRIVATE 32  /* SGIs 0-15, PPIs 16-31 */
#define VGIC_MAX_IRQS   256 /* INTIDs a VM can have: 224 SPIs */
#define VGIC_MAX_LRS    16
#define VGIC_NO_VCPU    0xff

#define VTIMER_PPI 27 /* EL1 virtual timer */
#define PTIMER_PPI 30 /* EL1 physical timer */

struct vm;
struct vcpu;

struct virq {
	uint8_t prio;
	uint8_t targets;     /* v2 GICD_ITARGETSR: a mask of vCPUs */
	uint8_t vcpu;        /* where it is delivered (index) */
	uint8_t sgi_sources; /* v2 SGIs: vCPUs that sent it, pending */
	uint8_t queued_on;   /* vCPU whose queue holds it, or none */
	bool enabled;
	bool pending; /* latched (edge, or set by the guest) */
	bool line;    /* level input from an emulated device */
	bool level;   /* configured level-sensitive */
	bool active;
	bool group1;
	bool in_lr;     /* held by a list register of 'vcpu' */
	bool hw_masked; /* forwarded host interrupt, held at the host
			   until the guest deactivates it: a host SPI
			   masked, a timer's PPI active (virq_linked) */
	bool recall;    /* changed by the guest while in a list
				     register: take it back (vgic_recall) */
	bool unpend;    /* ... and its pending state was cleared */
	uint16_t hwirq; /* host interrupt forwarded here, or 0 */
	uint64_t route; /* v3 GICD_IROUTER */
};

/* A timer's PPI, forwarded from the same host PPI of the vCPU's pCPU: a
 * list register links the two (LR_HW), and the host PPI stays active,
 * not masked, while the guest holds it. */
static inline bool virq_linked(const struct virq *q)
{
	return q->hwirq && q->hwirq < VGIC_NR_PRIVATE;
}

/* Per-vCPU state: its private interrupts, its queue, its list registers
 * (saved here while the vCPU is not loaded). */
/* The virtual timer's fast path (guest_entry.S: arch_guest_irq): the
 * exit vector itself puts the virtual timer's PPI into list register 0
 * when its host PPI fires, if the vGIC armed it to ('lr'), and leaves
 * what it did for the vGIC to take in at the next exit that reaches C
 * (vgic_fast_catch_up). Offsets in guest_entry.h. */
struct vgic_fast {
	uint64_t lr;     /* the list register to write; 0: not armed */
	uint32_t filled; /* the vector filled list register 0 since */
	uint32_t acked;  /* a host INTID + 1 it (or vcpu_arch_irq())
			    acknowledged, to handle */
};

struct vgic_cpu {
	struct vgic_fast fast;
	struct virq priv[VGIC_NR_PRIVATE];
	uint64_t queued[VGIC_MAX_IRQS / 64];
	/* Whether the queue has work (vgic_flush_queued()): both words in
	 * one, which the fast exits test with one load. */
	union {
		struct {
			uint32_t nr_queued;
			uint32_t resync; /* an interrupt it holds was raised
					    again */
		};
		uint64_t flush_due;
	};
	bool ack_trap;     /* the guest's acknowledges trap */
	uint32_t lr_used;  /* list registers holding an interrupt */
	uint32_t lr_eoi;   /* those that asked for an EOI maintenance */
	uint32_t lr_level; /* those holding a timer PPI the guest may
				     not have acknowledged yet */
	uint16_t lr_intid[VGIC_MAX_LRS];
	uint64_t lr[VGIC_MAX_LRS]; /* v3 encoding, also for v2 */
	uint32_t hcr;              /* ICH_HCR_EL2 / GICH_HCR */
	uint32_t vmcr;
	uint32_t apr0[4], apr1[4];
	bool rd_asleep; /* GICR_WAKER.ProcessorSleep */
};

struct vgic {
	spinlock_t lock;
	unsigned version;      /* 2 or 3: the VM's (virt_gic_version) */
	bool cpuif_soft;       /* a GICv2 on a v3 host (vgic_v2_soft.c) */
	bool fast_ok;          /* GICv3 on GICv3: vgic_fast may be armed */
	unsigned nr_irqs;      /* INTIDs, a multiple of 32 */
	bool grp0_on, grp1_on; /* GICD_CTLR enables */
	unsigned reports;      /* guest mistakes logged (vgic_report) */
	spinlock_t ack_lock;   /* v2: ack_traps and GICC's mapping; taken
				     within 'lock' if at all */
	unsigned ack_traps;    /* v2: vCPUs trapping their acknowledges
				     (GICC's first page unmapped meanwhile) */
	struct virq spi[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
	uint16_t fwd_intid[IRQ_MAX]; /* forwarded host SPI -> the guest's */
};

/* ICH_LR<n>_EL2 fields (the v2 list registers are converted). */
#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE  (2ull << 62)
#define LR_STATE_MASK    (3ull << 62)
#define LR_HW            (1ull << 61)
#define LR_GROUP1        (1ull << 60)
#define LR_PRIO_SHIFT    48
#define LR_EOI           (1ull << 41) /* maintenance at deactivation */
#define LR_PINTID_SHIFT  32

#define ICH_HCR_EN    (1u << 0)
#define ICH_HCR_UIE   (1u << 1)
#define ICH_HCR_TALL0 (1u << 11) /* trap the group 0 ICC registers */
#define ICH_HCR_TALL1 (1u << 12) /* ... and the group 1 ones */

/* ICH_VMCR_EL2 and GICH_VMCR alike: group 0 signalled as FIQ (v2; a v3
 * guest's group 0 always is). */
#define VMCR_FIQEN (1u << 3)

/* The list-register hardware of one GIC version. */
struct vgic_hw {
	unsigned nr_lrs;
	void (*write_lr)(unsigned i, uint64_t v3_lr);
	uint64_t (*read_lr)(unsigned i);
	uint32_t (*empty_lrs)(void); /* ICH_ELRSR: bit set = empty */
	uint32_t (*eoi_lrs)(void);   /* ICH_EISR: deactivated, EOI set */
	void (*write_hcr)(uint32_t hcr);
	uint32_t (*read_vmcr)(void);
	/* Starts (on) or stops trapping the guest's acknowledges: v3 traps
	 * its group registers (ICH_HCR_EL2.TALL0/1), v2 unmaps the first
	 * page of its GICC (accesses there are forwarded meanwhile). 'v' is
	 * 'loaded' when 'on'. */
	void (*trap_ack)(struct vcpu *v, bool on, bool loaded);
	void (*load)(struct vgic_cpu *c);
	void (*put)(struct vgic_cpu *c);
};
extern const struct vgic_hw *vgic_hw;

/* vgic.c: the state model. */
/* 'version' is the VM's GIC (virt_gic_version): a GICv2 on a GICv3
 * host has its CPU interface emulated (vgic_v2_soft_create). */
int vgic_create(struct vm *vm, unsigned version);
void vgic_destroy(struct vm *vm);
void vgic_reset(struct vm *vm);
void vgic_vcpu_reset(struct vcpu *v);
/* A vCPU powering on (boot, CPU_ON) starts with empty list registers:
 * what it held before it went off is dropped. Not loaded. */
void vgic_vcpu_power_on(struct vcpu *v);
struct virq *vgic_irq(struct vcpu *v, unsigned intid);
/* Re-evaluates where 'intid' should be queued after its state changed.
 * Caller holds the vgic lock. */
void vgic_update(struct vm *vm, struct vcpu *v, unsigned intid);
/* An SPI's delivery vCPU from its routing (v3 IROUTER, v2 targets). */
void vgic_route_spi(struct vm *vm, unsigned intid);
/* Raises SGI 'sgi' on 'target' from 'source' (the lock is taken). */
void vgic_send_sgi(struct vcpu *source, struct vcpu *target, unsigned sgi);
/* The guest disabled 'q', cleared its pending state ('unpend'), or
 * changed its group or priority while a list register of its vCPU holds
 * it: that vCPU takes it back before it next enters the guest, if the
 * guest has not acknowledged it yet. Caller holds the vgic lock. */
void vgic_recall(struct vm *vm, struct virq *q, bool unpend);
/* Marks a forwarded host interrupt pending in 'v' and keeps the host
 * source masked until the guest deactivates it. */
void vgic_inject_hw(struct vcpu *v, unsigned intid);
/* Gives host SPI 'host' to the VM as its SPI 'intid'. 0, -1 when either
 * is not an SPI (of the host, of the VM) or the VM's SPI is already
 * forwarded, -2 when the host interrupt has a user. */
int vgic_forward_spi(struct vm *vm, unsigned host, unsigned intid);
void vgic_flush(struct vcpu *v);
void vgic_sync(struct vcpu *v);
/* Samples the timers' levels for the pending state of their PPIs, in
 * the queue and in list registers (vCPU loaded, guest out). */
void vgic_sample_levels(struct vcpu *v);
/* Whether vgic_sample_levels() has anything to look at: a timer's PPI
 * raised and not yet done with, or a trap to lift. Inline: it is asked
 * each time a vCPU goes out. */
static inline bool vgic_levels_held(const struct vgic_cpu *c)
{
	return c->lr_level | c->ack_trap | c->priv[VTIMER_PPI].hw_masked |
	       c->priv[PTIMER_PPI].hw_masked;
}
/* A trapped acknowledge (or another group register's access) of the
 * guest: the timers' levels are sampled, the trap stops and the access
 * is retried in the guest. While a timer's list register stays pending,
 * the next deactivation of an interrupt the guest holds brings it out,
 * to trap again. */
void vgic_ack_trapped(struct vcpu *v);
bool vgic_has_pending(struct vcpu *v);
/* The virtual timer's fast path (struct vgic_fast). Arms it if the
 * vCPU's list registers and its timer's PPI allow (the vCPU loaded). */
void vgic_fast_arm(struct vcpu *v);
/* Disarms it: the PPI's state or its group's changed (anyone). */
void vgic_fast_disarm(struct vcpu *v);
/* The first exit after the vector filled list register 0: the vGIC's
 * model takes in what it did (the vCPU loaded, the guest out). */
void vgic_fast_catch_up(struct vcpu *v);
/* Once at start: the host's virtualisation support; -1 without it. */
int vgic_init(void);
/* GIC version specific setup: list-register ops, the CPU interface. */
int vgic_v3_probe(void);
int vgic_v2_probe(void);
int vgic_v2_map_cpu_interface(struct vm *vm);
/* vgic_v2_soft.c: the GICC of a GICv2 VM on a GICv3 host. */
int vgic_v2_soft_create(struct vm *vm);

/* vgic_dist.c / vgic_redist.c: the emulated registers. */
/* The per-interrupt registers (GICD 0x080-0xcff layout) of INTIDs
 * [lo, hi), with 'v' the vCPU whose private interrupts are seen. */
bool vgic_irq_regs_access(struct vcpu *v, unsigned lo, unsigned hi,
			  uint64_t off, unsigned width, bool write,
			  uint64_t *val);
int vgic_dist_create(struct vm *vm);
int vgic_redist_create(struct vm *vm);
/* True while a guest mistake the vGIC answers (an access of a width a
 * register does not have, SGIs to absent vCPUs) should still be logged:
 * the first few per VM, so that a guest repeating it in a loop cannot
 * keep cvisor printing. */
bool vgic_report(struct vm *vm);
/* An aligned access to 'frame' at 'off' of a width no register there
 * has: logged (vgic_report) and answered as RAZ/WI. False (an abort)
 * when unaligned. */
bool vgic_odd_access(struct vm *vm, const char *frame, uint64_t off,
		     unsigned width, bool write, uint64_t *val);
/* Whether ICH_HCR_EL2 traps the guest's acknowledges now. */
bool vgic_v3_ack_trapping(void);
/* ICC_SGI1R_EL1 written by the guest (GICv3). */
void vgic_v3_sgi1r(struct vcpu *v, uint64_t val);
/* Whether a trapped MRS/MSR (its ISS) is of a register that only
 * ICH_HCR_EL2.TALL0/1 trap (vgic_hw->trap_ack), so trapped for that: op0
 * 3, op1 0, CRn 12 and CRm 8 (group 0's), 9 (AP1Rn) or 12 (group 1's)
 * but for ICC_CTLR_EL1 and ICC_SRE_EL1 (op2 4, 5). */
static inline bool vgic_v3_trapped_ack(uint32_t iss)
{
	unsigned crm = iss >> 1 & 0xf, op2 = iss >> 17 & 7;

	if ((iss & (3u << 20 | 7u << 14 | 0xfu << 10)) !=
	    (3u << 20 | 12u << 10))
		return false;
	return (0x1300u >> crm & 1) && !(crm == 12 && (op2 == 4 || op2 == 5));
}

/* vtimer.c */
void vtimer_init(void);
void vtimer_vcpu_init(struct vcpu *v);
void vtimer_load(struct vcpu *v);
void vtimer_put(struct vcpu *v);
void vtimer_stop(struct vcpu *v);
/* Whether the output of the loaded vCPU's timer 'intid' (27 or 30) is
 * up: ENABLE set, IMASK clear, ISTATUS set. */
bool vtimer_level(unsigned intid);
/* A forwarded host interrupt the guest no longer holds: a host SPI is
 * unmasked, a timer's PPI deactivated (the vCPU is loaded here). */
void vgic_hw_unmask(struct vcpu *v, struct virq *q);

#endif

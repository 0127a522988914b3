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
 * maintenance interrupt brings the vCPU out to refill them. */
#ifndef VGIC_H
#define VGIC_H

#include <kernel/irq.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

#define VGIC_NR_PRIVATE  32        /* SGIs 0-15, PPIs 16-31 */
#define VGIC_MAX_IRQS    256       /* INTIDs a VM can have: 224 SPIs */
#define VGIC_MAX_LRS     16
#define VGIC_NO_VCPU     0xff

#define VTIMER_PPI       27        /* EL1 virtual timer */
#define PTIMER_PPI       30        /* EL1 physical timer */

struct vm;
struct vcpu;

struct virq {
	uint8_t prio;
	uint8_t targets;          /* v2 GICD_ITARGETSR: a mask of vCPUs */
	uint8_t vcpu;             /* where it is delivered (index) */
	uint8_t sgi_sources;      /* v2 SGIs: vCPUs that sent it, pending */
	uint8_t queued_on;        /* vCPU whose queue holds it, or none */
	bool enabled;
	bool pending;             /* latched (edge, or set by the guest) */
	bool line;                /* level input from an emulated device */
	bool level;               /* configured level-sensitive */
	bool active;
	bool group1;
	bool in_lr;               /* held by a list register of 'vcpu' */
	bool hw_masked;           /* forwarded host interrupt, masked at the
				     host until the guest deactivates it */
	bool recall;              /* changed by the guest while in a list
				     register: take it back (vgic_recall) */
	bool unpend;              /* ... and its pending state was cleared */
	uint16_t hwirq;           /* host interrupt forwarded here, or 0 */
	uint64_t route;           /* v3 GICD_IROUTER */
};

/* Per-vCPU state: its private interrupts, its queue, its list registers
 * (saved here while the vCPU is not loaded). */
struct vgic_cpu {
	struct virq priv[VGIC_NR_PRIVATE];
	uint64_t queued[VGIC_MAX_IRQS / 64];
	unsigned nr_queued;
	bool resync;              /* an interrupt it holds was raised again */
	uint32_t lr_used;         /* list registers holding an interrupt */
	uint32_t lr_eoi;          /* those that asked for an EOI maintenance */
	uint16_t lr_intid[VGIC_MAX_LRS];
	uint64_t lr[VGIC_MAX_LRS];   /* v3 encoding, also for v2 */
	uint32_t hcr;             /* ICH_HCR_EL2 / GICH_HCR */
	uint32_t vmcr;
	uint32_t apr0[4], apr1[4];
	bool rd_asleep;           /* GICR_WAKER.ProcessorSleep */
};

struct vgic {
	spinlock_t lock;
	unsigned version;         /* 2 or 3, as the host */
	unsigned nr_irqs;         /* INTIDs, a multiple of 32 */
	bool grp0_on, grp1_on;    /* GICD_CTLR enables */
	unsigned reports;         /* guest mistakes logged (vgic_report) */
	struct virq spi[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
	uint16_t fwd_intid[IRQ_MAX];  /* forwarded host SPI -> the guest's */
};

/* ICH_LR<n>_EL2 fields (the v2 list registers are converted). */
#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE  (2ull << 62)
#define LR_STATE_MASK    (3ull << 62)
#define LR_HW            (1ull << 61)
#define LR_GROUP1        (1ull << 60)
#define LR_PRIO_SHIFT    48
#define LR_EOI           (1ull << 41)   /* maintenance at deactivation */
#define LR_PINTID_SHIFT  32

#define ICH_HCR_EN       (1u << 0)
#define ICH_HCR_UIE      (1u << 1)

/* The list-register hardware of one GIC version. */
struct vgic_hw {
	unsigned nr_lrs;
	void (*write_lr)(unsigned i, uint64_t v3_lr);
	uint64_t (*read_lr)(unsigned i);
	uint32_t (*empty_lrs)(void);   /* ICH_ELRSR: bit set = empty */
	uint32_t (*eoi_lrs)(void);     /* ICH_EISR: deactivated, EOI set */
	void (*write_hcr)(uint32_t hcr);
	void (*load)(struct vgic_cpu *c);
	void (*put)(struct vgic_cpu *c);
};
extern const struct vgic_hw *vgic_hw;

/* vgic.c: the state model. */
int vgic_create(struct vm *vm);
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
bool vgic_has_pending(struct vcpu *v);
/* Once at start: the host's virtualisation support; -1 without it. */
int vgic_init(void);
/* GIC version specific setup: list-register ops, the CPU interface. */
int vgic_v3_probe(void);
int vgic_v2_probe(void);
int vgic_v2_map_cpu_interface(struct vm *vm);

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
/* ICC_SGI1R_EL1 written by the guest (GICv3). */
void vgic_v3_sgi1r(struct vcpu *v, uint64_t val);

/* vtimer.c */
void vtimer_init(void);
void vtimer_vcpu_init(struct vcpu *v);
void vtimer_load(struct vcpu *v);
void vtimer_put(struct vcpu *v);
void vtimer_stop(struct vcpu *v);
/* A forwarded host interrupt the guest has deactivated: unmask it. */
void vgic_hw_unmask(struct vcpu *v, struct virq *q);

#endif

/* The aarch64 side of the test guests' runtime: the inline pieces every
 * arch provides (counter, interrupt masking) and what only aarch64 has
 * (PSCI, the GIC, ESR-based traps). Included by <guest.h>. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdint.h>

/* The register main() gets the DTB's address in, as the guest sees it. */
#define GUEST_DTB_REG "x0"
/* The VM's RAM starts here (QEMU virt's layout; the configs say so). */
#define GUEST_RAM_BASE 0x40000000ul
/* The virtio-blk a kernel.disk_path gives the VM (QEMU virt's first
 * virtio-mmio transport). */
#define GUEST_VIRTIO_BASE 0x0a000000ul
/* The interrupt an IVC notify raises when the config names none: the
 * VM's last SPI on QEMU virt's GIC (docs/hypercalls.md). */
#define GUEST_IVC_LINE 255u
/* The IVC line configs/vms/ivccons-aarch64.toml names (an SPI). */
#define GUEST_IVC_NAMED_LINE 60u

/* A PSCI call over HVC. */
uint64_t guest_psci(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);

/* Synchronous exceptions taken at EL1 (lib/trap.S). */
struct guest_trap {
	uint64_t count;
	uint64_t esr, far, elr; /* of the last one */
};
extern volatile struct guest_trap guest_trap;
/* Called for an IRQ taken at EL1 (lib/gic.c acknowledges and dispatches). */
void guest_irq(void);

static inline uint64_t guest_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t guest_counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* The VM's GIC (lib/gic.c): returns the version, 2 or 3. */
unsigned gic_init(void (*handler)(unsigned intid));
unsigned gic_get_version(void);  /* gic_init()'s answer */
void gic_cpu_init(unsigned cpu); /* on each vCPU */
void gic_enable_private(unsigned cpu, unsigned intid);
void gic_enable_spi(unsigned intid, unsigned cpu);
void gic_send_sgi(unsigned cpu, unsigned sgi);
/* GICv2 keeps only the top 5 bits of a priority. */
void gic_set_priority(unsigned cpu, unsigned intid, uint8_t prio);
void gic_set_pmr(uint8_t prio); /* signalled: priority < pmr */
/* GICD_CTLR: the distributor's group 1 (v3; v2: forwarding) on or off. */
void gic_dist_enable(bool on);
/* ISPENDR0 of 'cpu' (v3: its redistributor; v2: the caller's bank). */
uint32_t gic_pending_private(unsigned cpu);
/* IRQ entries whose first acknowledge read 1023 (spurious). */
extern volatile unsigned gic_spurious;

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}
static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}
/* With interrupts masked: wait for one, take it, mask again. Call in a
 * loop around the condition the handler changes. */
static inline void wait_irq_masked(void)
{
	__asm__ volatile("wfi\n\tmsr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::
				 : "memory");
}
static inline void cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}
static inline void full_barrier(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

#define PSCI_VERSION       0x84000000u
#define PSCI_CPU_OFF       0x84000002u
#define PSCI_CPU_ON        0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u
#define PSCI_FEATURES      0x8400000au

#endif

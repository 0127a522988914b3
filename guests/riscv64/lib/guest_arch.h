/* The riscv64 side of the test guests' runtime: the inline pieces every
 * arch provides (counter, interrupt masking) and what only riscv64 has
 * (SBI calls, scause-based traps). Included by <guest.h>. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdint.h>

/* The register main() gets the DTB's address in, as the guest sees it. */
#define GUEST_DTB_REG "a1"
/* The VM's RAM starts here (QEMU virt's layout; the configs say so). */
#define GUEST_RAM_BASE 0x80000000ul
/* The virtio-blk a kernel.disk_path gives the VM (QEMU virt's first
 * virtio-mmio transport). */
#define GUEST_VIRTIO_BASE 0x10001000ul
/* The interrupt an IVC notify raises when the config names none: the
 * vPLIC's last source (docs/hypercalls.md). */
#define GUEST_IVC_LINE 95u
/* The IVC line configs/vms/ivccons-riscv64.toml names (a PLIC source). */
#define GUEST_IVC_NAMED_LINE 60u

struct sbiret {
	long error;
	long value;
};
/* An SBI call: extension, function, three arguments. */
struct sbiret guest_sbi(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2);

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45ul
#define SBI_EXT_IPI  0x735049ul
#define SBI_EXT_HSM  0x48534dul
#define SBI_EXT_SRST 0x53525354ul
#define SBI_EXT_DBCN 0x4442434eul

/* Synchronous exceptions (lib/trap.S, lib/runtime.c). */
struct guest_trap {
	uint64_t count;
	uint64_t scause, stval, sepc; /* of the last one */
};
extern volatile struct guest_trap guest_trap;
/* Runs fn in U-mode (no translation: the same addresses) until it makes
 * an ecall, which comes back here. */
void guest_user_run(void (*fn)(void));

/* Interrupt numbers the handler gets besides IPIs 0-7: a local
 * interrupt is 16 + its scause code, PLIC source n is 32 + n. */
#define GUEST_IRQ_LOCAL(c) (16u + (c))
#define GUEST_IRQ_STIMER   GUEST_IRQ_LOCAL(5)
#define GUEST_IRQ_PLIC(n)  (32u + (n))

#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

#define csr_read(csr)                                                    \
	({                                                               \
		uint64_t v_;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)::"memory"); \
		v_;                                                      \
	})
#define csr_write(csr, v) \
	__asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline uint64_t guest_counter(void)
{
	return csr_read(time);
}

/* /cpus/timebase-frequency of the DTB the VM booted with. */
uint64_t guest_counter_freq(void);
/* /chosen/bootargs of that DTB, or "". */
const char *guest_bootargs(void);
/* The hart id of vCPU 'index' (0: the boot hart), which SBI calls
 * name: under OpenSBI alone the boot hart may be any. */
uint64_t guest_cpu_hwid(unsigned index);

static inline void irq_enable(void)
{
	csr_set(sstatus, 2);
}
static inline void irq_disable(void)
{
	csr_clear(sstatus, 2);
}
/* With interrupts masked: wait for one, take it, mask again (WFI returns
 * for one pending and enabled in sie, whatever sstatus.SIE says). */
static inline void wait_irq_masked(void)
{
	__asm__ volatile("wfi\n\tcsrsi sstatus, 2\n\tcsrci sstatus, 2" ::
				 : "memory");
}
static inline void cpu_relax(void)
{
	__asm__ volatile(".word 0x0100000f" ::: "memory"); /* pause */
}
static inline void full_barrier(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

#endif

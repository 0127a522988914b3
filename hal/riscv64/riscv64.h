/* Internal interface between the files of hal/riscv64. */
#ifndef HAL_RISCV64_H
#define HAL_RISCV64_H

#include <arch/csr.h>
#include <kernel/types.h>

/* sstatus, sie/sip and scause bits (privileged spec, S-mode CSRs). */
#define SSTATUS_SIE (1ull << 1)
#define SIE_SSIE    (1ull << 1) /* supervisor software interrupt */
#define SIE_STIE    (1ull << 5) /* supervisor timer interrupt */
#define SIE_SEIE    (1ull << 9) /* supervisor external interrupt */
#define SCAUSE_IRQ  (1ull << 63)

/* ---- SBI (firmware) calls: sbi.c ---- */
#define SBI_EXT_TIME 0x54494d45ul /* "TIME" */
#define SBI_EXT_IPI  0x735049ul   /* "sPI" */
#define SBI_EXT_HSM  0x48534dul   /* "HSM" */
#define SBI_EXT_SRST 0x53525354ul /* "SRST" */

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2);
void sbi_set_timer(uint64_t stime);
int sbi_send_ipi(uint64_t hartid);

/* ---- boot and platform ---- */
/* Another hart was started: spin-waits end the hart's emulated turn
 * (hal_cpu_relax, cpu.c, for QEMU 7.2's -icount). */
extern bool arch_smp_yield;
extern uint64_t arch_boot_dtb;
extern uint64_t arch_boot_hartid;

/* Builds the Sv39 identity map for RAM [ram_base, ram_end) and the
 * devices in the first GiB (boot CPU, once), then turns translation on
 * (every CPU, from hal_cpu_init). */
void arch_mmu_build(paddr_t ram_base, paddr_t ram_end);
void arch_mmu_enable(void);

void uart16550_init(paddr_t base, unsigned reg_shift, unsigned plic_source);
/* The host PLIC at 'base' (from the DTB; 0: none), its S-mode context of
 * hart h being 2h + 1 as on QEMU's virt. */
void plic_set_base(paddr_t base);
bool plic_present(void);
void arch_timer_set_freq(uint64_t hz);
/* Finds whether S-mode writes stimecmp itself (boot hart, once). */
void arch_timer_probe(void);
/* Whether the timer interrupt now pending is only the 1 ms yield tick of
 * several harts (timer.c), nothing asked for due yet. */
bool arch_timer_yield_tick(void);

#endif

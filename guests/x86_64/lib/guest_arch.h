/* The x86_64 side of the test guests' runtime: the inline pieces every
 * arch provides (counter, interrupt masking) and what only x86_64 has
 * (port I/O, MSRs, CPUID, the local APIC). Included by <guest.h>. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* PC guests get no DTB: main() gets 0 (the Multiboot information is
 * read by the runtime). */
#define GUEST_DTB_REG "(none: Multiboot)"
/* The VM's RAM starts at 0 (the PC layout; the configs say so). */
#define GUEST_RAM_BASE 0x0ul
/* The interrupt an IVC notify raises when the config names none: the
 * IOAPIC's last pin (docs/hypercalls.md). */
#define GUEST_IVC_LINE 23u
/* The IVC line configs/vms/ivccons-x86_64.toml names (an IOAPIC pin). */
#define GUEST_IVC_NAMED_LINE 22u

/* A PC's bus answers every address: where nothing is, reads get all
 * ones and writes go nowhere (guests/common/abort). */
#define GUEST_BUS_READS_ONES 1

#define LAPIC_BASE     0xfee00000ul
#define LAPIC_REG(off) (*(volatile uint32_t *)(LAPIC_BASE + (off)))
/* The same register in x2APIC mode: an MSR (the ICR, 0x830, is one
 * 64-bit register with the destination in its high half). */
#define X2APIC_MSR(off) (0x800u + ((off) >> 4))
#define X2APIC_ICR      0x830u

/* Interrupt vectors: IPI n is vector GUEST_IPI_VECTOR + n (the handler
 * sees n); any other vector reaches the handler as its number. */
#define GUEST_IPI_VECTOR   0x40u
#define GUEST_TIMER_VECTOR 0x30u
#define GUEST_SPURIOUS     0xffu

/* Exceptions (lib/runtime.c): each is counted and recorded; the guest
 * goes on at guest_trap.resume when it set one, else it reports and
 * powers off. */
struct guest_trap {
	uint64_t count;
	uint64_t vector, error, rip; /* of the last one */
	uint64_t resume;             /* where to go on, once; 0: nowhere */
	uint64_t nmis;               /* NMIs taken (not counted above) */
};
extern volatile struct guest_trap guest_trap;
/* Called from the NMI handler, if set; the deepest NMI nesting seen. */
extern void (*volatile guest_nmi_hook)(void);
extern volatile unsigned guest_nmi_depth_max;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Whether this vCPU's LAPIC is in x2APIC mode (lib/runtime.c: the
 * second word of its GS area). */
static inline int guest_x2apic(void)
{
	uint64_t on;
	__asm__ volatile("mov %%gs:8, %0" : "=r"(on));
	return (int)on;
}
/* The calling vCPU's LAPIC register at 'off' (its xAPIC offset), in
 * either mode. */
static inline uint32_t lapic_read(unsigned off)
{
	return guest_x2apic() ? (uint32_t)rdmsr(X2APIC_MSR(off)) :
				LAPIC_REG(off);
}
static inline void lapic_write(unsigned off, uint32_t v)
{
	if (guest_x2apic())
		wrmsr(X2APIC_MSR(off), v);
	else
		LAPIC_REG(off) = v;
}
/* Puts the calling vCPU's LAPIC in x2APIC mode if CPUID says it has one
 * (a Multiboot command line with "x2apic" has every vCPU do so as it
 * starts); 0 if it has none. */
int guest_x2apic_enable(void);
/* Out of x2APIC mode, as the SDM allows: disabled, then enabled in xAPIC
 * mode, which starts from the LAPIC's reset state. */
void guest_x2apic_leave(void);

static inline uint64_t guest_counter(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
/* The Multiboot information structure the VM booted with (ebx). */
extern uint32_t guest_mbi;
/* Its command line and its length; 0 when it has none. */
const char *guest_cmdline(size_t *len);

/* The TSC's rate, from cvisor's timing leaf (CPUID 0x4000_0010). */
uint64_t guest_counter_freq(void);
/* The LAPIC timer's rate, from the same leaf. */
uint64_t guest_lapic_freq(void);

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}
/* With interrupts masked: wait for one, take it, mask again (STI's
 * shadow covers the HLT, so none is taken between them and lost). */
static inline void wait_irq_masked(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
/* With interrupts masked: let one that is pending in, for one
 * instruction. A NOP, not a PAUSE, in STI's shadow: QEMU 7.2 leaves the
 * shadow on after a PAUSE (its helper ends the block before the shadow's
 * end is marked), so that "sti; pause; cli" never takes an interrupt
 * (docs/x86_64.md). */
static inline void irq_window(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}
static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}
static inline void full_barrier(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

#endif

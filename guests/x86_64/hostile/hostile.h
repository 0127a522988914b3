/* The x86_64 hostile guest's parts (tests/groups/qemu-x86_64-hostile.sh):
 * each probes one class of misbehaviour and prints its verdicts. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>
#include <guest.h>

#define RAM_END       0x1000000ul
#define PATTERN_START 0x400000ul
#define IOAPIC_BASE   0xfec00000ul
#define VEC_UD        6
#define VEC_GP        13
#define VEC_PF        14

/* Prints "hostile: <what>: PASS" or FAIL (counted). */
void verdict(const char *what, bool ok);
/* Prints "hostile: <what>: FAIL: got G, want W" when got != want. */
bool expect_eq(const char *what, uint64_t got, uint64_t want);
uint64_t junk(void);

/* The instruction 'insn' (a string of asm) run with the trap handler set
 * to go on after it; the registers as named. The trap count tells. */
#define GUARDED(insn, ...)                                                   \
	__asm__ volatile(                                                    \
		"leaq 1f(%%rip), %%r11\n\t"                                  \
		"movq %%r11, guest_trap+%c[resume_off](%%rip)\n\t" insn "\n" \
		"1:\n\t"                                                     \
		"movq $0, guest_trap+%c[resume_off](%%rip)" __VA_ARGS__)
#define RESUME_OFF [resume_off] "i"(offsetof(struct guest_trap, resume))

/* Whether one trap, 'vector', came since the count was 'before'. */
bool trapped(uint64_t before, uint64_t vector);
/* RDMSR and WRMSR, guarded: whether they took #GP. */
bool rdmsr_faults(uint32_t msr, uint64_t *val);
bool wrmsr_faults(uint32_t msr, uint64_t val);

void hostile_memory(void);
void hostile_cpu(void);
void hostile_lapic(void);
void hostile_ioapic(void);
void hostile_ports(void);
void hostile_ipis(void);
void hostile_x2apic(void);
/* A fixed IPI to ourselves is taken (within 0.1 s of counter time). */
bool self_ipi_arrives(void);

/* vCPU 1: takes IPIs until asked to stop. */
extern volatile unsigned second_ipis;
void second_main(unsigned cpu);

#endif

/* The small runtime of the in-tree test guests. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

void guest_puts(const char *s);
void guest_put_hex(uint64_t v);
/* cvisor's hypercall ABI: number, up to three arguments; result. */
uint64_t guest_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);
/* A PSCI call over HVC. */
uint64_t guest_psci(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);
void guest_power_off(void) __attribute__((noreturn));

#define GUEST_MAX_CPUS  8

/* Starts vCPU 'index' (hardware id 'hwid') in fn(index) on a stack of its
 * own; the vCPU powers off when fn returns. The PSCI result. */
uint64_t guest_cpu_on(unsigned index, uint64_t hwid, void (*fn)(unsigned));
void guest_cpu_off(void) __attribute__((noreturn));

#define PSCI_VERSION        0x84000000u
#define PSCI_CPU_OFF        0x84000002u
#define PSCI_CPU_ON         0xc4000003u
#define PSCI_AFFINITY_INFO  0xc4000004u
#define PSCI_SYSTEM_OFF     0x84000008u
#define PSCI_SYSTEM_RESET   0x84000009u
#define HC_DEBUG            2

#endif

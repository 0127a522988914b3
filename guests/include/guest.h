/* The in-tree test guests' interface, the same on every arch. What a guest
 * program in guests/common/ may use; each arch's runtime in
 * guests/<arch>/lib/ implements it, and its <guest_arch.h> adds the inline
 * pieces (counter, interrupt masking) and what only that arch has. */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <guest_arch.h>

/* The console: the VM's UART (guests/<arch>/lib); the rest of the
 * printing is arch-neutral (guests/common/lib/print.c). */
void guest_putc(char c);
void guest_puts(const char *s);
void guest_put_hex(uint64_t v);
void guest_put_dec(uint64_t v);

/* cvisor's hypercall ABI (docs/hypercalls.md): number, up to three
 * arguments; the result. */
uint64_t guest_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);
/* The same with a fourth argument (IVC Subscribe). */
uint64_t guest_hypercall4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3);
#define HC_DEBUG           2
#define HC_IVC_PUBLISH     3
#define HC_IVC_SUBSCRIBE   4
#define HC_IVC_UNPUBLISH   5
#define HC_IVC_UNSUBSCRIBE 6
#define HC_IVC_NOTIFY      16

void guest_power_off(void) __attribute__((noreturn));
/* Reboots the VM; returns only if the firmware interface refused. */
void guest_system_reset(void);
/* Prints the firmware interface's version as the VM sees it (PSCI, SBI). */
void guest_firmware_report(void);

#define GUEST_MAX_CPUS 8

/* Starts vCPU 'index' (hardware id 'hwid') in fn(index) on a stack of its
 * own; the vCPU powers off when fn returns. 0, or the firmware's error. */
uint64_t guest_cpu_on(unsigned index, uint64_t hwid, void (*fn)(unsigned));
void guest_cpu_off(void) __attribute__((noreturn));
/* Whether the vCPU of hardware id 'hwid' is off (PSCI AFFINITY_INFO says
 * OFF, SBI HSM says STOPPED). */
bool guest_cpu_is_off(uint64_t hwid);
/* The calling vCPU's index, as guest_cpu_on() numbered it (0: boot). */
unsigned guest_cpu_index(void);

/* Interrupts. guest_irq_init() on the boot vCPU gives every interrupt to
 * 'handler' (numbered as the arch's controller numbers them) and returns
 * the controller's name; guest_irq_cpu_init() on each vCPU readies it
 * and enables IPIs 0..GUEST_IPIS-1, which guest_ipi_send() raises on a
 * vCPU and which reach the handler as their own number. */
#define GUEST_IPIS 8
const char *guest_irq_init(void (*handler)(unsigned irq));
void guest_irq_cpu_init(unsigned cpu);
void guest_ipi_send(unsigned cpu, unsigned ipi);
/* Enables the VM's device interrupt 'line' (an aarch64 SPI's INTID, a
 * PLIC source), edge-triggered where the controller has the choice, to
 * vCPU 'cpu'; returns the number the handler will see for it. */
unsigned guest_irq_enable_line(unsigned line, unsigned cpu);

/* A one-shot timer of the calling vCPU, armed for a counter value: its
 * interrupt reaches the handler as guest_timer_irq once the counter is
 * there. guest_timer_enable() on each vCPU that uses it, after
 * guest_irq_cpu_init(). */
extern const unsigned guest_timer_irq;
void guest_timer_enable(unsigned cpu);
void guest_timer_arm(uint64_t cval);
void guest_timer_stop(void);

/* The VM's power button, which cvisor's "vm stop" presses
 * (docs/shell.md): guest_power_button_init() makes a press interrupt
 * vCPU 'cpu' and returns the number the handler will see for it, or
 * GUEST_NO_BUTTON where the arch's VMs have none; the handler calls
 * guest_power_button_ack(). */
#define GUEST_NO_BUTTON (~0u)
unsigned guest_power_button_init(unsigned cpu);
void guest_power_button_ack(void);

/* Synchronous exceptions once guest_trap_install() has run: each is
 * counted, its cause recorded in guest_trap (struct guest_trap of
 * <guest_arch.h>), and the guest goes on after the faulting instruction. */
void guest_trap_install(void);
/* The last trap was the architected answer to a data access at 'addr' that
 * nothing backs (aarch64: a synchronous external abort; riscv64: an access
 * fault). */
bool guest_trap_is_access_fault(uint64_t addr, bool write);
/* Reads 64 bits at 'addr' (guest_trap_install() must have run): true
 * when nothing backs it, by the arch's answer: an access fault, or all
 * ones on x86_64, whose bus answers every address. */
bool guest_read_unbacked(uint64_t addr);

/* The device tree at 'boot_arg' (what cvisor passes at boot on aarch64
 * and riscv64) as bytes, its size in *len; 0 when there is none there. */
const char *guest_fdt_bytes(uint64_t boot_arg, size_t *len);
/* Where 'key' first occurs in the n bytes at s (an option in the
 * bootargs a device tree holds; s may be 0): the byte after it, or 0. */
const char *guest_bytes_find(const char *s, size_t n, const char *key);

#endif

/* axstand on riscv64 and x86_64: what each arch's part gives the
 * arch-neutral main (guests/common/axstand/main.c). aarch64's axstand is
 * a standalone image of its own (guests/aarch64/axstand). */
#ifndef AXSTAND_H
#define AXSTAND_H

#include <guest.h>

/* Prints the machine the guest was handed: its RAM and, where the arch
 * describes it so, the device tree's nodes. 'boot' is what the loader
 * passed (riscv64: the DTB's address; x86_64: unused). */
void axstand_machine(uint64_t boot);
/* The name of the timer guest_timer_arm() drives, for the messages. */
extern const char axstand_timer_name[];
/* The console 16550's interrupt line (guest_irq_enable_line) and its
 * transmitter-empty interrupt (IER.ETBEI) turned on or off. */
extern const unsigned axstand_uart_line;
/* The controller the 16550's line reaches the vCPU through. */
extern const char axstand_uart_chip[];
void axstand_uart_thre(bool on);
/* Reads the devices the configs pass through or have emulated in their
 * place, and prints what it sees; false after printing a FAIL line. */
bool axstand_devices(void);
/* How the guest powers off, for the last line before it does. */
extern const char axstand_power_off_name[];

#endif

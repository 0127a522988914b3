/* Entry points from the hal into the kernel. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

/* The boot CPU, with a stack and cleared bss. Never returns. */
void kernel_main(void) __attribute__((noreturn));
/* A secondary CPU started by hal_cpu_start(). Never returns. */
void kernel_secondary_main(unsigned cpu) __attribute__((noreturn));

/* The layer above the kernel (vmm/): creates and starts the VMs once every
 * CPU is online. */
void vmm_main(void);
/* What the hal says the machine is ("QEMU virt, GICv3, EL2"...). */
const char *kernel_platform(void);

#endif

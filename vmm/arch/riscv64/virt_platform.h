/* The machine a riscv64 VM sees: QEMU virt's layout. The vPLIC, the
 * virtual UART and the guest DTB take their addresses from here. */
#ifndef VMM_RISCV64_VIRT_PLATFORM_H
#define VMM_RISCV64_VIRT_PLATFORM_H

#define VIRT_PLIC_BASE    0x0c000000ull
#define VIRT_PLIC_SIZE    0x00600000ull
#define VIRT_PLIC_SOURCES 96u /* ids 1-95, riscv,ndev = 95 */
#define VIRT_UART_BASE    0x10000000ull
#define VIRT_UART_SIZE    0x00000100ull
#define VIRT_UART_IRQ     10u
#define VIRT_UART_CLOCK   3686400u

#endif

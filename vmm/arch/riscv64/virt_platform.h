/* The machine a riscv64 VM sees: QEMU virt's layout. The vPLIC, the
 * virtual UART and the guest DTB take their addresses from here. */
#ifndef VMM_RISCV64_VIRT_PLATFORM_H
#define VMM_RISCV64_VIRT_PLATFORM_H

#include <config/vm_config.h>

#define VIRT_PLIC_BASE    0x0c000000ull
#define VIRT_PLIC_SIZE    0x00600000ull
#define VIRT_PLIC_SOURCES 96u /* ids 1-95, riscv,ndev = 95 */
#define VIRT_UART_BASE    0x10000000ull
#define VIRT_UART_SIZE    0x00000100ull
#define VIRT_UART_IRQ     10u
#define VIRT_UART_CLOCK   3686400u
/* The power button: line 0 of a SiFive GPIO where the FU540 has its,
 * free in QEMU virt's map (between virtio-mmio and fw_cfg), its one line
 * on the first source QEMU virt leaves free (after the RTC's 11). One
 * line only: each takes a PLIC source, and nothing else is wired. */
/* The first of virt's virtio-mmio transports: a disk_path's virtio-blk. */
#define VIRT_VIRTIO_BASE 0x10001000ull
#define VIRT_VIRTIO_IRQ  1u
#define VIRT_GPIO_BASE   0x10060000ull
#define VIRT_GPIO_SIZE   0x00001000ull
#define VIRT_GPIO_IRQ    12u
#define VIRT_GPIO_LINES  1u
#define VIRT_GPIO_POWER  0u

/* The button goes where the layout puts it, unless the config claims
 * that range (vmcfg_range_unclaimed). */
static inline bool virt_has_power_button(const struct vm_config *c)
{
	return vmcfg_range_unclaimed(c, VIRT_GPIO_BASE, VIRT_GPIO_SIZE);
}

#endif

/* The machine an aarch64 VM sees: QEMU's virt layout. The vGIC, the
 * virtual UART and the guest DTB all take their addresses from here. */
#ifndef VMM_AARCH64_VIRT_PLATFORM_H
#define VMM_AARCH64_VIRT_PLATFORM_H

#include <config/vm_config.h>

/* Two 64 MiB flash banks, where QEMU puts firmware (U-Boot, EDK2). */
#define VIRT_FLASH_BASE    0x00000000ull
#define VIRT_FLASH_SIZE    0x08000000ull
#define VIRT_GICD_BASE     0x08000000ull
#define VIRT_GICD_SIZE     0x00010000ull
#define VIRT_GICC_BASE     0x08010000ull /* GICv2 CPU interface */
#define VIRT_GICC_SIZE     0x00002000ull
#define VIRT_GICR_BASE     0x080a0000ull /* GICv3: one frame pair per vCPU */
#define VIRT_GICR_STRIDE   0x00020000ull
#define VIRT_UART_BASE     0x09000000ull
#define VIRT_UART_SIZE     0x00001000ull
#define VIRT_UART_SPI      1u /* INTID 33 */
#define VIRT_UART_CLOCK_HZ 24000000u
/* The power button: line 3 of a PL061, as QEMU's virt machine has it. */
#define VIRT_GPIO_BASE  0x09030000ull
#define VIRT_GPIO_SIZE  0x00001000ull
#define VIRT_GPIO_SPI   7u /* INTID 39 */
#define VIRT_GPIO_POWER 3u

/* The first of virt's virtio-mmio transports: a disk_path's virtio-blk. */
#define VIRT_VIRTIO_BASE 0x0a000000ull
#define VIRT_VIRTIO_SPI  16u /* INTID 48 */

/* Timer PPIs (INTID - 16), in the order the arm,armv8-timer binding
 * lists them: secure physical, non-secure physical, virtual, hypervisor. */
#define VIRT_PPI_SEC_PHYS 13u
#define VIRT_PPI_PHYS     14u /* INTID 30 */
#define VIRT_PPI_VIRT     11u /* INTID 27 */
#define VIRT_PPI_HYP      10u

/* The VM's GIC version: what its emu_devices ask for, else the host's
 * ('host', 2 or 3). A whole-platform VM (passthrough_devices = [["/"]])
 * that names none has a GICv2, QEMU virt's default (gic-version=2), for
 * which the guests of such configs are built (docs/aarch64.md). */
static inline unsigned virt_gic_version(const struct vm_config *c,
					unsigned host)
{
	unsigned v = vmcfg_gic_version(c);

	if (!v && vmcfg_whole_platform(c))
		return 2;
	return v ? v : host;
}

/* The button goes where the layout puts it, unless the config claims
 * that range (vmcfg_range_unclaimed). */
static inline bool virt_has_power_button(const struct vm_config *c)
{
	return vmcfg_range_unclaimed(c, VIRT_GPIO_BASE, VIRT_GPIO_SIZE);
}

#endif

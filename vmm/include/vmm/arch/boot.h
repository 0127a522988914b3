/* The arch interface: what the VM boots. Each hook is declared once, with
 * its contract (who calls it, on which CPU, with what held, its inverse),
 * and implemented in vmm/arch/<ARCH>/ (docs/design.md, "The arch
 * interface"). Included by vmm/vm.h, after the types it names. */
#ifndef VMM_ARCH_BOOT_H
#define VMM_ARCH_BOOT_H

#include <kernel/types.h>

struct vm;
struct vcpu;
struct vcpu_exit;

struct guest_dtb_platform;
/* The machine this arch's VMs see, for the guest DTB, and the version of
 * their interrupt controller; NULL when the arch boots guests without a
 * DTB. */
const struct guest_dtb_platform *
vm_arch_dtb_platform(unsigned *irqchip_version);
/* The kernel formats this arch's VMs boot, a bit (1u << enum
 * kimage_format, vmm/kernel_image.h) each, and the arch's name:
 * images_load_kernel() refuses a kernel of any other format before it
 * places anything, naming the VM, the file, its format and these.
 * Constant data; read on any CPU. */
struct vm_arch_boot {
	const char *arch; /* "aarch64" */
	unsigned kernel_formats;
};
extern const struct vm_arch_boot vm_arch_boot;

#endif

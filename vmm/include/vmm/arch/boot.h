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
struct kimage;

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
	/* Where a first-stage image (kernel.bios_path) must end: x86 1 MiB,
	 * as it is entered in real mode. 0: the arch runs none, and a
	 * bios_path refuses the VM (images_check_bios()). */
	uint64_t bios_end;
	/* Optional (NULL: nothing to do). images_load() calls kernel_loaded
	 * once the kernel is placed, with its file's bytes (valid only
	 * during the call), for what the arch keeps from its header; and
	 * boot_info once every image is in guest memory, to write what the
	 * boot protocol hands the kernel besides (x86: boot_params, ACPI
	 * tables). Both run at VM creation and at each reset, on the CPU
	 * that loads the images; -1 (after logging why, naming the VM and
	 * the file) refuses the VM. */
	int (*kernel_loaded)(struct vm *vm, const char *path,
			     const struct kimage *k, const uint8_t *file,
			     uint64_t size);
	int (*boot_info)(struct vm *vm);
};
extern const struct vm_arch_boot vm_arch_boot;

#endif

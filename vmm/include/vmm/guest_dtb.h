/* The guest's device tree: written from the VM's config and an arch's
 * description of the machine the VM sees, or the user's DTB (dtb_path)
 * with /memory, /cpus and /chosen rewritten from the config.
 *
 * Pure (buffers in, blob out): the hypervisor and the host tool
 * `cvisor-config dtb` run the same code. */
#ifndef VMM_GUEST_DTB_H
#define VMM_GUEST_DTB_H

#include <config/vm_config.h>
#include <lib/fdt_write.h>
#include <vmm/ptdev.h>
#include <stddef.h>
#include <stdint.h>

/* The interrupt controller's phandle, used by every "interrupts". */
#define GUEST_DTB_PHANDLE_IRQCHIP 1u
/* Phandles the arch may use for its own nodes start here. */
#define GUEST_DTB_PHANDLE_ARCH 2u
/* Clocks copied from the host for passthrough devices start here. */
#define GUEST_DTB_PHANDLE_PT 0x100u
/* arm64 wants the DTB 8-byte aligned and at most 2 MiB. */
#define GUEST_DTB_MAX_SIZE (2u << 20)

struct guest_dtb_input;

/* What an arch says about the machine its VMs see. */
struct guest_dtb_platform {
	const char *arch;        /* "aarch64" */
	const char *compatible;  /* of the root: "linux,dummy-virt" */
	const char *stdout_path; /* the console node: "/pl011@9000000" */
	/* The machine's flash window, where firmware sits: memory regions
	 * inside it are the VM's flash, not RAM, and stay out of /memory
	 * (U-Boot takes the first /memory node for its DRAM). Size 0: none. */
	uint64_t flash_base, flash_size;
	/* Where a kernel.disk_path's virtio-blk goes (virtio-mmio, 0x200
	 * bytes) and its VM interrupt line; base 0: the machine has none. */
	uint64_t virtio_base;
	unsigned virtio_irq;
	/* No default interrupt-parent at the root: each node with
	 * "interrupts" names its own. riscv64's: the harts' local
	 * interrupt controllers are the roots of its interrupt tree, and
	 * would otherwise inherit the PLIC as their parent (Linux then
	 * finds no root controller and panics). */
	bool irq_parent_per_node;
	/* Writes the properties of cpu node 'vcpu' besides device_type and
	 * reg (compatible, enable-method). */
	void (*cpu_props)(struct fdtw *w, const struct guest_dtb_input *in,
			  unsigned vcpu);
	/* Optional: the nodes under cpu node 'vcpu' (riscv64's local
	 * interrupt controller), after its properties. */
	void (*cpu_nodes)(struct fdtw *w, const struct guest_dtb_input *in,
			  unsigned vcpu);
	/* Optional: properties of /cpus besides the cells
	 * (timebase-frequency). */
	void (*cpus_props)(struct fdtw *w, const struct guest_dtb_input *in);
	/* Writes the machine's device nodes under the root: the interrupt
	 * controller (phandle GUEST_DTB_PHANDLE_IRQCHIP), the timer, the
	 * firmware interface, the console. */
	void (*devices)(struct fdtw *w, const struct guest_dtb_input *in);
	/* How the interrupt controller names interrupts in a DTB. */
	const struct ptdev_irq_format *irq_format;
};

/* The gpio-keys node of a power button on line 'line' of the GPIO
 * controller 'gpio_phandle' (two-cell specifiers, active high), which
 * Linux reports as KEY_POWER. */
void guest_dtb_power_key(struct fdtw *w, uint32_t gpio_phandle, unsigned line);

/* Each arch's machine (vmm/arch/<arch>/guest_dtb.c). */
extern const struct guest_dtb_platform guest_dtb_aarch64;
extern const struct guest_dtb_platform guest_dtb_riscv64;

struct guest_dtb_input {
	const struct vm_config *cfg;
	const struct guest_dtb_platform *plat;
	unsigned irqchip_version;          /* arch-defined (GIC 2 or 3) */
	uint64_t cpu_hwid[VMCFG_MAX_CPUS]; /* the id each vCPU reports */
	uint64_t initrd_start, initrd_end; /* end 0: no initrd */
	/* The user's DTB (dtb_path) to rewrite, or NULL to write one. */
	const void *base;
	size_t base_size;
	/* The host's DTB, whose nodes describe the passthrough devices in a
	 * written tree; NULL: they get none. */
	const void *host;
	size_t host_size;
};

/* Errors besides enum fdt_err (reading 'base') and enum fdtw_err. */
#define GUEST_DTB_ERR_NO_ROOT (-40) /* base has no root node */

const char *guest_dtb_strerror(int err);

/* Writes the guest DTB into buf[0, cap). Returns its size, or a negative
 * error (guest_dtb_strerror). */
int guest_dtb_build(const struct guest_dtb_input *in, void *buf, size_t cap);
/* Writes the nodes of the config's passthrough devices that the host DTB
 * describes (guest_dtb_passthrough.c). */
void guest_dtb_write_passthrough(struct fdtw *w,
				 const struct guest_dtb_input *in);

#endif

/* Passthrough devices resolved: a config entry ([name, gpa, hpa, length,
 * irq], or ["/dt/path"] naming a host device-tree node) becomes the host
 * ranges to map into the guest, the host interrupts to forward and the
 * host node that describes the device (for the guest's DTB).
 *
 * Pure (the host DTB in, a description out): the hypervisor and the host
 * tool run the same code. */
#ifndef VMM_PTDEV_H
#define VMM_PTDEV_H

#include <config/vm_config.h>
#include <lib/fdt.h>

#define PTDEV_MAX_REGS 4
#define PTDEV_MAX_IRQS 4

struct ptdev_region {
	uint64_t gpa, hpa, size;
};

/* How an arch's interrupt controller names interrupts in a device tree. */
struct ptdev_irq_format {
	unsigned cells; /* #interrupt-cells: 3 on a GIC */
	/* The host interrupt id of one specifier; false when it is not one
	 * a VM can be given (a GIC PPI, say). */
	bool (*decode)(const uint32_t *cells, uint32_t *irq, uint32_t *flags);
	/* The specifier of interrupt 'irq' with trigger 'flags' (0: the
	 * arch's default). */
	void (*encode)(uint32_t irq, uint32_t flags, uint32_t *cells);
};

struct ptdev {
	const char *name; /* the config's name or node path */
	unsigned reg_count;
	struct ptdev_region reg[PTDEV_MAX_REGS];
	unsigned irq_count;
	uint32_t irq[PTDEV_MAX_IRQS];       /* host interrupt ids */
	uint32_t irq_flags[PTDEV_MAX_IRQS]; /* trigger, as the host DTB says */
	int host_node;                      /* in the host DTB, or -1 */
};

/* Resolves config entry 'd' against the host DTB 'host' (NULL when there
 * is none: only the [name, ...] form resolves then). 0, or -1 with *why
 * saying what is wrong. */
int ptdev_resolve(const struct fdt *host, const struct ptdev_irq_format *fmt,
		  const struct vmcfg_pt_device *d, struct ptdev *out,
		  const char **why);

/* The registers of host node 'path' alone (its interrupts not read). */
int ptdev_resolve_regs(const struct fdt *host, const char *path,
		       struct ptdev *out, const char **why);

/* A host device that can do DMA (vmm/ptdev_dma.c says how that is told). */
struct ptdev_dma {
	char path[VMCFG_MAX_DEV_NAME]; /* its node: "/fw-cfg@9020000" */
	const char *why;               /* its compatible, or the property */
	uint64_t base, size;           /* its registers, or the window, hit */
	bool window;                   /* a window of a PCI host bridge */
};

/* Whether a device of the host DTB 'host' that can do DMA has registers
 * in host range [hpa, hpa+size) (or, a PCI host bridge, a window there);
 * *out describes the first such. False without a host DTB: then nothing
 * is known. */
bool ptdev_dma_find(const struct fdt *host, uint64_t hpa, uint64_t size,
		    struct ptdev_dma *out);

#endif

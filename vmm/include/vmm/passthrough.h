/* Passthrough devices and addresses: host device ranges mapped into a
 * VM's stage 2 (device memory, read/write, never executable) and, with
 * interrupt_mode "passthrough", the devices' host interrupts forwarded to
 * the VM. Each host range and interrupt has one owner: a range cvisor or
 * another VM uses, or one in cvisor's memory, is refused. */
#ifndef VMM_PASSTHROUGH_H
#define VMM_PASSTHROUGH_H

#include <config/vm_config.h>
#include <lib/fdt.h>

struct vm;

/* A whole-platform VM (passthrough_devices = [["/"]]): gives it its own
 * copy of its config (vm->cfg, freed with the VM) in which "/" is followed
 * by a ["/path"] entry for each host device it is given: devices that no
 * one else has, that cannot do DMA, that its excluded_devices do not name
 * and that its own emulated devices and memory leave room for. One
 * warning line names each device left out, and what the VM has in its
 * place. Called once the VM's emulated devices exist and before its DTB
 * is written. 0 (also for any other VM), or -1 logged. */
int passthrough_whole_expand(struct vm *vm);

/* Leaves out, before the VM's DTB is written, the passthrough_devices
 * entries it is not given, one warning line each: one of cvisor's own
 * devices (its interrupt controller, its console UART) where the VM has
 * its emulated one (which is then in its place: AxVisor's files name
 * QEMU's PLIC, UART, IOAPIC and local APIC so), and a device that can do
 * DMA that devices.dma_passthrough does not name (cvisor has no IOMMU;
 * the VM runs without it, as a whole-platform VM does). The VM's config
 * becomes its own copy (vm->cfg_own) when anything is left out, those
 * entries marked left_out there. After
 * passthrough_whole_expand(). 0, or -1 logged. */
int passthrough_prune(struct vm *vm);

/* What cvisor keeps in a whole-platform VM's passthrough_addresses: a
 * host device of cvisor's (its GIC and the frames under it, its console
 * UART), or one of the VM's own emulated devices. */
struct passthrough_kept {
	uint64_t base, size;           /* page-aligned */
	char path[VMCFG_MAX_DEV_NAME]; /* the host node, "" for the VM's */
	const char *what;              /* cvisor's claim, or the device */
};
/* The lowest such range that meets host range [from, end) (GPA = HPA). */
bool passthrough_whole_kept(const struct vm *vm, const struct fdt *host,
			    uint64_t from, uint64_t end,
			    struct passthrough_kept *out);

/* 0, or -1 after logging which device of the VM is refused and why. */
int passthrough_init(struct vm *vm);
/* Gives the VM's host ranges back (its interrupts go with the arch's
 * interrupt controller state). */
void passthrough_destroy(struct vm *vm);

#endif

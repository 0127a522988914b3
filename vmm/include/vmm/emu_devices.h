/* The emu_devices entries of a VM's config, checked against what its
 * architecture's VMM has: each entry is honoured (the device is where the
 * entry says) or the VM is refused, naming the entry. */
#ifndef VMM_EMU_DEVICES_H
#define VMM_EMU_DEVICES_H

#include <stddef.h>
#include <vmm/vm.h>

/* One emu_devices type an architecture honours. */
struct emu_support {
	uint32_t type;    /* enum vmcfg_emu_type */
	uint64_t base;    /* the only base cvisor can give it, or 0: any */
	const char *what; /* the device that serves it */
	const char *warn; /* logged when honoured, or NULL */
	unsigned gic;     /* aarch64: only with this GIC version (0: any) */
};

/* Checks every entry of vm's config against 'tab' (arch 'arch', the VM's
 * GIC 'gic' or 0): an entry of a type not in 'tab', or at a base cvisor
 * cannot place its device at, is an error naming the VM, the entry and
 * its line. 0, or -1 (every problem logged). */
int emu_devices_check(const struct vm *vm, const char *arch,
		      const struct emu_support *tab, size_t n, unsigned gic);

#endif

/* Inter-VM channels (IVC): shared memory one VM publishes under a key and
 * others subscribe to, AxVisor's hypercalls 3-6, and cvisor's notify that
 * raises an interrupt in the channel's other VMs (docs/hypercalls.md).
 *
 * A channel's pages are cvisor's, not any VM's RAM: mapped into each VM
 * that uses it at a GPA cvisor picks in that VM's IVC window, and freed
 * when the last VM lets go (the publisher unpublishing leaves the
 * subscribers' views). Every misuse returns an error; nothing is left
 * mapped that no channel accounts for. */
#ifndef VMM_IVC_H
#define VMM_IVC_H

#include <kernel/types.h>

struct vm;

#define IVC_MAX_SIZE     (64ull << 20) /* bytes of one channel */
#define IVC_MAX_CHANNELS 32            /* published at once, all VMs */
#define IVC_MAX_SUBS     8             /* subscribers of one channel */
#define IVC_WINDOW_SIZE  (1ull << 30)  /* GPA room for a VM's channels */
#define IVC_ERROR        ((uint64_t)-1)

/* Where a VM maps its channels, and the interrupt notify raises in it:
 * the config's IVC device (emu_devices type 0xA: base, length, irq), else
 * 1 GiB at the first 1 GiB boundary at or above 4 GiB past the VM's
 * memory, and the arch's default interrupt (vm_arch_ivc_irq). */
struct vm_ivc {
	gpaddr_t base;
	uint64_t size;
	unsigned irq;
};

/* Sets up 'vm->ivc' from its config. 0, or -1 (logged) for a window
 * that overlaps the VM's memory. */
int ivc_vm_init(struct vm *vm);
/* The VM is being torn down (its stage 2 goes with it): its
 * publications end, its subscriptions go, pages no VM uses are freed. */
void ivc_vm_destroyed(struct vm *vm);

/* The hypercalls, from a vCPU of 'vm'; 0 or IVC_ERROR. 'size_ptr' holds
 * the size asked for (Publish) and gets the size given; 'base_ptr' gets
 * the GPA; both 8 bytes in the VM's RAM. */
uint64_t ivc_publish(struct vm *vm, uint64_t key, gpaddr_t base_ptr,
		     gpaddr_t size_ptr);
uint64_t ivc_subscribe(struct vm *vm, uint64_t publisher, uint64_t key,
		       gpaddr_t base_ptr, gpaddr_t size_ptr);
uint64_t ivc_unpublish(struct vm *vm, uint64_t key);
uint64_t ivc_unsubscribe(struct vm *vm, uint64_t publisher, uint64_t key);
/* Raises the IVC interrupt in every other VM using the channel. */
uint64_t ivc_notify(struct vm *vm, uint64_t publisher, uint64_t key);

#endif

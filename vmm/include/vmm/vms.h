/* The VMs cvisor knows: those created at boot from the embedded configs
 * and those created later (the shell). Each keeps its config while it is
 * stopped, so that it can start again, until it is deleted.
 *
 * A VM's memory lives while someone holds a reference: the registry while
 * the VM runs or waits to be started, and whoever vms_get() gave it to.
 * When its last vCPU task ends the registry lets go (vmm_vm_stopped), and
 * the last reference tears it down.
 *
 * Without STAY (a build option) cvisor powers off once no VM runs: after
 * the boot's VMs have all stopped, or the last one started since. */
#ifndef VMM_VMS_H
#define VMM_VMS_H

#include <config/vm_config.h>
#include <kernel/types.h>

struct vm;

#define VMS_MAX        16
#define VMS_SOURCE_MAX 64

enum vms_state {
	VMS_CREATED,   /* made, never started */
	VMS_RUNNING,   /* its vCPUs run (or wait in WFI) */
	VMS_SUSPENDED, /* its vCPUs held out of the guest */
	VMS_RESETTING,
	VMS_STOPPING, /* asked to stop; its vCPUs are on their way out */
	VMS_STOPPED,  /* torn down; its config kept */
};

const char *vms_state_name(enum vms_state s);

/* One VM as the shell shows it. */
struct vms_info {
	uint64_t id;
	enum vms_state state;
	const struct vm_config *cfg; /* valid until the VM is deleted */
	const char *source;          /* where its config came from */
};

/* Notes the memory in use before any VM (and any VM's config): at power
 * off all of it must be back. Once, at boot, before the first config is
 * read. */
void vms_init(void);
/* Creates a VM from 'cfg' and keeps it, created but not started. The
 * registry owns 'cfg' from here, whatever the outcome. 'mm_before' is
 * the memory in use before the config was read (mm_used_bytes), which
 * deleting the VM must give back. 0, or -1 with the reason logged
 * (naming 'source'). */
int vms_create(struct vm_config *cfg, const char *source, size_t mm_before);
/* Boots every VM created so far (at boot, after the embedded ones). */
void vms_start_all(void);

/* The shell's commands; NULL on success, else why not. */
const char *vms_start(uint64_t id);
const char *vms_stop(uint64_t id);
const char *vms_suspend(uint64_t id);
const char *vms_resume(uint64_t id);
const char *vms_reset(uint64_t id);
/* Stops the VM, waits until it is torn down, and starts it again. */
const char *vms_restart(uint64_t id);
/* Removes a created or stopped VM (force: stops a running one first and
 * waits). '*diff': the memory in use now less what it was before the
 * VM's config was read, in bytes (0 when all of it is back and nothing
 * else changed meanwhile). */
const char *vms_delete(uint64_t id, bool force, long long *diff);

/* Presses or releases VM 'id''s power button (vm_arch_power_button):
 * pressed, its guest is asked to power off. False when the VM has none
 * (or is gone). */
bool vms_power_button(uint64_t id, bool pressed);
/* Waits until VM 'id' is torn down (or gone); false after 'ms'. */
bool vms_wait_stopped(uint64_t id, unsigned ms);
/* Waits until no VM runs or is stopping; false after 10 s. */
bool vms_wait_all_stopped(void);
/* Calls fn for each VM, in id order. */
void vms_for_each(void (*fn)(const struct vms_info *, void *), void *ctx);
/* Fills 'info' for VM 'id'; false if there is none. */
bool vms_info(uint64_t id, struct vms_info *info);
/* The VM 'id' with a reference held, or NULL when it has none now
 * (stopped, or no such id). */
struct vm *vms_get(uint64_t id);
void vms_put(struct vm *vm);

/* Whether cvisor stays up when no VM runs; 'shutdown' then powers off. */
bool vms_stay(void);
/* Tears every VM down and powers off, saying whether all the memory the
 * VMs took came back. Returns only to a second caller, while the first
 * powers off. */
void vms_power_off(void);

#endif

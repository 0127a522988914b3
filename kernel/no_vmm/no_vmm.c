/* Linked instead of vmm/ on architectures whose VMM is not in place yet
 * (see VMM_ARCHES in the Makefile): the base boots, every CPU comes
 * online, and the machine powers off cleanly. */
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/percpu.h>

void vmm_main(void)
{
	pr_info("no VMM on this architecture yet: %u CPUs up, powering off",
		cpu_count);
	hal_system_off();
}

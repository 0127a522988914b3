/* The host arch's machine: what the unit tests of the core drive.
 *
 * cvisor's kernel (scheduler, timers, interrupts, allocator) and the
 * generic VMM run unchanged as a host program. Up to MAX_CPUS simulated
 * CPUs take turns on one thread, each running its tasks as ucontext
 * fibers; a CPU gives the turn back at the points where real CPUs run
 * side by side: waiting for an interrupt, spinning (hal_cpu_relax), and
 * each time a vCPU would run its guest. Interrupts (IPIs, the timer,
 * devices) are taken there too. Time is a counter that sim_run()
 * advances, so runs are deterministic. */
#ifndef HAL_SIM_H
#define HAL_SIM_H

#include <kernel/types.h>

#define SIM_TIMER_FREQ 1000000000ull /* ticks per second: ns */

struct embedded_file;

/* Boots the machine with 'cpus' CPUs and RAM of 'ram_mib', up to the point
 * where cvisor's vmm_main() would run; 'configs' and 'images' stand in
 * for the files the build embeds. */
void sim_boot(unsigned cpus, unsigned ram_mib,
	      const struct embedded_file *configs,
	      const struct embedded_file *images);
/* Runs the CPUs in turns, each turn advancing time by 'tick_ns', until the
 * machine powers off or 'max_turns' turns have passed. True when it
 * powered off. */
bool sim_run(uint64_t max_turns, uint64_t tick_ns);
/* Runs fn(arg) on CPU 'cpu' as it would run in cvisor (that CPU's
 * per-CPU data current), before or between sim_run()s. */
void sim_on_cpu(unsigned cpu, void (*fn)(void *), void *arg);
/* Whether a host interrupt waits for the CPU running now. */
bool sim_irq_pending(void);
/* Raises host interrupt 'irq' (a passthrough device's) at the start of
 * sim_run()'s turn 'turn' (counted from the boot), on the CPU it is
 * routed to. Up to SIM_MAX_RAISES of them. */
#define SIM_MAX_RAISES 4
void sim_raise_irq_at(uint64_t turn, unsigned irq);
/* The console output so far (NUL-terminated). */
const char *sim_console(void);
/* The host DTB hal_host_dtb() gives from now on (NULL: none, the default). */
void sim_set_host_dtb(const void *blob);
/* Makes allocations (page_alloc() and kzalloc() calls from outside the
 * allocators) fail from the 'n'-th on, counting from now (0: never). */
void sim_fail_page_alloc_after(unsigned long n);

#endif

/* The host arch's machine (sim.h): the hal interface for cvisor's kernel
 * running as a host program, CPUs as fibers taking turns on one thread. */
#include <hal/hal.h>
#include <hal/sim/sim.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vmm/images.h>

#define SIM_CPU_STACK   (256 * 1024)
#define SIM_CONSOLE_MAX (1 << 20)

struct sim_cpu {
	ucontext_t here; /* where the CPU gave its turn back */
	void *stack;     /* of its boot fiber */
	bool started, masked;
	uint64_t pending[IRQ_MAX / 64];
	uint64_t deadline;
	bool timer_on;
};

void *sim_percpu;
const struct embedded_file *embedded_configs, *embedded_images;

static struct sim_cpu cpus[MAX_CPUS];
static unsigned sim_cpus, sim_current;
static bool irq_enabled[IRQ_MAX];
static unsigned irq_target[IRQ_MAX];
static ucontext_t driver;
static uint64_t now;
static bool powered_off;
static void *ram;
static size_t ram_size;
static char console[SIM_CONSOLE_MAX];
static size_t console_len;
static unsigned long page_allocs, fail_after;

void kernel_main(void);
void kernel_secondary_main(unsigned cpu);

/* ---- turns ---- */

/* Gives the turn back to the driver; returns when this CPU's is next. */
static void sim_yield(void)
{
	swapcontext(&cpus[sim_current].here, &driver);
}

/* Whether an enabled interrupt is pending here: a disabled one waits,
 * as at a GIC, and does not interrupt the CPU. */
static bool irq_pending_here(void)
{
	const struct sim_cpu *c = &cpus[sim_current];

	for (unsigned w = 0; w < IRQ_MAX / 64; w++)
		for (uint64_t bits = c->pending[w]; bits; bits &= bits - 1)
			if (irq_enabled[w * 64 +
					(unsigned)__builtin_ctzll(bits)])
				return true;
	return false;
}

bool sim_irq_pending(void)
{
	return irq_pending_here();
}

static void cpu_turn(unsigned i)
{
	sim_current = i;
	sim_percpu = &percpu_data[i];
	swapcontext(&driver, &cpus[i].here);
}

static struct {
	uint64_t turn;
	unsigned irq;
} raises[SIM_MAX_RAISES];
static unsigned raise_count;
static uint64_t turns; /* since the boot */

static void raise_irq(unsigned irq)
{
	cpus[irq_target[irq]].pending[irq / 64] |= 1ull << (irq % 64);
}

void sim_raise_irq_at(uint64_t turn, unsigned irq)
{
	if (raise_count < SIM_MAX_RAISES && irq < IRQ_MAX)
		raises[raise_count++] = (typeof(raises[0])){ turn, irq };
}

bool sim_run(uint64_t max_turns, uint64_t tick_ns)
{
	for (uint64_t t = 0; t < max_turns && !powered_off; t++, turns++) {
		now += tick_ns;
		for (unsigned r = 0; r < raise_count; r++)
			if (raises[r].turn == turns)
				raise_irq(raises[r].irq);
		for (unsigned i = 0; i < sim_cpus && !powered_off; i++) {
			struct sim_cpu *c = &cpus[i];
			if (!c->started)
				continue;
			if (c->timer_on && now >= c->deadline) {
				c->timer_on = false;
				c->pending[HAL_TIMER_IRQ / 64] |=
					1ull << (HAL_TIMER_IRQ % 64);
			}
			cpu_turn(i);
		}
	}
	return powered_off;
}

/* ---- boot ---- */

static void cpu_fiber(unsigned i, void (*fn)(unsigned))
{
	struct sim_cpu *c = &cpus[i];

	c->stack = malloc(SIM_CPU_STACK);
	getcontext(&c->here);
	c->here.uc_stack.ss_sp = c->stack;
	c->here.uc_stack.ss_size = SIM_CPU_STACK;
	c->here.uc_link = NULL;
	makecontext(&c->here, (void (*)(void))fn, 1, i);
	c->started = true;
	c->masked = true;
}

static void boot_cpu(unsigned i)
{
	(void)i;
	kernel_main();
}

void sim_boot(unsigned ncpus, unsigned ram_mib,
	      const struct embedded_file *configs,
	      const struct embedded_file *images)
{
	sim_cpus = ncpus;
	embedded_configs = configs;
	embedded_images = images;
	ram_size = (size_t)ram_mib << 20;
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		abort();
	cpu_fiber(0, boot_cpu);
	/* CPU 0 boots the kernel; the others start when it asks. */
	sim_run(1, 0);
}

void sim_on_cpu(unsigned cpu, void (*fn)(void *), void *arg)
{
	unsigned saved = sim_current;

	sim_current = cpu;
	sim_percpu = &percpu_data[cpu];
	fn(arg);
	sim_current = saved;
	sim_percpu = &percpu_data[saved];
}

void hal_early_init(struct hal_boot_info *info)
{
	memset(info, 0, sizeof(*info));
	info->ram[0].base = ptr_to_pa(ram);
	info->ram[0].size = ram_size;
	info->ram_count = 1;
	info->image_start = ptr_to_pa(ram); /* a page stands for it */
	info->image_end = ptr_to_pa(ram) + PAGE_SIZE;
	info->cpu_count = sim_cpus;
	for (unsigned i = 0; i < sim_cpus; i++)
		info->cpu_hwid[i] = i;
	info->platform = "the host arch's simulated machine";
}

int hal_cpu_start(unsigned cpu, uint64_t hwid)
{
	(void)hwid;
	cpu_fiber(cpu, kernel_secondary_main);
	return 0;
}

void hal_cpu_init(unsigned cpu)
{
	(void)cpu;
}

static const void *host_dtb;

void sim_set_host_dtb(const void *blob)
{
	host_dtb = blob;
}

const void *hal_host_dtb(void)
{
	return host_dtb;
}

void hal_set_percpu(void *p)
{
	sim_percpu = p;
}

void hal_system_off(void)
{
	powered_off = true;
	for (;;)
		sim_yield();
}

void hal_system_reset(void)
{
	hal_system_off();
}

/* ---- CPU ---- */

void hal_irq_enable(void)
{
	cpus[sim_current].masked = false;
	/* Pending interrupts are taken as soon as they are unmasked. */
	while (irq_pending_here())
		irq_dispatch();
}

void hal_irq_disable(void)
{
	cpus[sim_current].masked = true;
}

void hal_wait_for_interrupt(void)
{
	while (!irq_pending_here())
		sim_yield();
}

/* Spinning on another CPU's progress: its turn comes. */
void hal_cpu_relax(void)
{
	sim_yield();
}

/* ---- console ---- */

void hal_console_putc(char c)
{
	if (console_len < SIM_CONSOLE_MAX - 1)
		console[console_len++] = c;
}

int hal_console_getc(void)
{
	return -1;
}

unsigned hal_console_rx_irq(void)
{
	return HAL_IRQ_NONE;
}

const char *sim_console(void)
{
	console[console_len] = 0;
	return console;
}

/* ---- interrupts ---- */

void hal_irqchip_init(void)
{
	irq_enabled[HAL_IPI_IRQ] = irq_enabled[HAL_TIMER_IRQ] = true;
}

void hal_irqchip_cpu_init(void)
{
}

void hal_irqchip_enable(unsigned irq, unsigned cpu)
{
	irq_enabled[irq] = true;
	irq_target[irq] = cpu;
}

void hal_irqchip_disable(unsigned irq)
{
	irq_enabled[irq] = false;
}

unsigned hal_irqchip_ack(void)
{
	struct sim_cpu *c = &cpus[sim_current];

	for (unsigned irq = 0; irq < IRQ_MAX; irq++) {
		if ((c->pending[irq / 64] >> (irq % 64) & 1) &&
		    irq_enabled[irq]) {
			c->pending[irq / 64] &= ~(1ull << (irq % 64));
			return irq;
		}
	}
	return HAL_IRQ_NONE;
}

void hal_irqchip_eoi(unsigned irq)
{
	(void)irq;
}

void hal_irqchip_send_ipi(unsigned cpu)
{
	cpus[cpu].pending[HAL_IPI_IRQ / 64] |= 1ull << (HAL_IPI_IRQ % 64);
}

/* ---- timer ---- */

uint64_t hal_timer_now(void)
{
	return now;
}

uint64_t hal_timer_freq(void)
{
	return SIM_TIMER_FREQ;
}

void hal_timer_set_deadline(uint64_t deadline)
{
	cpus[sim_current].deadline = deadline;
	cpus[sim_current].timer_on = true;
}

void hal_timer_stop(void)
{
	cpus[sim_current].timer_on = false;
}

/* ---- tasks ---- */

static void context_entry(unsigned hi, unsigned lo)
{
	struct hal_context *ctx =
		(struct hal_context *)(uintptr_t)((uint64_t)hi << 32 | lo);

	ctx->entry(ctx->arg);
	abort(); /* tasks end with task_exit() */
}

void hal_context_init(struct hal_context *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	uint64_t p = (uint64_t)(uintptr_t)ctx;

	/* Not on the task's own stack: host code under the sanitizers (and
	 * the host's printf) needs far more than cvisor's 16 KiB. The
	 * process of a test ends before these would matter. */
	(void)stack_top;
	ctx->entry = entry;
	ctx->arg = arg;
	getcontext(&ctx->uc);
	ctx->uc.uc_stack.ss_sp = malloc(SIM_CPU_STACK);
	ctx->uc.uc_stack.ss_size = SIM_CPU_STACK;
	ctx->uc.uc_link = NULL;
	makecontext(&ctx->uc, (void (*)(void))context_entry, 2,
		    (unsigned)(p >> 32), (unsigned)p);
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
	swapcontext(&from->uc, &to->uc);
}

/* ---- allocation failures, for the unit tests ---- */

/* Whether the next allocation (pages or heap) is to fail. */
static bool alloc_fails(void)
{
	page_allocs++;
	return fail_after && page_allocs >= fail_after;
}

paddr_t __real_page_alloc(size_t count, size_t align);
paddr_t __wrap_page_alloc(size_t count, size_t align);
paddr_t __real_page_alloc_unzeroed(size_t count, size_t align);
paddr_t __wrap_page_alloc_unzeroed(size_t count, size_t align);
void *__real_kzalloc(size_t size);
void *__wrap_kzalloc(size_t size);

paddr_t __wrap_page_alloc(size_t count, size_t align)
{
	return alloc_fails() ? 0 : __real_page_alloc(count, align);
}

paddr_t __wrap_page_alloc_unzeroed(size_t count, size_t align)
{
	return alloc_fails() ? 0 : __real_page_alloc_unzeroed(count, align);
}

void *__wrap_kzalloc(size_t size)
{
	return alloc_fails() ? NULL : __real_kzalloc(size);
}

void sim_fail_page_alloc_after(unsigned long n)
{
	fail_after = n;
	page_allocs = 0;
}

/* No virtio disk on this machine. */
struct blockdev *virtio_blk_probe(const char *name);
struct blockdev *virtio_blk_probe(const char *name)
{
	(void)name;
	return NULL;
}

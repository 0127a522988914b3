/* Boot: bring up memory, CPUs and the scheduler, then hand over to vmm. */
#include <kernel/hostres.h>
#include <kernel/console_input.h>
#include <kernel/irq.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

#ifndef CVISOR_LOG_LEVEL
#define CVISOR_LOG_LEVEL LOG_INFO
#endif

struct percpu percpu_data[MAX_CPUS];
unsigned cpu_count = 1;
static struct hal_boot_info boot_info;
static volatile unsigned cpus_online;

int percpu_find_hwid(uint64_t hwid)
{
	for (unsigned i = 0; i < cpu_count; i++)
		if (percpu_data[i].hwid == hwid)
			return (int)i;
	return -1;
}

static void ipi_handler(unsigned irq, void *arg)
{
	(void)irq, (void)arg;
	/* A kick: a task was queued here, or a vCPU's state changed (its
	 * exit, which this interrupt forced, looks at it). */
	sched_kicked();
}

static void timer_irq_handler(unsigned irq, void *arg)
{
	(void)irq, (void)arg;
	timer_handle_irq();
}

static void memory_init(const struct hal_boot_info *b)
{
	paddr_t base = b->ram[0].base;
	uint64_t size = b->ram[0].size;

	page_alloc_init(base, size);
	page_alloc_add_free(base, size);
	if (!page_alloc_claim(ALIGN_DOWN(b->image_start, PAGE_SIZE),
			      ALIGN_UP(b->image_end, PAGE_SIZE) -
				      ALIGN_DOWN(b->image_start, PAGE_SIZE)))
		panic("cvisor's image lies outside the first RAM range");
	hostres_claim(base, size, HOSTRES_CVISOR, "cvisor's memory", NULL);
	pr_info("RAM %#llx-%#llx, %zu KiB free", (unsigned long long)base,
		(unsigned long long)(base + size),
		page_alloc_free_count() * (PAGE_SIZE / 1024));
}

static void cpu_local_init(unsigned cpu)
{
	hal_cpu_init(cpu);
	hal_irqchip_cpu_init();
	timer_init_cpu();
	__atomic_fetch_add(&cpus_online, 1, __ATOMIC_RELEASE);
	percpu_data[cpu].online = true;
}

static void smp_boot(const struct hal_boot_info *b)
{
	unsigned want = MIN(b->cpu_count, (unsigned)MAX_CPUS);

	/* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 misreads MIN() as < 1 */
	for (unsigned i = 1; i < want; i++) {
		percpu_data[i].cpu_id = i;
		percpu_data[i].hwid = b->cpu_hwid[i];
		sched_init_cpu(i);
		cpu_count = i + 1;
		int err = hal_cpu_start(i, b->cpu_hwid[i]);
		if (err) {
			pr_warn("CPU %u (hwid %#llx) did not start: %d", i,
				(unsigned long long)b->cpu_hwid[i], err);
			cpu_count = i;
			break;
		}
		while (__atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) < i + 1)
			hal_cpu_relax();
	}
}

const char *kernel_platform(void)
{
	return boot_info.platform;
}

void kernel_main(void)
{
	struct percpu *bsp = &percpu_data[0];

	hal_set_percpu(bsp);
	log_max_level = CVISOR_LOG_LEVEL;
	hal_early_init(&boot_info);
	bsp->hwid = boot_info.cpu_hwid[0];
	console_printf("\ncvisor: a type-1 hypervisor, on %s, %u CPUs\n",
		       boot_info.platform, boot_info.cpu_count);
	memory_init(&boot_info);
	sched_init_cpu(0);
	irq_register(HAL_IPI_IRQ, ipi_handler, NULL);
	irq_register(HAL_TIMER_IRQ, timer_irq_handler, NULL);
	hal_irqchip_init();
	cpu_local_init(0);
	smp_boot(&boot_info);
	pr_info("%u CPUs online", cpus_online);
	console_input_init();
	vmm_main();
	sched_run_idle();
}

void kernel_secondary_main(unsigned cpu)
{
	hal_set_percpu(&percpu_data[cpu]);
	cpu_local_init(cpu);
	sched_run_idle();
}

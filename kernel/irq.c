#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

struct irq_desc {
	irq_handler_t fn;
	void *arg;
};

static struct irq_desc irq_table[IRQ_MAX];

void irq_register(unsigned irq, irq_handler_t fn, void *arg)
{
	BUG_ON(irq >= IRQ_MAX);
	irq_table[irq].arg = arg;
	irq_table[irq].fn = fn;
}

void irq_dispatch(void)
{
	for (;;) {
		unsigned irq = hal_irqchip_ack();
		if (irq == HAL_IRQ_NONE)
			return;
		if (irq < IRQ_MAX && irq_table[irq].fn)
			irq_table[irq].fn(irq, irq_table[irq].arg);
		else
			pr_debug("spurious host interrupt %u", irq);
		hal_irqchip_eoi(irq);
	}
}

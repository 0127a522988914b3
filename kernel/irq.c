#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	unsigned busy; /* CPUs inside fn right now */
};

static struct irq_desc irq_table[IRQ_MAX];
static spinlock_t irq_table_lock = SPINLOCK_INIT;

void irq_register(unsigned irq, irq_handler_t fn, void *arg)
{
	BUG_ON(!irq_claim(irq, fn, arg));
}

bool irq_claim(unsigned irq, irq_handler_t fn, void *arg)
{
	bool ok;

	if (irq >= IRQ_MAX)
		return false;
	spin_lock(&irq_table_lock);
	ok = !irq_table[irq].fn;
	if (ok) {
		irq_table[irq].arg = arg;
		__atomic_store_n(&irq_table[irq].fn, fn, __ATOMIC_SEQ_CST);
	}
	spin_unlock(&irq_table_lock);
	return ok;
}

void irq_unregister(unsigned irq)
{
	struct irq_desc *d = &irq_table[irq];

	spin_lock(&irq_table_lock);
	__atomic_store_n(&d->fn, NULL, __ATOMIC_SEQ_CST);
	spin_unlock(&irq_table_lock);
	/* A CPU that saw the handler before it went is still using 'arg'. */
	while (__atomic_load_n(&d->busy, __ATOMIC_SEQ_CST))
		hal_cpu_relax();
}

void irq_handle(unsigned irq)
{
	struct irq_desc *d = irq < IRQ_MAX ? &irq_table[irq] : NULL;
	irq_handler_t fn = NULL;

	if (d) {
		__atomic_fetch_add(&d->busy, 1, __ATOMIC_SEQ_CST);
		fn = __atomic_load_n(&d->fn, __ATOMIC_SEQ_CST);
	}
	if (fn)
		fn(irq, d->arg);
	else
		pr_debug("spurious host interrupt %u", irq);
	if (d)
		__atomic_fetch_sub(&d->busy, 1, __ATOMIC_SEQ_CST);
	hal_irqchip_eoi(irq);
}

void irq_dispatch(void)
{
	for (;;) {
		unsigned irq = hal_irqchip_ack();
		if (irq == HAL_IRQ_NONE)
			return;
		irq_handle(irq);
	}
}

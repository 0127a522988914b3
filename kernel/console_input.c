/* Console input (see console_input.h): the host UART's receive interrupt,
 * the focus and its hot key. */
#include <kernel/console_input.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>

/* Lock order: input_lock, then whatever an input's callbacks take, then
 * console_lock. */
static spinlock_t input_lock = SPINLOCK_INIT;
static struct console_input *inputs;     /* in registration order */
static struct console_input *focus;      /* NULL: cvisor */
static unsigned switch_count;            /* Ctrl-As held back so far */

/* What arrives in one interrupt goes on in one call. */
struct burst {
	char buf[64];
	size_t len;
};

static void burst_flush(struct burst *b)
{
	if (b->len && focus)
		focus->receive(focus->ctx, b->buf, b->len);
	else if (b->len && !focus)
		for (size_t i = 0; i < b->len; i++)
			if (b->buf[i] == '\r' || b->buf[i] == '\n') {
				console_printf("[cvisor] cvisor has no shell yet; "
					       "Ctrl-A three times gives console "
					       "input to %s\n", inputs ?
					       inputs->label : "a VM (none takes it)");
				break;
			}
	b->len = 0;
}

static void burst_add(struct burst *b, char c)
{
	if (b->len == sizeof(b->buf))
		burst_flush(b);
	b->buf[b->len++] = c;
}

static void focus_set(struct console_input *in)
{
	if (focus && focus->focus)
		focus->focus(focus->ctx, false);
	focus = in;
	if (in && in->focus)
		in->focus(in->ctx, true);
	console_printf("[cvisor] console input now goes to %s; Ctrl-A three "
		       "times switches\n", in ? in->label : "cvisor");
}

/* The hot key: cvisor -> each input in turn -> cvisor. */
static void focus_next(void)
{
	focus_set(focus ? focus->next : inputs);
}

static void console_rx_irq(unsigned irq, void *arg)
{
	struct burst b = { .len = 0 };
	int c;

	(void)irq, (void)arg;
	spin_lock(&input_lock);
	while ((c = hal_console_getc()) >= 0) {
		if (c == CONSOLE_SWITCH_CHAR) {
			if (++switch_count < CONSOLE_SWITCH_COUNT)
				continue;
			switch_count = 0;
			burst_flush(&b);
			focus_next();
			continue;
		}
		/* Fewer than three Ctrl-As were ordinary input after all. */
		for (; switch_count; switch_count--)
			burst_add(&b, CONSOLE_SWITCH_CHAR);
		burst_add(&b, (char)c);
	}
	burst_flush(&b);
	spin_unlock(&input_lock);
}

void console_input_init(void)
{
	unsigned irq = hal_console_rx_irq();

	if (irq == HAL_IRQ_NONE) {
		pr_info("the console has no receive interrupt: input is not read");
		return;
	}
	irq_register(irq, console_rx_irq, NULL);
	hal_irqchip_enable(irq, this_cpu_id());
}

void console_input_add(struct console_input *in)
{
	struct console_input **p;

	spin_lock(&input_lock);
	in->next = NULL;
	for (p = &inputs; *p; p = &(*p)->next)
		;
	*p = in;
	if (inputs == in)
		focus_set(in);          /* the first one gets the focus */
	spin_unlock(&input_lock);
}

void console_input_remove(struct console_input *in)
{
	spin_lock(&input_lock);
	for (struct console_input **p = &inputs; *p; p = &(*p)->next) {
		if (*p != in)
			continue;
		if (focus == in)
			focus_set(in->next);
		*p = in->next;
		break;
	}
	spin_unlock(&input_lock);
}

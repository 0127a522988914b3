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
static struct console_input *inputs; /* in registration order */
static struct console_input *focus;  /* NULL: cvisor */
static struct console_input *cvisor_in;
static bool cvisor_had_focus; /* since boot: then new inputs leave it */
static unsigned switch_count; /* Ctrl-As held back so far */

/* Typed for the focus, not yet taken by it. */
static char queue[CONSOLE_INPUT_QUEUE];
static size_t queue_head, queue_len;

/* Hands the focus what waits for it, as far as it takes it. */
static void queue_deliver(void)
{
	while (queue_len && focus) {
		size_t n = MIN(queue_len, sizeof(queue) - queue_head);
		size_t took = focus->receive(focus->ctx, queue + queue_head, n);
		queue_head = (queue_head + took) % sizeof(queue);
		queue_len -= took;
		if (took < n)
			break;
	}
	if (!focus)
		queue_head = queue_len = 0;
}

static void cvisor_receive(char c)
{
	if (cvisor_in)
		cvisor_in->receive(cvisor_in->ctx, &c, 1);
}

static void input_char(char c)
{
	if (!focus) {
		cvisor_receive(c);
		return;
	}
	if (queue_len == sizeof(queue)) {
		queue_deliver();
		if (queue_len == sizeof(queue)) {
			if (focus->lost)
				focus->lost(focus->ctx, 1);
			return;
		}
	}
	queue[(queue_head + queue_len++) % sizeof(queue)] = c;
}

static void focus_set(struct console_input *in)
{
	struct console_input *now = in ? in : cvisor_in;

	if (!in)
		cvisor_had_focus = true;

	queue_head = queue_len = 0; /* typed for the one before */
	focus = in;
	console_printf("[cvisor] console input now goes to %s; Ctrl-A three "
		       "times switches\n",
		       in ? in->label : "cvisor");
	if (now && now->focused)
		now->focused(now->ctx);
}

/* The hot key: cvisor -> each input in turn -> cvisor. */
bool console_input_focused(const struct console_input *in)
{
	return READ_ONCE(focus) == in;
}

static void focus_next(void)
{
	focus_set(focus ? focus->next : inputs);
}

static void console_rx_irq(unsigned irq, void *arg)
{
	int c;

	(void)irq, (void)arg;
	spin_lock(&input_lock);
	while ((c = hal_console_getc()) >= 0) {
		if (c == CONSOLE_SWITCH_CHAR) {
			if (++switch_count < CONSOLE_SWITCH_COUNT)
				continue;
			switch_count = 0;
			focus_next();
			continue;
		}
		/* Fewer than three Ctrl-As were ordinary input after all. */
		for (; switch_count; switch_count--)
			input_char(CONSOLE_SWITCH_CHAR);
		input_char((char)c);
	}
	queue_deliver();
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
	/* The first one gets the focus, unless it is with cvisor's
	 * shell (a VM started from there). */
	if (inputs == in && !(cvisor_in && cvisor_had_focus))
		focus_set(in);
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

void console_input_set_cvisor(struct console_input *in)
{
	spin_lock(&input_lock);
	cvisor_in = in;
	spin_unlock(&input_lock);
}

void console_input_ready(const struct console_input *in)
{
	spin_lock(&input_lock);
	if (focus == in)
		queue_deliver();
	spin_unlock(&input_lock);
}

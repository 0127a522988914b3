/* The VM's 8254 PIT at ports 0x40-0x43, with port 0x61's gate and
 * output bits for channel 2 (what guests calibrate their TSC against).
 * Its input clock, 1.193182 MHz, is derived from the host's TSC. Each
 * channel counts in mode 0 (interrupt on terminal count; mode 1, 4 and 5
 * alike, started when programmed), 2 (rate generator) or 3 (square wave);
 * counts are read as the access mode says (low, high or low then high
 * byte), latched by the counter-latch command. BCD counting is not
 * emulated (counts are binary). Channel 0's output pulses ISA IRQ 0 (the
 * PIC's line 0, IOAPIC pin VPIT_IOAPIC_PIN: 2, as PCs route it) at its
 * terminal count (mode 0) or every period (modes 2, 3). */
#include <hal/hal.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <kernel/timer.h>
#include <kernel/spinlock.h>
#include <vmm/io_bus.h>
#include "svm.h"

#define PIT_HZ    1193182ull
#define PORT_BASE 0x40
#define PORT_B    0x61
#define B_GATE2   0x01u
#define B_SPEAKER 0x02u
#define B_REFRESH 0x10u
#define B_OUT2    0x20u
#define ACC_LATCH 0
#define ACC_LO    1
#define ACC_HI    2
#define ACC_WORD  3

struct pit_channel {
	uint8_t mode, access;
	bool gate;
	bool hi_next_read, hi_next_write; /* ACC_WORD's byte order */
	bool latched;
	uint16_t latch;
	uint8_t write_lo;
	uint32_t reload; /* 1..65536 */
	uint64_t start;  /* host TSC when counting began; 0: stopped */
	uint64_t frozen; /* ticks counted when the gate went low */
};

/* Channel 0's interrupt: a cvisor timer event on the CPU of the vCPU
 * that programmed it (events are armed and cancelled on their own CPU),
 * one slot per CPU; a slot whose generation is not the channel's is
 * stale and does nothing. */
struct pit_slot {
	struct timer_event ev;
	struct vpit *pit;
	uint32_t gen;
};

struct vpit {
	spinlock_t lock;
	struct vm *vm;
	struct pit_channel ch[3];
	uint8_t port_b;
	uint64_t ticks_per_tsc; /* 32.32 */
	uint64_t tsc_per_tick;  /* 32.32 */
	uint32_t gen;           /* of channel 0's programming */
	uint64_t next;          /* host TSC of channel 0's next interrupt */
	struct pit_slot slot[MAX_CPUS];
};

/* Ticks since the channel started (frozen while channel 2's gate is
 * low). */
static uint64_t elapsed(const struct vpit *p, const struct pit_channel *c)
{
	if (!c->start)
		return c->frozen;
	uint64_t d = hal_timer_now() - c->start;
	uint64_t t =
		(uint64_t)(((unsigned __int128)d * p->ticks_per_tsc) >> 32);
	return c->frozen + t;
}

static uint16_t count(const struct vpit *p, const struct pit_channel *c)
{
	uint64_t e = elapsed(p, c);

	if (c->mode == 2 || c->mode == 3) {
		uint64_t step = c->mode == 3 ? 2 : 1;
		return (uint16_t)(c->reload - (e * step) % c->reload);
	}
	/* Mode 0: down from the reload, wrapping past zero. */
	return (uint16_t)(c->reload - e);
}

static bool output(const struct vpit *p, const struct pit_channel *c)
{
	uint64_t e = elapsed(p, c);

	if (!c->start && !c->frozen)
		return c->mode != 0; /* mode 0 starts low */
	if (c->mode == 2)
		return e % c->reload != c->reload - 1;
	if (c->mode == 3)
		return e % c->reload < (c->reload + 1) / 2;
	return e >= c->reload;
}

static uint64_t ticks_to_tsc(const struct vpit *p, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * p->tsc_per_tick) >> 32);
}

/* Channel 0 reached its count: a pulse on ISA IRQ 0 (IOAPIC pin
 * VPIT_IOAPIC_PIN); modes 2 and 3 go on a period later. */
static void irq0_fire(struct timer_event *ev)
{
	struct pit_slot *sl = container_of(ev, struct pit_slot, ev);
	struct vpit *p = sl->pit;
	struct pit_channel *c = &p->ch[0];

	spin_lock(&p->lock);
	if (sl->gen == p->gen) {
		vioapic_set_line(p->vm, VPIT_IOAPIC_PIN, true);
		vioapic_set_line(p->vm, VPIT_IOAPIC_PIN, false);
		vpic_set_line(p->vm, 0, true);
		vpic_set_line(p->vm, 0, false);
		if (c->mode == 2 || c->mode == 3) {
			uint64_t period = ticks_to_tsc(p, c->reload);
			uint64_t now = hal_timer_now();
			p->next += period;
			if (p->next <= now) /* missed ones are not made up */
				p->next = now + period;
			timer_event_arm(&sl->ev, p->next);
		}
	}
	spin_unlock(&p->lock);
}

/* Channel 0 (re)programmed: its next interrupt on this CPU's slot; any
 * other slot's event is now stale. Lock held. */
static void irq0_arm(struct vpit *p)
{
	struct pit_slot *sl = &p->slot[this_cpu_id()];
	struct pit_channel *c = &p->ch[0];

	p->gen++;
	sl->gen = p->gen;
	if (!c->start) {
		timer_event_cancel(&sl->ev);
		return;
	}
	p->next = c->start + ticks_to_tsc(p, c->reload);
	timer_event_arm(&sl->ev, p->next);
}

static void load(struct vpit *p, struct pit_channel *c, uint32_t value)
{
	c->reload = value ? value : 65536;
	c->frozen = 0;
	c->start = c->gate ? hal_timer_now() : 0;
	if (c == &p->ch[0])
		irq0_arm(p);
}

static void control(struct vpit *p, uint8_t v)
{
	unsigned sel = v >> 6;

	if (sel == 3) { /* read-back: latch the counts it names */
		for (unsigned i = 0; i < 3; i++)
			if (!(v & 0x20) && (v >> (1 + i) & 1) &&
			    !p->ch[i].latched) {
				p->ch[i].latch = count(p, &p->ch[i]);
				p->ch[i].latched = true;
			}
		return;
	}
	struct pit_channel *c = &p->ch[sel];
	unsigned acc = v >> 4 & 3;
	if (acc == ACC_LATCH) {
		if (!c->latched) {
			c->latch = count(p, c);
			c->latched = true;
		}
		return;
	}
	c->access = (uint8_t)acc;
	c->mode = (uint8_t)(v >> 1 & 7);
	if (c->mode > 5)
		c->mode -= 4; /* 6 and 7 are 2 and 3 */
	if (c->mode == 1 || c->mode == 4 || c->mode == 5)
		c->mode = 0;
	c->hi_next_read = c->hi_next_write = false;
	c->latched = false;
	c->start = 0;
	c->frozen = 0;
	if (sel == 0)
		irq0_arm(p); /* a new mode stops it until a count is written */
}

static uint8_t channel_read(struct vpit *p, struct pit_channel *c)
{
	uint16_t v = c->latched ? c->latch : count(p, c);
	bool hi = c->access == ACC_HI ||
		  (c->access == ACC_WORD && c->hi_next_read);

	if (c->access == ACC_WORD)
		c->hi_next_read = !c->hi_next_read;
	if (c->latched && (c->access != ACC_WORD || !c->hi_next_read))
		c->latched = false; /* all of the latch has been read */
	return hi ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void channel_write(struct vpit *p, struct pit_channel *c, uint8_t v)
{
	switch (c->access) {
	case ACC_LO:
		load(p, c, v);
		break;
	case ACC_HI:
		load(p, c, (uint32_t)v << 8);
		break;
	default:
		if (!c->hi_next_write) {
			c->write_lo = v;
			c->hi_next_write = true;
		} else {
			c->hi_next_write = false;
			load(p, c, (uint32_t)v << 8 | c->write_lo);
		}
	}
}

static void gate2(struct vpit *p, bool on)
{
	struct pit_channel *c = &p->ch[2];

	if (on == c->gate)
		return;
	if (on) {
		/* Mode 0 goes on; 2 and 3 start over on the rise. */
		if (c->mode != 0)
			c->frozen = 0;
		c->start = hal_timer_now();
	} else {
		c->frozen = elapsed(p, c);
		c->start = 0;
	}
	c->gate = on;
}

static bool pit_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vpit *p = ctx;

	if (width != 1)
		return false;
	spin_lock(&p->lock);
	if (off < 3)
		*val = channel_read(p, &p->ch[off]);
	else if (off == PORT_B) {
		/* The refresh bit toggles as on a PC (guests wait on it). */
		p->port_b ^= B_REFRESH;
		*val = (p->port_b & (B_GATE2 | B_SPEAKER | B_REFRESH)) |
		       (output(p, &p->ch[2]) ? B_OUT2 : 0);
	} else {
		*val = 0xff; /* the control word reads as nothing */
	}
	spin_unlock(&p->lock);
	return true;
}

static bool pit_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vpit *p = ctx;

	if (width != 1)
		return false;
	spin_lock(&p->lock);
	if (off < 3)
		channel_write(p, &p->ch[off], (uint8_t)val);
	else if (off == 3)
		control(p, (uint8_t)val);
	else if (off == PORT_B) {
		p->port_b = (uint8_t)val & (B_GATE2 | B_SPEAKER);
		gate2(p, val & B_GATE2);
	}
	spin_unlock(&p->lock);
	return true;
}

static bool port_b_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	return pit_read(ctx, off + PORT_B, width, val);
}

static bool port_b_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	return pit_write(ctx, off + PORT_B, width, val);
}

static void pit_reset(void *ctx)
{
	struct vpit *p = ctx;

	spin_lock(&p->lock);
	p->gen++; /* any armed interrupt is stale */
	for (unsigned i = 0; i < 3; i++)
		p->ch[i] = (struct pit_channel){ .mode = 3,
						 .access = ACC_WORD,
						 .gate = i != 2,
						 .reload = 65536 };
	p->port_b = 0;
	spin_unlock(&p->lock);
}

static void pit_destroy(void *ctx)
{
	struct vpit *p = ctx;

	p->vm->arch.pit = NULL;
	kfree(p);
}

void vpit_cpu_stop(struct vm *vm)
{
	struct vpit *p = vm->arch.pit;

	if (p)
		timer_event_cancel(&p->slot[this_cpu_id()].ev);
}

/* Two ranges on the port bus, one state: 0x40-0x43 and port B (0x61,
 * whose offset the handlers see as PORT_B: its range's base is 0). */
int vpit_create(struct vm *vm)
{
	struct vpit *p = kzalloc(sizeof(*p));

	if (!p)
		return -1;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	p->vm = vm;
	p->ticks_per_tsc = (PIT_HZ << 32) / hal_timer_freq();
	p->tsc_per_tick = (hal_timer_freq() << 32) / PIT_HZ;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		p->slot[i].pit = p;
		p->slot[i].ev.fn = irq0_fire;
	}
	pit_reset(p);
	struct io_device d = {
		.name = "8254",
		.base = PORT_BASE,
		.size = 4,
		.ctx = p,
		.read = pit_read,
		.write = pit_write,
		.reset = pit_reset,
		.destroy = pit_destroy,
	};
	if (!io_register(&vm->pio, &d)) {
		kfree(p);
		return -1;
	}
	vm->arch.pit = p;
	struct io_device b = {
		.name = "port B",
		.base = PORT_B,
		.size = 1,
		.ctx = p,
		.read = port_b_read,
		.write = port_b_write,
	};
	return io_register(&vm->pio, &b) ? 0 : -1;
}

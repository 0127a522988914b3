/* A virtual PL061 (ARM PrimeCell GPIO, 8 lines) whose inputs cvisor
 * drives: the VM's power button is one of them (QEMU's virt machine wires
 * its button to line 3 and describes it to the guest as a gpio-keys
 * KEY_POWER).
 *
 * The registers are 8 bits wide at 4-byte strides, read and written at
 * any width (Linux's driver uses byte accesses). GPIODATA is address-
 * masked: bits [9:2] of the offset select the lines an access touches.
 * A line whose GPIODIR bit is clear reads its input; one set as an output
 * reads what was written. Interrupts: an edge-sensitive line (GPIOIS
 * clear) latches GPIORIS on a rising edge (GPIOIEV set), a falling one
 * (GPIOIEV clear), or both (GPIOIBE), until GPIOIC clears it; a
 * level-sensitive line's GPIORIS follows its input (high when GPIOIEV is
 * set). Any bit of GPIOMIS = GPIORIS & GPIOIE drives the VM's interrupt
 * line as a level. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <vmm/devices.h>
#include <vmm/vm.h>

#define GPIO_DATA_END 0x400 /* 0x000-0x3fc: GPIODATA, address-masked */
#define GPIO_DIR      0x400
#define GPIO_IS       0x404
#define GPIO_IBE      0x408
#define GPIO_IEV      0x40c
#define GPIO_IE       0x410
#define GPIO_RIS      0x414
#define GPIO_MIS      0x418
#define GPIO_IC       0x41c
#define GPIO_AFSEL    0x420
#define GPIO_ID       0xfe0

/* PeriphID0-3 (part 0x061, ARM, revision 0) and the PrimeCell ID, which
 * Linux's AMBA bus reads to bind the driver. */
static const uint8_t pl061_id[8] = { 0x61, 0x10, 0x04, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

struct vgpio {
	struct vm *vm;
	unsigned irq;
	spinlock_t lock;
	uint8_t in;  /* what cvisor drives onto the lines */
	uint8_t out; /* GPIODATA as written, for output lines */
	uint8_t dir, is, ibe, iev, ie, ris, afsel;
	bool line; /* the interrupt output, as last driven */
};

/* Level-sensitive lines' status follows their inputs; the output is
 * driven again when it changes. Called with the lock held. */
static void vgpio_update(struct vgpio *g)
{
	uint8_t level_hit = (uint8_t) ~(g->in ^ g->iev);

	g->ris = (uint8_t)((g->ris & ~g->is) | (level_hit & g->is));
	bool level = (g->ris & g->ie) != 0;
	if (level != g->line) {
		g->line = level;
		vm_arch_set_irq_line(g->vm, g->irq, level);
	}
}

static bool vgpio_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct vgpio *g = ctx;
	uint8_t v;

	(void)width;
	if (off & 3)
		return false;
	spin_lock(&g->lock);
	if (off < GPIO_DATA_END) {
		uint8_t mask = (uint8_t)(off >> 2);
		v = (uint8_t)(((g->in & ~g->dir) | (g->out & g->dir)) & mask);
	} else if (off >= GPIO_ID) {
		v = pl061_id[(off - GPIO_ID) / 4];
	} else {
		switch (off) {
		case GPIO_DIR:
			v = g->dir;
			break;
		case GPIO_IS:
			v = g->is;
			break;
		case GPIO_IBE:
			v = g->ibe;
			break;
		case GPIO_IEV:
			v = g->iev;
			break;
		case GPIO_IE:
			v = g->ie;
			break;
		case GPIO_RIS:
			v = g->ris;
			break;
		case GPIO_MIS:
			v = g->ris & g->ie;
			break;
		case GPIO_AFSEL:
			v = g->afsel;
			break;
		default:
			v = 0;
			break; /* GPIOIC and the reserved words */
		}
	}
	spin_unlock(&g->lock);
	*val = v;
	return true;
}

static bool vgpio_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct vgpio *g = ctx;
	uint8_t v = (uint8_t)val;

	(void)width;
	if (off & 3)
		return false;
	spin_lock(&g->lock);
	if (off < GPIO_DATA_END) {
		uint8_t mask = (uint8_t)(off >> 2) & g->dir;
		g->out = (uint8_t)((g->out & ~mask) | (v & mask));
	} else {
		switch (off) {
		case GPIO_DIR:
			g->dir = v;
			break;
		case GPIO_IS:
			g->is = v;
			break;
		case GPIO_IBE:
			g->ibe = v;
			break;
		case GPIO_IEV:
			g->iev = v;
			break;
		case GPIO_IE:
			g->ie = v;
			break;
		case GPIO_IC:
			g->ris &= (uint8_t)~v;
			break;
		case GPIO_AFSEL:
			g->afsel = v;
			break;
		default:
			break; /* read-only and reserved: ignored */
		}
	}
	vgpio_update(g);
	spin_unlock(&g->lock);
	return true;
}

void vgpio_pl061_set_input(struct vgpio *g, unsigned line, bool level)
{
	uint8_t bit = (uint8_t)(1u << (line & 7));

	spin_lock(&g->lock);
	uint8_t was = g->in;
	g->in = level ? (uint8_t)(was | bit) : (uint8_t)(was & ~bit);
	if (g->in != was && !(g->is & bit) &&
	    ((g->ibe & bit) || !(g->iev & bit) == !level))
		g->ris |= bit;
	vgpio_update(g);
	spin_unlock(&g->lock);
}

static void vgpio_reset(void *ctx)
{
	struct vgpio *g = ctx;

	spin_lock(&g->lock);
	g->out = g->dir = g->is = g->ibe = g->iev = g->ie = g->ris = 0;
	g->afsel = 0;
	vgpio_update(g);
	spin_unlock(&g->lock);
}

static void vgpio_destroy(void *ctx)
{
	kfree(ctx);
}

struct vgpio *vgpio_pl061_create(struct vm *vm, gpaddr_t base, unsigned irq)
{
	struct vgpio *g = kzalloc(sizeof(*g));

	if (!g)
		return NULL;
	g->vm = vm;
	g->irq = irq;
	g->lock = (spinlock_t)SPINLOCK_INIT;
	struct io_device d = { .name = "pl061",
			       .base = base,
			       .size = 0x1000,
			       .ctx = g,
			       .read = vgpio_read,
			       .write = vgpio_write,
			       .reset = vgpio_reset,
			       .destroy = vgpio_destroy };
	if (!io_register(&vm->mmio, &d)) {
		kfree(g);
		return NULL;
	}
	return g;
}

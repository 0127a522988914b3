/* A virtual SiFive GPIO ("sifive,gpio0", the FU540's; Linux's
 * gpio-sifive) with up to 32 lines whose inputs cvisor drives: the VM's
 * power button is one of them.
 *
 * 32-bit registers, read and written only 32 bits at a time (the
 * driver's regmap does). A line's pin is what cvisor drives onto it,
 * or, while output_en is set, output_val ^ out_xor; input_val reads the
 * pins of the lines whose input_en is set (0 for the others). Each line
 * has its own interrupt output, the VM's line irq_base + line, up while
 * any of its *_ip bits is set together with the matching *_ie bit.
 * rise_ip and fall_ip latch an edge of input_val, high_ip and low_ip its
 * level; each stays set until the guest writes 1 to it, and a level
 * still there sets its bit again at once (as QEMU's sifive_gpio does).
 * pue, ds, iof_en and iof_sel read back as written and do nothing. */
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/vm.h>

#define GPIO_INPUT_VAL  0x00
#define GPIO_INPUT_EN   0x04
#define GPIO_OUTPUT_EN  0x08
#define GPIO_OUTPUT_VAL 0x0c
#define GPIO_PUE        0x10
#define GPIO_DS         0x14
#define GPIO_RISE_IE    0x18
#define GPIO_RISE_IP    0x1c
#define GPIO_FALL_IE    0x20
#define GPIO_FALL_IP    0x24
#define GPIO_HIGH_IE    0x28
#define GPIO_HIGH_IP    0x2c
#define GPIO_LOW_IE     0x30
#define GPIO_LOW_IP     0x34
#define GPIO_IOF_EN     0x38
#define GPIO_IOF_SEL    0x3c
#define GPIO_OUT_XOR    0x40
#define GPIO_NREGS      (GPIO_OUT_XOR / 4 + 1)

struct vgpio_sifive {
	struct vm *vm;
	unsigned irq_base;
	uint32_t mask; /* the lines there are */
	spinlock_t lock;
	uint32_t in;              /* what cvisor drives onto the pins */
	uint32_t reg[GPIO_NREGS]; /* by offset / 4; input_val is computed */
	uint32_t lines;           /* the interrupt outputs, as last driven */
};

#define REG(g, off) ((g)->reg[(off) / 4])

/* input_val as the pins and input_en make it now. */
static uint32_t vgpio_sifive_ival(const struct vgpio_sifive *g)
{
	uint32_t oe = REG(g, GPIO_OUTPUT_EN);
	uint32_t pin = (g->in & ~oe) |
		       (oe & (REG(g, GPIO_OUTPUT_VAL) ^ REG(g, GPIO_OUT_XOR)));

	return pin & REG(g, GPIO_INPUT_EN) & g->mask;
}

/* Latches edges and levels of input_val and drives the lines whose
 * output changed. Called with the lock held. */
static void vgpio_sifive_update(struct vgpio_sifive *g)
{
	uint32_t was = REG(g, GPIO_INPUT_VAL), now = vgpio_sifive_ival(g);

	REG(g, GPIO_INPUT_VAL) = now;
	REG(g, GPIO_RISE_IP) |= now & ~was;
	REG(g, GPIO_FALL_IP) |= ~now & was;
	REG(g, GPIO_HIGH_IP) |= now;
	REG(g, GPIO_LOW_IP) |= ~now & g->mask;
	uint32_t up = ((REG(g, GPIO_RISE_IP) & REG(g, GPIO_RISE_IE)) |
		       (REG(g, GPIO_FALL_IP) & REG(g, GPIO_FALL_IE)) |
		       (REG(g, GPIO_HIGH_IP) & REG(g, GPIO_HIGH_IE)) |
		       (REG(g, GPIO_LOW_IP) & REG(g, GPIO_LOW_IE))) &
		      g->mask;
	uint32_t diff = up ^ g->lines;
	for (unsigned line = 0; line < 32 && diff >> line; line++)
		if (diff >> line & 1)
			vm_arch_set_irq_line(g->vm, g->irq_base + line,
					     up >> line & 1);
	g->lines = up;
}

static bool vgpio_sifive_read(void *ctx, uint64_t off, unsigned width,
			      uint64_t *val)
{
	struct vgpio_sifive *g = ctx;

	if (width != 4 || (off & 3))
		return false;
	spin_lock(&g->lock);
	*val = off / 4 < GPIO_NREGS ? g->reg[off / 4] : 0;
	spin_unlock(&g->lock);
	return true;
}

static bool vgpio_sifive_write(void *ctx, uint64_t off, unsigned width,
			       uint64_t val)
{
	struct vgpio_sifive *g = ctx;
	uint32_t v = (uint32_t)val & g->mask;

	if (width != 4 || (off & 3))
		return false;
	spin_lock(&g->lock);
	switch (off) {
	case GPIO_INPUT_VAL:
		break; /* read-only */
	case GPIO_RISE_IP:
	case GPIO_FALL_IP:
	case GPIO_HIGH_IP:
	case GPIO_LOW_IP:
		g->reg[off / 4] &= ~v; /* write 1 to clear */
		break;
	default:
		if (off / 4 < GPIO_NREGS)
			g->reg[off / 4] = v;
		break; /* past out_xor: nothing */
	}
	vgpio_sifive_update(g);
	spin_unlock(&g->lock);
	return true;
}

void vgpio_sifive_set_input(struct vgpio_sifive *g, unsigned line, bool level)
{
	uint32_t bit = 1u << (line & 31);

	spin_lock(&g->lock);
	g->in = level ? g->in | bit : g->in & ~bit;
	vgpio_sifive_update(g);
	spin_unlock(&g->lock);
}

/* Every register 0, as the FU540 comes out of reset; what cvisor drives
 * onto the pins stays. */
static void vgpio_sifive_reset(void *ctx)
{
	struct vgpio_sifive *g = ctx;

	spin_lock(&g->lock);
	memset(g->reg, 0, sizeof(g->reg));
	vgpio_sifive_update(g);
	spin_unlock(&g->lock);
}

static void vgpio_sifive_destroy(void *ctx)
{
	kfree(ctx);
}

struct vgpio_sifive *vgpio_sifive_create(struct vm *vm, gpaddr_t base,
					 unsigned irq_base, unsigned nlines)
{
	struct vgpio_sifive *g;

	if (nlines == 0 || nlines > 32)
		return NULL;
	g = kzalloc(sizeof(*g));
	if (!g)
		return NULL;
	g->vm = vm;
	g->irq_base = irq_base;
	g->mask = nlines == 32 ? ~0u : (1u << nlines) - 1;
	g->lock = (spinlock_t)SPINLOCK_INIT;
	struct io_device d = { .name = "sifive-gpio",
			       .base = base,
			       .size = 0x1000,
			       .ctx = g,
			       .read = vgpio_sifive_read,
			       .write = vgpio_sifive_write,
			       .reset = vgpio_sifive_reset,
			       .destroy = vgpio_sifive_destroy };
	if (!io_register(&vm->mmio, &d)) {
		kfree(g);
		return NULL;
	}
	vgpio_sifive_update(g); /* low_ip: every input reads 0 */
	return g;
}

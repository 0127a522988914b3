/* The riscv64 VM's machine for the guest DTB: harts with what the guest
 * may use of the ISA, each with its local interrupt controller, QEMU
 * virt's PLIC (one S-mode context per vCPU), its 16550, and the power
 * button on a SiFive GPIO. */
#include <hal/hal.h>
#include <vmm/guest_dtb.h>
#include "virt_platform.h"
#include "vmm_riscv64.h"

/* A cpu's interrupt-controller node; the PLIC's is
 * GUEST_DTB_PHANDLE_IRQCHIP. The power button's GPIO comes after the
 * last cpu's. */
#define PHANDLE_CPU_INTC(i) (GUEST_DTB_PHANDLE_ARCH + (i))
#define PHANDLE_GPIO        PHANDLE_CPU_INTC(VMCFG_MAX_CPUS)
#define IRQ_S_EXT           9u  /* scause's supervisor external */
#define IRQ_M_EXT           11u /* machine external (an M-mode context) */

#define STRLIST(s) s, sizeof(s)

static void riscv64_cpus_props(struct fdtw *w, const struct guest_dtb_input *in)
{
	(void)in;
	fdtw_prop_u32(w, "timebase-frequency", (uint32_t)hal_timer_freq());
}

/* The H extension is not offered (no nested virtualisation); Sstc only
 * where cvisor gives it (henvcfg.STCE). */
static void riscv64_cpu_props(struct fdtw *w, const struct guest_dtb_input *in,
			      unsigned vcpu)
{
	(void)in;
	(void)vcpu;
	fdtw_prop_string(w, "compatible", "riscv");
	fdtw_prop_string(w, "riscv,isa",
			 riscv_sstc ? "rv64imafdc_zicsr_zifencei_sstc" :
				      "rv64imafdc_zicsr_zifencei");
	fdtw_prop_string(w, "mmu-type", "riscv,sv39");
	fdtw_prop_string(w, "status", "okay");
}

static void riscv64_cpu_nodes(struct fdtw *w, const struct guest_dtb_input *in,
			      unsigned vcpu)
{
	(void)in;
	fdtw_begin_node(w, "interrupt-controller");
	fdtw_prop_string(w, "compatible", "riscv,cpu-intc");
	fdtw_prop_u32(w, "#interrupt-cells", 1);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "phandle", PHANDLE_CPU_INTC(vcpu));
	fdtw_end_node(w);
}

static void riscv64_plic(struct fdtw *w, const struct guest_dtb_input *in)
{
	uint64_t reg[2] = { VIRT_PLIC_BASE, VIRT_PLIC_SIZE };
	uint32_t ext[4 * VMCFG_MAX_CPUS];
	unsigned n = in->cfg->cpu_num;

	/* QEMU virt's contexts: each hart's M-mode, then its S-mode. */
	for (unsigned i = 0; i < n; i++) {
		ext[4 * i] = PHANDLE_CPU_INTC(i);
		ext[4 * i + 1] = IRQ_M_EXT;
		ext[4 * i + 2] = PHANDLE_CPU_INTC(i);
		ext[4 * i + 3] = IRQ_S_EXT;
	}
	fdtw_begin_node_at(w, "plic", VIRT_PLIC_BASE);
	fdtw_prop(w, "compatible", STRLIST("sifive,plic-1.0.0\0riscv,plic0"));
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_u32(w, "#interrupt-cells", 1);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "riscv,ndev", VIRT_PLIC_SOURCES - 1);
	fdtw_prop_cells(w, "interrupts-extended", ext, 4 * n);
	fdtw_prop_u32(w, "phandle", GUEST_DTB_PHANDLE_IRQCHIP);
	fdtw_end_node(w);
}

static void riscv64_uart(struct fdtw *w)
{
	uint64_t reg[2] = { VIRT_UART_BASE, VIRT_UART_SIZE };

	fdtw_begin_node_at(w, "serial", VIRT_UART_BASE);
	fdtw_prop_string(w, "compatible", "ns16550a");
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_u32(w, "clock-frequency", VIRT_UART_CLOCK);
	fdtw_prop_u32(w, "interrupts", VIRT_UART_IRQ);
	fdtw_prop_u32(w, "interrupt-parent", GUEST_DTB_PHANDLE_IRQCHIP);
	fdtw_end_node(w);
}

/* The power button: a gpio-keys KEY_POWER on line 0 of the SiFive GPIO
 * (its binding, sifive,gpio.yaml: one PLIC source per line, in order;
 * an interrupt controller for its lines, two cells as GPIO specifiers
 * have). Active high: a press drives the line up. */
static void riscv64_power_button(struct fdtw *w)
{
	uint64_t reg[2] = { VIRT_GPIO_BASE, VIRT_GPIO_SIZE };
	uint32_t irqs[VIRT_GPIO_LINES];

	for (unsigned i = 0; i < VIRT_GPIO_LINES; i++)
		irqs[i] = VIRT_GPIO_IRQ + i;
	fdtw_begin_node_at(w, "gpio", VIRT_GPIO_BASE);
	fdtw_prop_string(w, "compatible", "sifive,gpio0");
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_u32(w, "interrupt-parent", GUEST_DTB_PHANDLE_IRQCHIP);
	fdtw_prop_cells(w, "interrupts", irqs, VIRT_GPIO_LINES);
	fdtw_prop_empty(w, "gpio-controller");
	fdtw_prop_u32(w, "#gpio-cells", 2);
	fdtw_prop_u32(w, "ngpios", VIRT_GPIO_LINES);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "#interrupt-cells", 2);
	fdtw_prop_u32(w, "phandle", PHANDLE_GPIO);
	fdtw_end_node(w);

	guest_dtb_power_key(w, PHANDLE_GPIO, VIRT_GPIO_POWER);
}

static void riscv64_devices(struct fdtw *w, const struct guest_dtb_input *in)
{
	riscv64_plic(w, in);
	riscv64_uart(w);
	if (virt_has_power_button(in->cfg))
		riscv64_power_button(w);
}

/* PLIC specifiers: one cell, the source id. */
static bool plic_irq_decode(const uint32_t *cells, uint32_t *irq,
			    uint32_t *flags)
{
	if (cells[0] == 0 || cells[0] >= VIRT_PLIC_SOURCES)
		return false;
	*irq = cells[0];
	*flags = 0;
	return true;
}

static void plic_irq_encode(uint32_t irq, uint32_t flags, uint32_t *cells)
{
	(void)flags;
	cells[0] = irq;
}

static const struct ptdev_irq_format plic_irq_format = {
	.cells = 1,
	.decode = plic_irq_decode,
	.encode = plic_irq_encode,
};

const struct guest_dtb_platform guest_dtb_riscv64 = {
	.arch = "riscv64",
	.compatible = "riscv-virtio",
	.stdout_path = "/serial@10000000",
	.virtio_base = VIRT_VIRTIO_BASE,
	.virtio_irq = VIRT_VIRTIO_IRQ,
	.irq_parent_per_node = true,
	.cpu_props = riscv64_cpu_props,
	.cpu_nodes = riscv64_cpu_nodes,
	.cpus_props = riscv64_cpus_props,
	.devices = riscv64_devices,
	.irq_format = &plic_irq_format,
};

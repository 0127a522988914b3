/* The aarch64 VM's machine for the guest DTB: QEMU virt's GIC (v3 or v2),
 * the architected timer, PSCI over HVC and the PL011 console. Pure: also
 * built for the host tool. */
#include <vmm/guest_dtb.h>
#include "virt_platform.h"

#define GIC_SPI          0u
#define GIC_PPI          1u
#define IRQ_LEVEL_HIGH   4u
#define PHANDLE_APB_PCLK GUEST_DTB_PHANDLE_ARCH
#define PHANDLE_GPIO     (GUEST_DTB_PHANDLE_ARCH + 1)

/* Bytes of a string list ("a\0b\0"), terminating NUL included. */
#define STRLIST(s) s, sizeof(s)

static void aarch64_cpu_props(struct fdtw *w, const struct guest_dtb_input *in,
			      unsigned vcpu)
{
	(void)in;
	(void)vcpu;
	fdtw_prop_string(w, "compatible", "arm,armv8");
	fdtw_prop_string(w, "enable-method", "psci");
}

static void aarch64_gic(struct fdtw *w, const struct guest_dtb_input *in)
{
	fdtw_begin_node_at(w, "intc", VIRT_GICD_BASE);
	if (virt_gic_version(in->cfg, in->irqchip_version) == 2) {
		uint64_t reg[4] = { VIRT_GICD_BASE, VIRT_GICD_SIZE,
				    VIRT_GICC_BASE, VIRT_GICC_SIZE };
		fdtw_prop_string(w, "compatible", "arm,cortex-a15-gic");
		fdtw_prop_reg64(w, "reg", reg, 2);
	} else {
		uint64_t reg[4] = { VIRT_GICD_BASE, VIRT_GICD_SIZE,
				    VIRT_GICR_BASE,
				    VIRT_GICR_STRIDE * in->cfg->cpu_num };
		fdtw_prop_string(w, "compatible", "arm,gic-v3");
		fdtw_prop_reg64(w, "reg", reg, 2);
		fdtw_prop_u32(w, "#redistributor-regions", 1);
	}
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "phandle", GUEST_DTB_PHANDLE_IRQCHIP);
	fdtw_end_node(w);
}

static void aarch64_timer(struct fdtw *w, const struct guest_dtb_input *in)
{
	static const uint32_t ppis[4] = { VIRT_PPI_SEC_PHYS, VIRT_PPI_PHYS,
					  VIRT_PPI_VIRT, VIRT_PPI_HYP };
	uint32_t flags = IRQ_LEVEL_HIGH, cells[12];

	/* GICv2 bindings name the CPUs a PPI goes to. */
	if (virt_gic_version(in->cfg, in->irqchip_version) == 2)
		flags |= ((1u << in->cfg->cpu_num) - 1) << 8 & 0xff00;
	for (int i = 0; i < 4; i++) {
		cells[3 * i] = GIC_PPI;
		cells[3 * i + 1] = ppis[i];
		cells[3 * i + 2] = flags;
	}
	fdtw_begin_node(w, "timer");
	fdtw_prop(w, "compatible", STRLIST("arm,armv8-timer\0arm,armv7-timer"));
	fdtw_prop_cells(w, "interrupts", cells, 12);
	fdtw_prop_empty(w, "always-on");
	fdtw_end_node(w);
}

static void aarch64_psci(struct fdtw *w)
{
	fdtw_begin_node(w, "psci");
	fdtw_prop(w, "compatible",
		  STRLIST("arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	fdtw_prop_string(w, "method", "hvc");
	fdtw_end_node(w);
}

static void aarch64_uart(struct fdtw *w)
{
	uint64_t reg[2] = { VIRT_UART_BASE, VIRT_UART_SIZE };
	uint32_t irq[3] = { GIC_SPI, VIRT_UART_SPI, IRQ_LEVEL_HIGH };
	uint32_t clocks[2] = { PHANDLE_APB_PCLK, PHANDLE_APB_PCLK };

	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", VIRT_UART_CLOCK_HZ);
	fdtw_prop_string(w, "clock-output-names", "clk24mhz");
	fdtw_prop_u32(w, "phandle", PHANDLE_APB_PCLK);
	fdtw_end_node(w);

	fdtw_begin_node_at(w, "pl011", VIRT_UART_BASE);
	fdtw_prop(w, "compatible", STRLIST("arm,pl011\0arm,primecell"));
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_cells(w, "interrupts", irq, 3);
	fdtw_prop_cells(w, "clocks", clocks, 2);
	fdtw_prop(w, "clock-names", STRLIST("uartclk\0apb_pclk"));
	fdtw_end_node(w);
}

/* GIC specifiers: <type number flags>, type 0 an SPI (INTID number + 32),
 * type 1 a PPI, which belongs to a CPU and is never given away. */
static bool gic_irq_decode(const uint32_t *cells, uint32_t *irq,
			   uint32_t *flags)
{
	if (cells[0] != GIC_SPI || cells[1] >= 1020 - 32)
		return false;
	*irq = cells[1] + 32;
	*flags = cells[2] & 0xf;
	return true;
}

static void gic_irq_encode(uint32_t irq, uint32_t flags, uint32_t *cells)
{
	cells[0] = GIC_SPI;
	cells[1] = irq - 32;
	cells[2] = flags ? flags : IRQ_LEVEL_HIGH;
}

static const struct ptdev_irq_format gic_irq_format = {
	.cells = 3,
	.decode = gic_irq_decode,
	.encode = gic_irq_encode,
};

/* The power button as QEMU's virt machine describes it: a gpio-keys
 * KEY_POWER on line 3 of the PL061 (which shares the UART's APB clock). */
static void aarch64_power_button(struct fdtw *w)
{
	uint64_t reg[2] = { VIRT_GPIO_BASE, VIRT_GPIO_SIZE };
	uint32_t irq[3] = { GIC_SPI, VIRT_GPIO_SPI, IRQ_LEVEL_HIGH };

	fdtw_begin_node_at(w, "pl061", VIRT_GPIO_BASE);
	fdtw_prop(w, "compatible", STRLIST("arm,pl061\0arm,primecell"));
	fdtw_prop_reg64(w, "reg", reg, 1);
	fdtw_prop_cells(w, "interrupts", irq, 3);
	fdtw_prop_empty(w, "gpio-controller");
	fdtw_prop_u32(w, "#gpio-cells", 2);
	fdtw_prop_u32(w, "clocks", PHANDLE_APB_PCLK);
	fdtw_prop_string(w, "clock-names", "apb_pclk");
	fdtw_prop_u32(w, "phandle", PHANDLE_GPIO);
	fdtw_end_node(w);

	guest_dtb_power_key(w, PHANDLE_GPIO, VIRT_GPIO_POWER);
}

static void aarch64_devices(struct fdtw *w, const struct guest_dtb_input *in)
{
	aarch64_psci(w);
	aarch64_gic(w, in);
	aarch64_timer(w, in);
	aarch64_uart(w);
	if (virt_has_power_button(in->cfg))
		aarch64_power_button(w);
}

const struct guest_dtb_platform guest_dtb_aarch64 = {
	.arch = "aarch64",
	.compatible = "linux,dummy-virt",
	.stdout_path = "/pl011@9000000",
	.flash_base = VIRT_FLASH_BASE,
	.flash_size = VIRT_FLASH_SIZE,
	.virtio_base = VIRT_VIRTIO_BASE,
	.virtio_irq = 32 + VIRT_VIRTIO_SPI,
	.cpu_props = aarch64_cpu_props,
	.devices = aarch64_devices,
	.irq_format = &gic_irq_format,
};

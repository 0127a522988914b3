/* aarch64 VM-wide state: the VMID and the stage-2 root in VTTBR_EL2. */
#include <arch/sysreg.h>
#include <arch/gic.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <vmm/devices.h>
#include <vmm/emu_devices.h>
#include <vmm/guest_dtb.h>
#include <vmm/kernel_image.h>
#include "virt_platform.h"
#include "vmm_aarch64.h"

#define VMID_COUNT 256 /* 8-bit VMIDs: every CPU has them */

static uint64_t vmid_used[VMID_COUNT / 64];
static spinlock_t vmid_lock = SPINLOCK_INIT;

uint64_t arch_vtcr(void)
{
	uint64_t ps = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	/* 39-bit IPA, walk from level 1 (SL0 = 1), 4 KiB granule, inner
	 * shareable write-back walks. */
	return 1ull << 31 | (ps > 5 ? 5 : ps) << 16 | 3ull << 12 | 1ull << 10 |
	       1ull << 8 | 1ull << 6 | 25;
}

static int vmid_alloc(void)
{
	int id = -1;

	spin_lock(&vmid_lock);
	for (int i = 1; i < VMID_COUNT && id < 0; i++) {
		if (!(vmid_used[i / 64] >> (i % 64) & 1)) {
			vmid_used[i / 64] |= 1ull << (i % 64);
			id = i;
		}
	}
	spin_unlock(&vmid_lock);
	return id;
}

int vmm_arch_init(void)
{
	vcpu_features_init();
	return vgic_init();
}

/* What AxVisor's x86 configs ask for and aarch64 has not: a firmware boot
 * flow (only "direct" here; the parser has made enable_bios and the
 * protocol agree) and I/O ports. Refused rather than ignored, so that such
 * a VM does not boot otherwise than its file says. */
static int vm_arch_check_config(const struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	enum vmcfg_boot_protocol proto = vmcfg_boot_protocol(c);

	if (c->enable_bios || proto != VMCFG_BOOT_DIRECT) {
		pr_error("VM %s: kernel.enable_bios = %s (boot_protocol \"%s\"): "
			 "aarch64 boots only \"direct\", with no firmware; VM "
			 "refused",
			 vm->name, c->enable_bios ? "true" : "false",
			 vmcfg_boot_protocol_name(proto));
		return -1;
	}
	if (c->pt_port_count) {
		pr_error("VM %s: devices.passthrough_ports: aarch64 has no I/O "
			 "ports; VM refused",
			 vm->name);
		return -1;
	}
	return 0;
}

#define GPPT_WARN                                                       \
	"GIC partial passthrough is served by cvisor's emulated GICv3 " \
	"(GICD 0x8000000, GICR 0x80a0000)"

/* AxVisor's emu_devices types an aarch64 VM can have, at QEMU virt's
 * addresses (docs/config.md, "Emulated devices"). */
static const struct emu_support emu_aarch64[] = {
	{ VMCFG_EMU_INTC, VIRT_GICD_BASE, "GIC", NULL, 0 },
	{ VMCFG_EMU_CONSOLE, VIRT_UART_BASE, "PL011 UART", NULL, 0 },
	{ VMCFG_EMU_IVC, 0, "IVC window", NULL, 0 },
	{ VMCFG_EMU_GPPT_GICR, VIRT_GICR_BASE, "GICv3 redistributors",
	  GPPT_WARN, 3 },
	{ VMCFG_EMU_GPPT_GICD, VIRT_GICD_BASE, "GICv3 distributor", GPPT_WARN,
	  3 },
	{ VMCFG_EMU_GPPT_ITS, 0, "GICv3 ITS",
	  "GIC ITS passthrough: cvisor's emulated GICv3 has no ITS, so the "
	  "guest has no LPIs or MSIs",
	  3 },
};

/* The VM's GIC: its own choice (emu_devices), or the host's. A GICv2
 * host cannot give a GICv3 (no system-register CPU interface to
 * virtualise); a GICv3 host gives a GICv2 with its CPU interface
 * emulated (vgic_v2_soft.c). */
static int vm_arch_check_gic(const struct vm *vm, unsigned gic)
{
	if (emu_devices_check(vm, "aarch64", emu_aarch64,
			      sizeof(emu_aarch64) / sizeof(emu_aarch64[0]),
			      gic))
		return -1;
	if (gic == 3 && hal_gic_version() == 2) {
		pr_error("VM %s: devices.emu_devices ask for a GICv3, but the "
			 "host's GIC is a GICv2; VM refused",
			 vm->name);
		return -1;
	}
	if (gic == 2 && vm->cfg->cpu_num > 8) {
		pr_error("VM %s: %u vCPUs, but a GICv2 reaches at most 8",
			 vm->name, vm->cfg->cpu_num);
		return -1;
	}
	if (!vmcfg_gic_version(vm->cfg) && vmcfg_whole_platform(vm->cfg))
		pr_warn("VM %s: whole platform: the host's GIC is cvisor's; the "
			"VM has an emulated GICv2 (GICD %#llx, GICC %#llx), as "
			"QEMU virt's default; an emu_devices interrupt "
			"controller (0x1) chooses otherwise",
			vm->name, VIRT_GICD_BASE, VIRT_GICC_BASE);
	if (gic == 2 && hal_gic_version() == 3)
		pr_info("VM %s: GICv2 (GICD %#llx, GICC %#llx) on the host's "
			"GICv3, its CPU interface emulated",
			vm->name, VIRT_GICD_BASE, VIRT_GICC_BASE);
	return 0;
}

int vm_arch_init(struct vm *vm)
{
	unsigned gic = virt_gic_version(vm->cfg, hal_gic_version());
	int vmid;

	if (vm_arch_check_config(vm))
		return -1;
	if (!vgic_hw) {
		pr_error("VM %s: the host GIC cannot be virtualised", vm->name);
		return -1;
	}
	if (vm_arch_check_gic(vm, gic))
		return -1;
	if (vgic_create(vm, gic)) {
		pr_error("VM %s: out of memory for its GIC", vm->name);
		return -1;
	}
	vmid = vmid_alloc();
	if (vmid < 0) {
		pr_error("VM %s: no free VMID", vm->name);
		vgic_destroy(vm);
		return -1;
	}
	vm->arch.vmid = (uint16_t)vmid;
	vm->arch.vttbr = (uint64_t)vmid << 48 | vm->as.s2.root;
	return 0;
}

void vm_arch_flush_stage2(struct vm *vm)
{
	uint64_t saved = read_sysreg(vttbr_el2);

	/* Every CPU forgets the VM's stage-2 (and stage-1) translations:
	 * TLBI by VMID needs that VMID in VTTBR_EL2 for the moment. */
	write_sysreg(vttbr_el2, vm->arch.vttbr);
	isb();
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	write_sysreg(vttbr_el2, saved);
	isb();
}

void vm_arch_destroy(struct vm *vm)
{
	if (!vm->arch.vttbr)
		return; /* vm_arch_init() failed or never ran */
	/* Before its tables and memory are reused. */
	vm_arch_flush_stage2(vm);
	spin_lock(&vmid_lock);
	vmid_used[vm->arch.vmid / 64] &= ~(1ull << (vm->arch.vmid % 64));
	spin_unlock(&vmid_lock);
	vgic_destroy(vm);
}

bool vm_arch_power_button(struct vm *vm, bool pressed)
{
	if (!vm->arch.gpio)
		return false;
	vgpio_pl061_set_input(vm->arch.gpio, VIRT_GPIO_POWER, pressed);
	return true;
}

int vm_arch_create_devices(struct vm *vm)
{
	if (vuart_pl011_create(vm, VIRT_UART_BASE, 32 + VIRT_UART_SPI)) {
		pr_error("VM %s: cannot create its UART", vm->name);
		return -1;
	}
	if (virt_has_power_button(vm->cfg)) {
		vm->arch.gpio = vgpio_pl061_create(vm, VIRT_GPIO_BASE,
						   32 + VIRT_GPIO_SPI);
		if (!vm->arch.gpio) {
			pr_error("VM %s: cannot create its power button",
				 vm->name);
			return -1;
		}
	}
	struct vgic *g = vm->arch.vgic;

	if (vgic_dist_create(vm) ||
	    (g->version == 3 ? vgic_redist_create(vm) :
	     g->cpuif_soft   ? vgic_v2_soft_create(vm) :
			       vgic_v2_map_cpu_interface(vm))) {
		pr_error("VM %s: cannot create its GIC", vm->name);
		return -1;
	}
	return 0;
}

int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest)
{
	return vgic_forward_spi(vm, host, guest);
}

/* The VM's last SPI: out of the way of the platform's devices and of
 * the host interrupts passthrough devices keep. */
unsigned vm_arch_ivc_irq(const struct vm *vm)
{
	(void)vm;
	return MIN(hal_gic_nr_irqs(), (unsigned)VGIC_MAX_IRQS) - 1;
}

void vm_arch_reset(struct vm *vm)
{
	/* The stage-2 tables and VMID stay; the GIC starts afresh. */
	vgic_reset(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		vgic_vcpu_reset(vm->vcpus[i]);
		vtimer_vcpu_init(vm->vcpus[i]);
	}
}

const struct guest_dtb_platform *vm_arch_dtb_platform(unsigned *irqchip_version)
{
	*irqchip_version = hal_gic_version();
	return &guest_dtb_aarch64;
}

/* booting.rst's Image, and raw binaries (the in-tree guests, U-Boot);
 * the other formats are other architectures' kernels. */
const struct vm_arch_boot vm_arch_boot = {
	.arch = "aarch64",
	.kernel_formats = 1u << KIMAGE_ARM64 | 1u << KIMAGE_RAW,
};

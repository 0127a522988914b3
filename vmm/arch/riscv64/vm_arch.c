/* riscv64 VM-wide state: the VMID and the G-stage root in hgatp, the
 * VM's PLIC, 16550 and power button, and what the harts offer guests
 * (Sstc, VMIDs). */
#include <arch/hart_call.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <vmm/devices.h>
#include <vmm/emu_devices.h>
#include <vmm/guest_dtb.h>
#include <vmm/kernel_image.h>
#include <vmm/stage2.h>
#include "gstage.h"
#include "virt_platform.h"
#include "vmm_riscv64.h"

#define VMID_MAX 256 /* of the up to 2^14 the hart may have */

static uint64_t vmid_used[VMID_MAX / 64];
static unsigned vmid_count; /* the hart's, capped at VMID_MAX */
static spinlock_t vmid_lock = SPINLOCK_INIT;

/* VMIDLEN: the VMID bits of hgatp that keep what is written. */
static unsigned vmid_bits(void)
{
	uint64_t saved = csrr(CSR_HGATP), v;

	csrw(CSR_HGATP, 0x3fffull << HGATP_VMID_SHIFT);
	v = csrr(CSR_HGATP) >> HGATP_VMID_SHIFT & 0x3fff;
	csrw(CSR_HGATP, saved);
	unsigned n = 0;
	for (; v & 1; v >>= 1)
		n++;
	return n;
}

/* Whether hgatp keeps MODE 'mode' (WARL: a write of a mode the hart
 * lacks leaves the register as it was). */
static bool hgatp_keeps_mode(uint64_t mode)
{
	uint64_t saved = csrr(CSR_HGATP), v;

	csrw(CSR_HGATP, mode << HGATP_MODE_SHIFT);
	v = csrr(CSR_HGATP) >> HGATP_MODE_SHIFT;
	csrw(CSR_HGATP, saved);
	return v == mode;
}

/* Whether the harts have the H extension (vmm_arch_init). */
static bool riscv_h;

int vmm_arch_init(void)
{
	unsigned bits;

	riscv_h = arch_probe_h();
	if (!riscv_h) {
		pr_error("riscv64 VMM: this hart has no H extension; no VM "
			 "can run");
		return -1;
	}
	bits = vmid_bits();

	vmid_count = bits >= 8 ? VMID_MAX : 1u << bits;
	/* The deepest G stage the hart has: guests' addresses reach
	 * further, at one more level a walk. Sv39x4 comes with H. */
	gstage_set_mode(hgatp_keeps_mode(HGATP_MODE_SV48X4) ?
				HGATP_MODE_SV48X4 :
				HGATP_MODE_SV39X4);
	/* vstimecmp is HS-mode's under the same condition as stimecmp is
	 * S-mode's (Sstc, menvcfg.STCE, mcounteren.TM), which the host
	 * timer probed at boot; H is checked above. */
	riscv_sstc = arch_timer_sstc();
	pr_info("riscv64 VMM: H extension, %u VMID bits, G stage %s (%llu TiB "
		"of guest-physical addresses), %s",
		bits, gstage_mode_name(),
		(unsigned long long)(stage2_limit() >> 40),
		riscv_sstc ? "Sstc for guests (henvcfg.STCE)" :
			     "no Sstc: guest timers through SBI");
	return 0;
}

static int vmid_alloc(void)
{
	int id = -1;

	spin_lock(&vmid_lock);
	/* VMID 0 is left for cvisor: a VM's never looks like no VM. With
	 * no VMID bits at all every VM shares 0, flushed on each change. */
	for (unsigned i = vmid_count > 1 ? 1 : 0; i < vmid_count && id < 0;
	     i++) {
		if (vmid_count == 1 || !(vmid_used[i / 64] >> (i % 64) & 1)) {
			vmid_used[i / 64] |= 1ull << (i % 64);
			id = (int)i;
		}
	}
	spin_unlock(&vmid_lock);
	return id;
}

/* AxVisor's emu_devices types a riscv64 VM can have, at QEMU virt's
 * addresses (docs/config.md, "Emulated devices"). */
static const struct emu_support emu_riscv64[] = {
	{ VMCFG_EMU_INTC, VIRT_PLIC_BASE, "PLIC", NULL, 0 },
	{ VMCFG_EMU_CONSOLE, VIRT_UART_BASE, "16550 UART", NULL, 0 },
	{ VMCFG_EMU_IVC, 0, "IVC window", NULL, 0 },
	{ VMCFG_EMU_PLIC, VIRT_PLIC_BASE, "PLIC", NULL, 0 },
};

/* What AxVisor's x86 configs ask for and riscv64 has not: a firmware boot
 * flow and I/O ports. Refused rather than ignored. */
static int vm_arch_check_config(const struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	enum vmcfg_boot_protocol proto = vmcfg_boot_protocol(c);

	if (c->enable_bios || proto != VMCFG_BOOT_DIRECT) {
		pr_error("VM %s: kernel.enable_bios = %s (boot_protocol \"%s\"): "
			 "riscv64 boots only \"direct\", with no firmware; VM "
			 "refused",
			 vm->name, c->enable_bios ? "true" : "false",
			 vmcfg_boot_protocol_name(proto));
		return -1;
	}
	if (emu_devices_check(vm, "riscv64", emu_riscv64,
			      sizeof(emu_riscv64) / sizeof(emu_riscv64[0]), 0))
		return -1;
	if (c->pt_port_count) {
		pr_error("VM %s: devices.passthrough_ports: riscv64 has no I/O "
			 "ports; VM refused",
			 vm->name);
		return -1;
	}
	return 0;
}

int vm_arch_init(struct vm *vm)
{
	int vmid;

	if (!riscv_h) {
		pr_error("VM %s: the harts have no H extension; VM refused",
			 vm->name);
		return -1;
	}
	if (vm_arch_check_config(vm))
		return -1;
	vmid = vmid_alloc();
	if (vmid < 0) {
		pr_error("VM %s: no free VMID", vm->name);
		return -1;
	}
	vm->arch.vmid = (uint16_t)vmid;
	vm->arch.hgatp = gstage_mode() << HGATP_MODE_SHIFT |
			 (uint64_t)vmid << HGATP_VMID_SHIFT |
			 vm->as.s2.root >> PAGE_SHIFT;
	return 0;
}

/* On every hart, with cvisor's IPIs, not SBI RFENCE's
 * remote_hfence_gvma_vmid: OpenSBI waits for the other harts in M-mode,
 * where under QEMU 7.2's -icount they never get to run
 * (arch/hart_call.h). */
void vm_arch_flush_stage2(struct vm *vm)
{
	hart_call_all(hfence_gvma_vmid, vm->arch.vmid);
}

void vm_arch_destroy(struct vm *vm)
{
	if (!vm->arch.hgatp)
		return; /* vm_arch_init() failed or never ran */
	vm_arch_flush_stage2(vm);
	vplic_destroy(vm);
	spin_lock(&vmid_lock);
	vmid_used[vm->arch.vmid / 64] &= ~(1ull << (vm->arch.vmid % 64));
	spin_unlock(&vmid_lock);
	vm->arch.hgatp = 0;
}

int vm_arch_create_devices(struct vm *vm)
{
	if (vplic_create(vm)) {
		pr_error("VM %s: cannot create its PLIC", vm->name);
		return -1;
	}
	vm->arch.uart =
		vuart16550_create(vm, &vm->mmio, VIRT_UART_BASE, VIRT_UART_IRQ);
	if (!vm->arch.uart) {
		pr_error("VM %s: cannot create its UART", vm->name);
		return -1;
	}
	if (virt_has_power_button(vm->cfg)) {
		vm->arch.gpio = vgpio_sifive_create(vm, VIRT_GPIO_BASE,
						    VIRT_GPIO_IRQ,
						    VIRT_GPIO_LINES);
		if (!vm->arch.gpio) {
			pr_error("VM %s: cannot create its power button",
				 vm->name);
			return -1;
		}
	}
	return 0;
}

void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level)
{
	vplic_set_line(vm, irq, level);
}

int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest)
{
	return vplic_forward(vm, host, guest);
}

/* The vPLIC's last source: past QEMU virt's devices (up to 0x35). */
unsigned vm_arch_ivc_irq(const struct vm *vm)
{
	(void)vm;
	return VIRT_PLIC_SOURCES - 1;
}

/* Line 0 of the VM's SiFive GPIO (virt_platform.h), where it has one. */
bool vm_arch_power_button(struct vm *vm, bool pressed)
{
	if (!vm->arch.gpio)
		return false;
	vgpio_sifive_set_input(vm->arch.gpio, VIRT_GPIO_POWER, pressed);
	return true;
}

void vm_arch_reset(struct vm *vm)
{
	/* The G-stage tables and VMID stay; the PLIC was reset with the
	 * devices, and each vCPU's state is reset at its power-on. */
	(void)vm;
}

const struct guest_dtb_platform *vm_arch_dtb_platform(unsigned *irqchip_version)
{
	*irqchip_version = 0;
	return &guest_dtb_riscv64;
}

/* The riscv64 Linux Image, and raw binaries (the in-tree guests, U-Boot). */
const struct vm_arch_boot vm_arch_boot = {
	.arch = "riscv64",
	.kernel_formats = 1u << KIMAGE_RISCV64 | 1u << KIMAGE_RAW,
};

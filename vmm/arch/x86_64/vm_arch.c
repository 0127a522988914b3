/* x86_64 VM-wide state: the VM's ASID, its PC devices (the IOAPIC and
 * the 8259 pair, COM1's 16550 on the port bus and their line 4, the PIT, the CMOS RTC, the
 * ACPI PM block with its power button, QEMU's isa-debug-exit port), and the kernel formats an
 * x86_64 VM boots. */
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <string.h>
#include <vmm/devices.h>
#include <vmm/emu_devices.h>
#include <vmm/kernel_image.h>
#include <vmm/vcpu.h>
#include "svm.h"

#define ASID_MAX  256 /* of the CPU's (CPUID 0x8000_000a EBX) */
#define COM1_PORT 0x3f8
#define COM1_IRQ  4

static uint64_t asid_used[ASID_MAX / 64];
static spinlock_t asid_lock = SPINLOCK_INIT;

/* ASID 0 is the host's (VMRUN refuses it). Past what the CPU has, VMs
 * share the last one: each VMRUN then flushes the TLB anyway. */
static uint32_t asid_alloc(void)
{
	uint32_t n = svm_asid_count(ASID_MAX);
	uint32_t id = n > 1 ? n - 1 : 1;

	spin_lock(&asid_lock);
	for (uint32_t i = 1; i < n; i++) {
		if (!(asid_used[i / 64] >> (i % 64) & 1)) {
			asid_used[i / 64] |= 1ull << (i % 64);
			id = i;
			break;
		}
	}
	spin_unlock(&asid_lock);
	return id;
}

static void asid_free(uint32_t id)
{
	spin_lock(&asid_lock);
	asid_used[id / 64] &= ~(1ull << (id % 64));
	spin_unlock(&asid_lock);
}

/* boot_protocol "multiboot" (which AxVisor's configs pair with
 * enable_bios) runs the bios_path image first when one is given (entered
 * in real mode, vcpu.c), else cvisor is the loader and does what that
 * firmware would. UEFI is not run yet, and a first stage in a "direct"
 * boot would be loaded and never entered: both refused, not ignored. */
/* AxVisor's emu_devices types an x86_64 VM can have, where the PC has
 * them (docs/config.md, "Emulated devices"). */
static const struct emu_support emu_x86_64[] = {
	{ VMCFG_EMU_INTC, VLAPIC_BASE, "local APIC", NULL, 0 },
	{ VMCFG_EMU_CONSOLE, COM1_PORT, "COM1 16550 (I/O ports)", NULL, 0 },
	{ VMCFG_EMU_IVC, 0, "IVC window", NULL, 0 },
	{ VMCFG_EMU_IOAPIC, VIOAPIC_BASE, "IOAPIC", NULL, 0 },
	{ VMCFG_EMU_PIT, 0x40, "8254 PIT (I/O ports)", NULL, 0 },
};

static int vm_arch_check_config(const struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	enum vmcfg_boot_protocol proto = vmcfg_boot_protocol(c);

	if (proto == VMCFG_BOOT_UEFI) {
		pr_error("VM %s: kernel.boot_protocol = \"uefi\" (firmware %s): "
			 "x86_64 runs no UEFI firmware; VM refused",
			 vm->name,
			 c->uefi_firmware_path[0] ? c->uefi_firmware_path :
						    c->bios_path);
		return -1;
	}
	/* AxVisor's older files (master c10f8b7: nimbos-x86_64-qemu-smp1)
	 * have neither key: their bios_path is the first stage they run,
	 * at entry_point. */
	if (c->bios_legacy) {
		pr_info("VM %s: kernel.bios_path %s with neither enable_bios "
			"nor boot_protocol (AxVisor's older files): run as the "
			"first stage",
			vm->name, c->bios_path);
	} else if (proto == VMCFG_BOOT_DIRECT && c->bios_path[0]) {
		pr_error("VM %s: kernel.bios_path %s needs kernel.enable_bios = "
			 "true (boot_protocol \"multiboot\") to be run; VM "
			 "refused",
			 vm->name, c->bios_path);
		return -1;
	}
	return emu_devices_check(vm, "x86_64", emu_x86_64,
				 sizeof(emu_x86_64) / sizeof(emu_x86_64[0]), 0);
}

int vm_arch_init(struct vm *vm)
{
	if (vm_arch_check_config(vm))
		return -1;
	vm->arch.asid = asid_alloc();
	return 0;
}

void vm_arch_flush_stage2(struct vm *vm)
{
	/* Without flush-by-ASID the only way is TLB_CONTROL 1 (every ASID)
	 * at each vCPU's next VMRUN; a vCPU in the guest on another CPU is
	 * made to exit first. */
	__atomic_fetch_add(&vm->arch.npt_gen, 1, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i])
			vcpu_kick(vm->vcpus[i]);
}

void vm_arch_destroy(struct vm *vm)
{
	vioapic_unforward_all(vm);
	if (vm->arch.iopm_pa)
		page_free(vm->arch.iopm_pa, IOPM_PAGES);
	vm->arch.iopm_pa = 0;
	if (!vm->arch.asid)
		return; /* vm_arch_init() failed or never ran */
	if (vm->arch.asid < ASID_MAX)
		asid_free(vm->arch.asid);
	vm->arch.asid = 0;
}

/* QEMU's isa-debug-exit at port 0xf4: a write powers the VM off. The
 * write itself is decoded on the exit path (vcpu.c); a read gets 0. */
static bool debug_exit_read(void *ctx, uint64_t off, unsigned width,
			    uint64_t *val)
{
	(void)ctx, (void)off, (void)width;
	*val = 0;
	return true;
}

/* Port 0x80, the POST-code port, where guests also write to wait a
 * little (Linux's io_delay): writes go nowhere and reads get all ones, as
 * with nothing there, but without a report each time. */
static bool post_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	(void)ctx, (void)off;
	*val = width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
	return true;
}

static bool post_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	(void)ctx, (void)off, (void)width, (void)val;
	return true;
}

/* The local APIC's page on the VM's MMIO bus: its accesses are the
 * vCPU's own (vcpu.c answers them before the bus is asked), so these
 * never run; it is there so that nothing else is placed or passed
 * through over it, and so that a passthrough entry naming the host's
 * local APIC finds the VM's own in its place (passthrough.c). */
static bool lapic_bus_access(void *ctx, uint64_t off, unsigned width,
			     uint64_t *val)
{
	(void)ctx, (void)off, (void)width, (void)val;
	return false;
}

static bool lapic_bus_write(void *ctx, uint64_t off, unsigned width,
			    uint64_t val)
{
	(void)ctx, (void)off, (void)width, (void)val;
	return false;
}

/* devices.passthrough_ports: each range the VM's alone (claimed against
 * cvisor's own ports and other VMs'), its accesses no longer intercepted
 * (the VM's own I/O permission map, their bits clear). One over a device
 * the VM emulates is refused: that device would never see its accesses. */
static int ports_give(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;

	for (unsigned i = 0; i < c->pt_port_count; i++) {
		uint32_t base = c->pt_ports[i].base, n = c->pt_ports[i].count;
		const struct io_device *d = io_overlap(&vm->pio, base, n);
		struct hostres other;

		if (d) {
			pr_error("VM %s: passthrough ports %#x+%#x: the VM's "
				 "emulated %s is at %#llx+%#llx",
				 vm->name, base, n, d->name,
				 (unsigned long long)d->base,
				 (unsigned long long)d->size);
			return -1;
		}
		if (hostres_claim_ports(base, n, vm, vm->name, &other)) {
			pr_error("VM %s: passthrough ports %#x+%#x: %s%s",
				 vm->name, base, n,
				 !other.what ?
					 "too many host ranges are given away" :
				 other.owner == HOSTRES_CVISOR ?
					 "the host's ports are " :
					 "the host's ports are given to VM ",
				 other.what ? other.what : "");
			return -1;
		}
		if (!vm->arch.iopm_pa) {
			vm->arch.iopm_pa = page_alloc(IOPM_PAGES, PAGE_SIZE);
			if (!vm->arch.iopm_pa) {
				pr_error("VM %s: out of memory for its I/O "
					 "permission map",
					 vm->name);
				return -1;
			}
			memset(pa_to_ptr(vm->arch.iopm_pa), 0xff,
			       IOPM_PAGES * PAGE_SIZE);
		}
		uint8_t *map = pa_to_ptr(vm->arch.iopm_pa);
		for (uint32_t p = base; p < base + n; p++)
			map[p / 8] &= (uint8_t) ~(1u << (p % 8));
		pr_info("VM %s: passthrough ports %#x+%#x", vm->name, base, n);
	}
	return 0;
}

int vm_arch_create_devices(struct vm *vm)
{
	static const struct io_device lapic = {
		.name = "lapic",
		.base = VLAPIC_BASE,
		.size = VLAPIC_SIZE,
		.read = lapic_bus_access,
		.write = lapic_bus_write,
	};
	static const struct io_device post = {
		.name = "post",
		.base = 0x80,
		.size = 1,
		.read = post_read,
		.write = post_write,
	};
	static const struct io_device debug_exit = {
		.name = "isa-debug-exit",
		.base = X86_DEBUG_EXIT_PORT,
		.size = 1,
		.read = debug_exit_read,
	};

	if (!io_register(&vm->mmio, &lapic) || vioapic_create(vm) ||
	    vpic_create(vm)) {
		pr_error("VM %s: cannot create its local APIC, IOAPIC and PICs",
			 vm->name);
		return -1;
	}
	vm->arch.uart = vuart16550_create(vm, &vm->pio, COM1_PORT, COM1_IRQ);
	if (!vm->arch.uart || !io_register(&vm->pio, &debug_exit) ||
	    !io_register(&vm->pio, &post) || vpit_create(vm) ||
	    vcmos_create(vm) || vpm_create(vm)) {
		pr_error("VM %s: cannot create its PC devices (COM1, PIT, CMOS, "
			 "ACPI PM, POST and debug-exit ports)",
			 vm->name);
		return -1;
	}
	return ports_give(vm);
}

/* The IOAPIC's last pin: no ISA device of the PC uses it. */
unsigned vm_arch_ivc_irq(const struct vm *vm)
{
	(void)vm;
	return 23;
}

/* ACPI's fixed-feature power button, in the PM block (vpm.c): every
 * x86_64 VM has one. */
bool vm_arch_power_button(struct vm *vm, bool pressed)
{
	if (!vm->arch.pm)
		return false;
	vpm_power_button(vm, pressed);
	return true;
}

void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level)
{
	/* As on a PC, an ISA line goes to both the IOAPIC's pin of its
	 * number and the PICs. */
	vioapic_set_line(vm, irq, level);
	vpic_set_line(vm, irq, level);
}

/* A host GSI (IOAPIC pin) to the VM's IOAPIC pin of the same number. */
int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest)
{
	return host == guest ? vioapic_forward(vm, host) : -1;
}

void vm_arch_reset(struct vm *vm)
{
	(void)vm; /* the NPT and ASID stay; vCPUs reset at power-on */
}

const struct guest_dtb_platform *vm_arch_dtb_platform(unsigned *irqchip_version)
{
	*irqchip_version = 0;
	return NULL; /* PC guests find their machine in the Multiboot info */
}

const struct vm_arch_boot vm_arch_boot = {
	.arch = "x86_64",
	.kernel_formats = 1u << KIMAGE_MULTIBOOT | 1u << KIMAGE_BZIMAGE,
	.bios_end = 1ull << 20, /* real mode's reach */
	.kernel_loaded = linux_kernel_loaded,
	.boot_info = linux_boot_info,
};

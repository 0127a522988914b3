/* The host arch's VMs: no stage-2 hardware, no interrupt controller of
 * its own; an interrupt for a vCPU is a flag the script's WFI takes. */
#include <kernel/irq.h>
#include <kernel/log.h>
#include <vmm/devices.h>
#include <vmm/guest_dtb.h>
#include <vmm/kernel_image.h>
#include <vmm/vcpu.h>
#include <vmm/vm.h>
#include "sim_guest.h"
#include "sim_vmm.h"

int vmm_arch_init(void)
{
	return 0;
}

int vm_arch_init(struct vm *vm)
{
	vm->arch.ready = true;
	return 0;
}

void vm_arch_destroy(struct vm *vm)
{
	if (!vm->arch.ready)
		return;
	for (unsigned i = 0; i < vm->arch.forwarded_count; i++) {
		hal_irqchip_disable(vm->arch.forwarded[i]);
		irq_unregister(vm->arch.forwarded[i]);
	}
	vm->arch.ready = false;
}

void vm_arch_flush_stage2(struct vm *vm)
{
	(void)vm; /* the simulated machine caches no translations */
}

int vm_arch_create_devices(struct vm *vm)
{
	if (vuart_pl011_create(vm, SIM_UART_BASE, SIM_UART_IRQ)) {
		pr_error("VM %s: cannot create its UART", vm->name);
		return -1;
	}
	return 0;
}

static void interrupt_vcpu0(struct vm *vm)
{
	struct vcpu *v = vm->vcpus[0];

	v->arch.irq_pending = true;
	vcpu_kick(v);
}

/* A forwarded host interrupt: for vCPU 0, while the VM runs. */
static void forwarded_irq(unsigned irq, void *arg)
{
	struct vm *vm = arg;

	(void)irq;
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING)
		interrupt_vcpu0(vm);
	spin_unlock(&vm->lock);
}

int vm_arch_passthrough_irq(struct vm *vm, unsigned host, unsigned guest)
{
	(void)guest;
	if (host >= IRQ_MAX || vm->arch.forwarded_count == 4)
		return -1;
	if (!irq_claim(host, forwarded_irq, vm))
		return -2;
	vm->arch.forwarded[vm->arch.forwarded_count++] = host;
	hal_irqchip_enable(host, vm->vcpus[0] ? vm->vcpus[0]->pcpu : 0);
	return 0;
}

void vm_arch_set_irq_line(struct vm *vm, unsigned irq, bool level)
{
	(void)irq;
	if (level && vm->vcpu_count)
		interrupt_vcpu0(vm);
}

unsigned vm_arch_ivc_irq(const struct vm *vm)
{
	(void)vm;
	return 1;
}

/* The host tests' VMs have no power button: vm stop stops them at once. */
bool vm_arch_power_button(struct vm *vm, bool pressed)
{
	(void)vm;
	(void)pressed;
	return false;
}

void vm_arch_reset(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vm->vcpus[i]->arch.irq_pending = false;
}

const struct guest_dtb_platform *vm_arch_dtb_platform(unsigned *irqchip_version)
{
	*irqchip_version = 3;
	return &guest_dtb_aarch64;
}

/* As aarch64, whose machine (DTB, PL011) the host arch's VMs have. */
const struct vm_arch_boot vm_arch_boot = {
	.arch = "sim",
	.kernel_formats = 1u << KIMAGE_ARM64 | 1u << KIMAGE_RAW,
};

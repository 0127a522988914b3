/* Emulated devices that a VM gets. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <kernel/types.h>

struct vm;

/* The VM's console: an ARM PL011 at 'base' whose interrupt output drives
 * the VM's interrupt line 'irq' (vm_arch_set_irq_line). It takes console
 * input while the VM has the console's focus (kernel/console_input.h). */
int vuart_pl011_create(struct vm *vm, gpaddr_t base, unsigned irq);

/* A 16550A at 'base' of 'bus' (the VM's MMIO or port bus), its interrupt
 * output on the VM's line 'irq', taking console input as the PL011 does.
 * NULL without memory or room on the bus. */
struct io_bus;
struct vuart16550;
struct vuart16550 *vuart16550_create(struct vm *vm, struct io_bus *bus,
				     uint64_t base, unsigned irq);
/* The next character the VM's console input has for it, or -1 (SBI's
 * console reads take it past the UART's registers). */
int vuart16550_getchar(struct vuart16550 *u);

/* A PL061 GPIO at 'base' (vmm/vgpio_pl061.c) whose 8 lines are inputs
 * cvisor drives (a power button), its interrupt output on the VM's line
 * 'irq'. NULL without memory or room on the bus. */
struct vgpio;
struct vgpio *vgpio_pl061_create(struct vm *vm, gpaddr_t base, unsigned irq);
void vgpio_pl061_set_input(struct vgpio *g, unsigned line, bool level);

/* A SiFive GPIO at 'base' (vmm/vgpio_sifive.c) with 'nlines' (1-32)
 * lines, inputs cvisor drives (a power button); line i's interrupt
 * output is the VM's line 'irq_base' + i. NULL without memory or room on
 * the bus, or for a count out of range. */
struct vgpio_sifive;
struct vgpio_sifive *vgpio_sifive_create(struct vm *vm, gpaddr_t base,
					 unsigned irq_base, unsigned nlines);
void vgpio_sifive_set_input(struct vgpio_sifive *g, unsigned line, bool level);

/* A read-only virtio-mmio block device at 'base' (0x200 bytes) whose
 * disk is the image file 'path' (vmm/vvirtio_blk.c), its interrupt on the
 * VM's line 'irq'. -1 (said why) if the file or memory is missing. */
int vvirtio_blk_create(struct vm *vm, gpaddr_t base, unsigned irq,
		       const char *path);

#endif

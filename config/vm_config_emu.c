/* AxVisor's emu_devices types: their names, and which no architecture of
 * cvisor's has (docs/config.md, "Emulated devices"). */
#include "vm_config.h"

struct emu_type {
	uint32_t type;
	const char *name;
	const char *refusal; /* NULL: an architecture's VMM may honour it */
};

static const struct emu_type emu_types[] = {
	{ VMCFG_EMU_INTC, "interrupt controller", NULL },
	{ VMCFG_EMU_CONSOLE, "console UART", NULL },
	{ VMCFG_EMU_FW_CFG, "fw_cfg",
	  "cvisor does not emulate fw_cfg; delete the entry (a guest that "
	  "needs it cannot run here)" },
	{ VMCFG_EMU_IVC, "IVC channel region", NULL },
	{ VMCFG_EMU_GPPT_GICR, "GICv3 redistributor (partial passthrough)",
	  NULL },
	{ VMCFG_EMU_GPPT_GICD, "GICv3 distributor (partial passthrough)",
	  NULL },
	{ VMCFG_EMU_GPPT_ITS, "GICv3 ITS (partial passthrough)", NULL },
	{ VMCFG_EMU_IOAPIC, "x86 IOAPIC", NULL },
	{ VMCFG_EMU_PIT, "x86 PIT", NULL },
	{ VMCFG_EMU_PCH_PIC, "loongarch64 7A PCH-PIC",
	  "cvisor has no loongarch64 VMM" },
	{ VMCFG_EMU_PLIC, "riscv64 PLIC", NULL },
	{ VMCFG_EMU_VIRTIO_BLK, "virtio-blk",
	  "emulated virtio devices are not yet supported; delete the entry "
	  "or pass a host device through" },
	{ VMCFG_EMU_VIRTIO_NET, "virtio-net",
	  "emulated virtio devices are not yet supported; delete the entry "
	  "or pass a host device through" },
	{ VMCFG_EMU_VIRTIO_CONSOLE, "virtio-console",
	  "emulated virtio devices are not yet supported; delete the entry "
	  "(the VM has a console UART)" },
};

static const struct emu_type *emu_type_find(uint32_t type)
{
	for (size_t i = 0; i < sizeof(emu_types) / sizeof(emu_types[0]); i++)
		if (emu_types[i].type == type)
			return &emu_types[i];
	return NULL;
}

const char *vmcfg_emu_type_name(uint32_t type)
{
	const struct emu_type *t = emu_type_find(type);

	return t ? t->name : NULL;
}

const char *vmcfg_emu_type_refusal(uint32_t type)
{
	const struct emu_type *t = emu_type_find(type);

	return t ? t->refusal : "unknown type";
}

unsigned vmcfg_gic_version(const struct vm_config *cfg)
{
	unsigned v = 0;

	for (uint32_t i = 0; i < cfg->emu_device_count; i++) {
		const struct vmcfg_emu_device *d = &cfg->emu_devices[i];

		if (d->emu_type == VMCFG_EMU_INTC)
			return d->cfg_count > 1 ? (unsigned)d->cfg[1] : 2;
		if (d->emu_type >= VMCFG_EMU_GPPT_GICR &&
		    d->emu_type <= VMCFG_EMU_GPPT_ITS)
			v = 3;
	}
	return v;
}

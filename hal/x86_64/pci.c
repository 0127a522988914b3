/* The host's PCI configuration space through the PC's configuration
 * mechanism #1 (the address at port 0xcf8, the data at 0xcfc), which
 * q35 has beside its ECAM: it needs no MCFG table and no mapping. */
#include <kernel/spinlock.h>
#include "x86.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_ENABLE         (1u << 31)

static spinlock_t pci_lock = SPINLOCK_INIT; /* the address, then the data */

static void pci_select(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE | (bus & 0xff) << 16 |
					 (dev & 0x1f) << 11 | (fn & 7) << 8 |
					 (off & 0xfc));
}

uint32_t hal_pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	spin_lock(&pci_lock);
	pci_select(bus, dev, fn, off);
	uint32_t v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

void hal_pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off,
		     uint32_t value)
{
	spin_lock(&pci_lock);
	pci_select(bus, dev, fn, off);
	outl(PCI_CONFIG_DATA, value);
	spin_unlock(&pci_lock);
}

/* What the noisy guest asks of its arch (guests/<arch>/noisy/): one read
 * and one write of registers the VM's emulated devices answer. */
#ifndef NOISY_H
#define NOISY_H

#include <guest.h>

void noisy_arch_mmio(void);

#endif

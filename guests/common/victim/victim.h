/* What the victim guest asks of its arch (guests/<arch>/victim/): a way
 * to give its pCPU away for a moment. Its timer is guest.h's. */
#ifndef VICTIM_H
#define VICTIM_H

#include <guest.h>

/* Gives the pCPU to whoever shares it, for a moment. */
void victim_yield(void);

#endif

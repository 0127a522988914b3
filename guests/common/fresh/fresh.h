/* What the fresh guest asks of its arch (guests/<arch>/fresh/). */
#ifndef FRESH_H
#define FRESH_H

#include <guest.h>

/* A first touch of RAM by an access cvisor cannot take as plain MMIO:
 * what it is called, and how it is done to the two words at 'p' (a
 * chunk of RAM nothing has touched, zero): true when the access read
 * and wrote what it should (the words end nonzero). */
struct fresh_touch {
	const char *name;
	bool (*touch)(volatile uint64_t *p);
};
extern const struct fresh_touch fresh_touches[];
extern const unsigned fresh_touch_count;

#endif

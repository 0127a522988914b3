/* Emulated devices on a VM's MMIO bus: each a guest-physical range with
 * read/write handlers that see offsets relative to the range's base. */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <kernel/types.h>

#define MMIO_MAX_DEVICES 16

struct mmio_device {
	const char *name;
	gpaddr_t base;
	uint64_t size;
	void *ctx;
	/* Return false when the access is not one the device answers
	 * (the guest then gets an abort). */
	bool (*read)(void *ctx, uint64_t off, unsigned width, uint64_t *val);
	bool (*write)(void *ctx, uint64_t off, unsigned width, uint64_t val);
	void (*reset)(void *ctx);     /* at VM reboot; may be NULL */
	void (*destroy)(void *ctx);   /* at VM teardown; may be NULL */
};

struct mmio_bus {
	unsigned count;
	/* The device the last access hit, tried first: a guest tends to
	 * stay with one device (vCPUs race on it harmlessly). */
	unsigned last;
	struct mmio_device dev[MMIO_MAX_DEVICES];
};

/* Adds a device; false when the bus is full or the range overlaps. */
bool mmio_register(struct mmio_bus *bus, const struct mmio_device *d);
/* The index of the device that covers the access, found by a scan;
 * bus->count when none does. */
unsigned mmio_find(struct mmio_bus *bus, gpaddr_t addr, unsigned width);

static inline bool mmio_covers(const struct mmio_device *d, gpaddr_t addr,
			       unsigned width)
{
	return addr - d->base < d->size && d->size - (addr - d->base) >= width;
}

/* Performs an access; false when no device answers it. Inline: the exit
 * path calls it for every MMIO exit, and the device the last access hit
 * (tried first) is nearly always the one. */
static inline bool mmio_access(struct mmio_bus *bus, gpaddr_t addr,
			       unsigned width, bool write, uint64_t *val)
{
	/* Devices do not overlap: the one that covers the access is the
	 * only one. */
	unsigned i = READ_ONCE(bus->last);

	if (unlikely(i >= bus->count || !mmio_covers(&bus->dev[i], addr, width))) {
		i = mmio_find(bus, addr, width);
		if (i == bus->count)
			return false;
	}
	struct mmio_device *d = &bus->dev[i];
	if (write)
		return d->write && d->write(d->ctx, addr - d->base, width, *val);
	return d->read && d->read(d->ctx, addr - d->base, width, val);
}

/* Puts every device of the bus back in its power-on state. */
void mmio_bus_reset(struct mmio_bus *bus);
/* Destroys every device of the bus. */
void mmio_bus_destroy(struct mmio_bus *bus);

#endif

/* A bus of emulated devices, each a range with read/write handlers that
 * see offsets relative to the range's base. A VM has two: its MMIO bus
 * (guest-physical addresses) and its port-I/O bus (x86 ports). Ranges
 * never overlap; adjacent ones are fine; an empty one is refused. */
#ifndef VMM_IO_BUS_H
#define VMM_IO_BUS_H

#include <kernel/types.h>

#define IO_BUS_MAX_DEVICES 16

struct io_device {
	const char *name;
	uint64_t base; /* guest-physical address, or port */
	uint64_t size;
	void *ctx;
	/* Return false when the access is not one the device answers
	 * (the guest then gets an abort). */
	bool (*read)(void *ctx, uint64_t off, unsigned width, uint64_t *val);
	bool (*write)(void *ctx, uint64_t off, unsigned width, uint64_t val);
	void (*reset)(void *ctx);   /* at VM reboot; may be NULL */
	void (*destroy)(void *ctx); /* at VM teardown; may be NULL */
};

/* Starts zeroed (so do the slots past 'count': io_access() tests only
 * the last device's range). */
struct io_bus {
	unsigned count;
	/* The device the last access hit, tried first: a guest tends to
	 * stay with one device (vCPUs race on it harmlessly). Always a slot
	 * of dev[]: an empty one covers nothing. */
	unsigned last;
	struct io_device dev[IO_BUS_MAX_DEVICES];
};

/* Adds a device; false when the bus is full or the range overlaps. */
bool io_register(struct io_bus *bus, const struct io_device *d);
/* The device in [base, base+size), or NULL. */
const struct io_device *io_overlap(const struct io_bus *bus, uint64_t base,
				   uint64_t size);

static inline bool io_covers(const struct io_device *d, uint64_t addr,
			     unsigned width)
{
	return addr - d->base < d->size && d->size - (addr - d->base) >= width;
}

static inline bool io_device_access(struct io_device *d, uint64_t addr,
				    unsigned width, bool write, uint64_t *val)
{
	if (write)
		return d->write &&
		       d->write(d->ctx, addr - d->base, width, *val);
	return d->read && d->read(d->ctx, addr - d->base, width, val);
}

/* io_access() when the access is not the last device's: the device that
 * covers it found by a scan (and made the last), then called. */
bool io_access_scan(struct io_bus *bus, uint64_t addr, unsigned width,
		    bool write, uint64_t *val);

/* Performs an access; false when no device answers it. Inline: the exit
 * path calls it for every MMIO exit, and the device the last access hit
 * (tried first) is nearly always the one; the scan is out of line, so
 * that the caller keeps little across the device's call. */
static inline bool io_access(struct io_bus *bus, uint64_t addr, unsigned width,
			     bool write, uint64_t *val)
{
	struct io_device *d = &bus->dev[READ_ONCE(bus->last)];

	if (unlikely(!io_covers(d, addr, width)))
		return io_access_scan(bus, addr, width, write, val);
	return io_device_access(d, addr, width, write, val);
}

/* Puts every device of the bus back in its power-on state. */
void io_bus_reset(struct io_bus *bus);
/* Destroys every device of the bus. */
void io_bus_destroy(struct io_bus *bus);

#endif

/* A bus of emulated devices (vmm/io_bus.h). */
#include <string.h>
#include <vmm/io_bus.h>

const struct io_device *io_overlap(const struct io_bus *bus, uint64_t base,
				   uint64_t size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct io_device *o = &bus->dev[i];
		if (base < o->base + o->size && o->base < base + size)
			return o;
	}
	return NULL;
}

bool io_register(struct io_bus *bus, const struct io_device *d)
{
	if (bus->count == IO_BUS_MAX_DEVICES || !d->size ||
	    d->base + d->size < d->base || io_overlap(bus, d->base, d->size))
		return false;
	bus->dev[bus->count++] = *d;
	return true;
}

bool io_access_scan(struct io_bus *bus, uint64_t addr, unsigned width,
		    bool write, uint64_t *val)
{
	/* Devices do not overlap: the one that covers the access is the
	 * only one. */
	for (unsigned i = 0; i < bus->count; i++) {
		if (io_covers(&bus->dev[i], addr, width)) {
			WRITE_ONCE(bus->last, i);
			return io_device_access(&bus->dev[i], addr, width,
						write, val);
		}
	}
	return false;
}

void io_bus_reset(struct io_bus *bus)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->dev[i].reset)
			bus->dev[i].reset(bus->dev[i].ctx);
}

void io_bus_destroy(struct io_bus *bus)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->dev[i].destroy)
			bus->dev[i].destroy(bus->dev[i].ctx);
	memset(bus, 0, sizeof(*bus)); /* every slot covering nothing */
}

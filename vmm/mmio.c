#include <vmm/mmio.h>

bool mmio_register(struct mmio_bus *bus, const struct mmio_device *d)
{
	if (bus->count == MMIO_MAX_DEVICES || !d->size ||
	    d->base + d->size < d->base)
		return false;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct mmio_device *o = &bus->dev[i];
		if (d->base < o->base + o->size && o->base < d->base + d->size)
			return false;
	}
	bus->dev[bus->count++] = *d;
	return true;
}

static bool mmio_covers(const struct mmio_device *d, gpaddr_t addr,
			unsigned width)
{
	return addr - d->base < d->size && d->size - (addr - d->base) >= width;
}

bool mmio_access(struct mmio_bus *bus, gpaddr_t addr, unsigned width,
		 bool write, uint64_t *val)
{
	/* Devices do not overlap: the one that covers the access is the
	 * only one. */
	unsigned i = READ_ONCE(bus->last);

	if (i >= bus->count || !mmio_covers(&bus->dev[i], addr, width)) {
		for (i = 0; i < bus->count; i++)
			if (mmio_covers(&bus->dev[i], addr, width))
				break;
		if (i == bus->count)
			return false;
		WRITE_ONCE(bus->last, i);
	}
	struct mmio_device *d = &bus->dev[i];
	if (write)
		return d->write && d->write(d->ctx, addr - d->base, width, *val);
	return d->read && d->read(d->ctx, addr - d->base, width, val);
}

void mmio_bus_reset(struct mmio_bus *bus)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->dev[i].reset)
			bus->dev[i].reset(bus->dev[i].ctx);
}

void mmio_bus_destroy(struct mmio_bus *bus)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->dev[i].destroy)
			bus->dev[i].destroy(bus->dev[i].ctx);
	bus->count = 0;
}

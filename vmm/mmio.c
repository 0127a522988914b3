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

unsigned mmio_find(struct mmio_bus *bus, gpaddr_t addr, unsigned width)
{
	unsigned i;

	for (i = 0; i < bus->count; i++)
		if (mmio_covers(&bus->dev[i], addr, width))
			break;
	if (i < bus->count)
		WRITE_ONCE(bus->last, i);
	return i;
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

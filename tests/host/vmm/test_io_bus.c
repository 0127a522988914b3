/* The MMIO and port-I/O buses: registration and dispatch. */
#include <vmm/io_bus.h>
#include "sim_test.h"

struct probe {
	uint64_t off;
	unsigned width;
	unsigned hits;
};

static bool probe_read(void *ctx, uint64_t off, unsigned width, uint64_t *val)
{
	struct probe *p = ctx;

	p->off = off, p->width = width, p->hits++;
	*val = 0x1234;
	return true;
}

static bool probe_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct probe *p = ctx;

	(void)val;
	p->off = off, p->width = width, p->hits++;
	return true;
}

static struct io_device dev(struct probe *p, uint64_t base, uint64_t size)
{
	return (struct io_device){ .name = "probe",
				   .base = base,
				   .size = size,
				   .ctx = p,
				   .read = probe_read,
				   .write = probe_write };
}

UNIT_TEST(vmm_io_bus_registrations)
{
	static struct io_bus bus;
	struct probe a = { 0 }, b = { 0 };
	struct io_device d;

	memset(&bus, 0, sizeof(bus));
	d = dev(&a, 0x1000, 0x100);
	CHECK(io_register(&bus, &d));
	d = dev(&b, 0x1100, 0x100); /* adjacent above */
	CHECK(io_register(&bus, &d));
	d = dev(&b, 0xf00, 0x100); /* adjacent below */
	CHECK(io_register(&bus, &d));
	d = dev(&b, 0x10ff, 2); /* overlaps both */
	CHECK(!io_register(&bus, &d));
	d = dev(&b, 0x1080, 0x10); /* inside one */
	CHECK(!io_register(&bus, &d));
	d = dev(&b, 0x0, 0x10000); /* around all */
	CHECK(!io_register(&bus, &d));
	d = dev(&b, 0x5000, 0); /* empty */
	CHECK(!io_register(&bus, &d));
	d = dev(&b, ~0ull - 0xf, 0x20); /* wraps around */
	CHECK(!io_register(&bus, &d));
	d = dev(&b, ~0ull - 0xf, 0x10); /* its end is not a number */
	CHECK(!io_register(&bus, &d));
	CHECK_EQ_INT(bus.count, 3);
	for (unsigned i = bus.count; i < IO_BUS_MAX_DEVICES; i++) {
		d = dev(&b, 0x100000 + i * 0x1000, 0x1000);
		CHECK(io_register(&bus, &d));
	}
	d = dev(&b, 0x900000, 0x1000); /* one too many */
	CHECK(!io_register(&bus, &d));
}

UNIT_TEST(vmm_io_bus_dispatch)
{
	static struct io_bus bus;
	struct probe a = { 0 }, b = { 0 };
	struct io_device d;
	uint64_t val = 0;

	memset(&bus, 0, sizeof(bus));
	d = dev(&a, 0x3f8, 8);
	CHECK(io_register(&bus, &d));
	d = dev(&b, 0x400, 4);
	CHECK(io_register(&bus, &d));
	CHECK(io_access(&bus, 0x3fd, 1, false, &val));
	CHECK_EQ_INT(val, 0x1234);
	CHECK_EQ_INT(a.off, 5);
	CHECK_EQ_INT(a.width, 1);
	CHECK(io_access(&bus, 0x400, 4, true, &val));
	CHECK_EQ_INT(b.off, 0);
	CHECK_EQ_INT(b.hits, 1);
	/* The device of the last access is tried first; the others still
	 * answer theirs. */
	CHECK(io_access(&bus, 0x3f8, 2, false, &val));
	CHECK_EQ_INT(a.hits, 2);
	/* Straddling the end of one device (even into the next), past all,
	 * or in a hole: nobody answers, and no handler is called. */
	CHECK(!io_access(&bus, 0x3ff, 2, false, &val));
	CHECK(!io_access(&bus, 0x402, 4, false, &val));
	CHECK(!io_access(&bus, 0x3f0, 1, true, &val));
	CHECK(!io_access(&bus, ~0ull, 1, false, &val));
	CHECK_EQ_INT(a.hits + b.hits, 3);
}

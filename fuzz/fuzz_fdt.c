/* libFuzzer target: lib/fdt.c, the reader of the host's device tree, on
 * arbitrary bytes. Drives every entry point the platform code uses: the
 * header, the node walk, names, properties and their cells, paths,
 * compatible search, the /memory ranges. Under ASan any read outside the
 * input is a crash; besides, every name and property returned must lie
 * inside the blob.
 *
 * Seeds (fuzz/seeds/fdt/): QEMU's own device trees, packed by dtc, e.g.
 *   qemu-system-aarch64 -M virt,gic-version=3,virtualization=on,dumpdtb=x \
 *       -cpu max -smp 2 -m 1G && dtc -I dtb -O dtb -o virt-gicv3.dtb x
 * and the same for gic-version=2 and qemu-system-riscv64 -M virt. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/fdt.h>

static const uint8_t *blob_lo, *blob_hi;

static void inside(const void *p, size_t len)
{
	const uint8_t *b = p;

	if (b < blob_lo || b > blob_hi || len > (size_t)(blob_hi - b))
		abort();
}

static void check_prop(const struct fdt_prop *p)
{
	uint64_t v;

	inside(p->name, strlen(p->name) + 1);
	inside(p->data, p->len);
	for (unsigned i = 0; i < 8 && fdt_prop_cells(p, i, 1, &v); i++)
		;
	(void)fdt_prop_cells(p, 0, 2, &v);
	(void)fdt_prop_has_string(p, "arm,pl011");
}

static bool count_range(void *ctx, uint64_t base, uint64_t size)
{
	(void)base;
	(void)size;
	return ++*(unsigned *)ctx < 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const props[] = { "compatible",     "reg",
					     "#address-cells", "device_type",
					     "interrupts",     "stdout-path" };
	static const char *const paths[] = { "/",           "/cpus",
					     "/memory",     "/chosen",
					     "/cpus/cpu@1", "/intc",
					     "/a/b/c",      "//cpus//" };
	struct fdt f;
	struct fdt_prop p;

	if (fdt_open(&f, data, size) != FDT_OK)
		return 0;
	blob_lo = data;
	blob_hi = data + f.size;

	int depth = 0, nodes = 0;
	for (int n = 0; n >= 0 && nodes < 4096; nodes++) {
		const char *name = fdt_node_name(&f, n);
		if (name)
			inside(name, strlen(name) + 1);
		for (unsigned i = 0; i < sizeof(props) / sizeof(props[0]); i++)
			if (fdt_get_prop(&f, n, props[i], &p) == FDT_OK)
				check_prop(&p);
		int next = fdt_next_node(&f, n, &depth);
		if (next >= 0 && next <= n)
			abort(); /* the walk must move forward */
		n = next;
	}
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)fdt_path_offset(&f, paths[i]);
	for (int n = -1, k = 0; k < 64; k++) {
		n = fdt_find_compatible(&f, n, "arm,pl011");
		if (n < 0)
			break;
	}
	unsigned ranges = 0;
	fdt_for_each_memory(&f, count_range, &ranges);
	(void)fdt_strerror(fdt_path_offset(&f, "/nope"));
	return 0;
}

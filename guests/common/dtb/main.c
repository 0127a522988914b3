/* dtb: checks the device tree cvisor hands over (aarch64: in x0; riscv64:
 * in a1, GUEST_DTB_REG) and prints what it
 * says: /chosen (bootargs, initrd), /memory ranges, the cpu nodes, and the
 * other top-level nodes. A walker of its own, so it does not share
 * cvisor's bugs. */
#include <guest.h>

#define FDT_MAGIC 0xd00dfeedu
#define TOK_BEGIN 1u
#define TOK_END   2u
#define TOK_PROP  3u
#define TOK_NOP   4u
#define TOK_DONE  9u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static unsigned slen(const char *s)
{
	unsigned n = 0;

	while (s[n])
		n++;
	return n;
}

static void prop(const char *node, const char *name, const uint8_t *data,
		 uint32_t len)
{
	if (streq(node, "chosen") && streq(name, "bootargs")) {
		guest_puts("dtb: bootargs=\"");
		guest_puts((const char *)data);
		guest_puts("\"\n");
	} else if (streq(node, "chosen") && starts(name, "linux,initrd-") &&
		   len == 8) {
		guest_puts("dtb: ");
		guest_puts(name);
		guest_puts(" ");
		guest_put_hex(be64(data));
		guest_puts("\n");
	} else if (starts(node, "memory") && streq(name, "reg")) {
		for (uint32_t i = 0; i + 16 <= len; i += 16) {
			guest_puts("dtb: memory ");
			guest_put_hex(be64(data + i));
			guest_puts(" size ");
			guest_put_hex(be64(data + i + 8));
			guest_puts("\n");
		}
	}
}

int main(uint64_t dtb)
{
	const uint8_t *fdt = (const uint8_t *)dtb;
	unsigned cpus = 0, depth = 0;
	const char *node1 = ""; /* the current top-level node */

	guest_puts("dtb: " GUEST_DTB_REG " = ");
	guest_put_hex(dtb);
	guest_puts("\n");
	if (!dtb || (dtb & 7) || be32(fdt) != FDT_MAGIC) {
		guest_puts("dtb: NO device tree in " GUEST_DTB_REG "\n");
		return 1;
	}
	uint32_t total = be32(fdt + 4), off = be32(fdt + 8);
	const char *strings = (const char *)fdt + be32(fdt + 12);
	guest_puts("dtb: magic ok, ");
	guest_put_hex(total);
	guest_puts(" bytes\n");
	for (;;) {
		uint32_t tok = be32(fdt + off);
		off += 4;
		if (tok == TOK_BEGIN) {
			const char *name = (const char *)fdt + off;
			off = (off + slen(name) + 1 + 3) & ~3u;
			depth++;
			if (depth == 2) {
				node1 = name;
				guest_puts("dtb: node /");
				guest_puts(name);
				guest_puts("\n");
			}
			if (depth == 3 && streq(node1, "cpus") &&
			    starts(name, "cpu@"))
				cpus++;
		} else if (tok == TOK_END) {
			depth--;
		} else if (tok == TOK_PROP) {
			uint32_t len = be32(fdt + off),
				 nameoff = be32(fdt + off + 4);
			if (depth == 2)
				prop(node1, strings + nameoff, fdt + off + 8,
				     len);
			off = (off + 8 + len + 3) & ~3u;
		} else if (tok == TOK_NOP) {
			continue;
		} else {
			break;
		}
		if (off >= total)
			break;
	}
	guest_puts("dtb: cpus ");
	guest_put_hex(cpus);
	guest_puts("\ndtb: done\n");
	return 0;
}

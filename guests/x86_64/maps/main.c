/* maps: the three map types on nested paging (configs/vms/maps-x86_64.toml).
 * MAP_ALLOC RAM in 4 KiB pages (640 KiB at 0) and 2 MiB ones (from
 * 1 MiB); MAP_RESERVED read-only: the host's own firmware area at
 * 0xe0000, where the host's ACPI RSDP must be found, and a write to it
 * dropped; MAP_IDENTICAL: 12 KiB of host RAM at the same address, in
 * 4 KiB pages, reading back what is written; the hole at 0xa0000 reads
 * all ones. */
#include <guest.h>

#define RESERVED   0xe0000ul
#define RES_SIZE   0x20000ul
#define IDENTICAL  0x30000000ul
#define IDENT_SIZE 0x3000ul
#define HOLE       0xa0000ul

static int failures;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "maps: ok: " : "maps: FAIL: ");
	guest_puts(what);
	guest_puts("\n");
	failures += !ok;
}

static bool rsdp_at(const volatile uint8_t *p)
{
	static const char sig[8] = "RSD PTR ";

	for (int i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

int main(void)
{
	const volatile uint8_t *res = (const volatile uint8_t *)RESERVED;
	uint64_t found = 0;

	for (uint64_t off = 0; off < RES_SIZE && !found; off += 16)
		if (rsdp_at(res + off))
			found = RESERVED + off;
	guest_puts("maps: the host's RSDP at ");
	guest_put_hex(found);
	guest_puts("\n");
	check(found != 0, "MAP_RESERVED shows the host's firmware area");
	volatile uint32_t *w = (volatile uint32_t *)RESERVED;
	uint32_t before = *w;
	*w = ~before;
	check(*w == before,
	      "a write to the read-only reserved region is dropped");

	volatile uint64_t *id = (volatile uint64_t *)IDENTICAL;
	for (uint64_t i = 0; i < IDENT_SIZE / 8; i++)
		id[i] = 0x1dea000000000000ull | i;
	bool same = true;
	for (uint64_t i = 0; i < IDENT_SIZE / 8; i++)
		same &= id[i] == (0x1dea000000000000ull | i);
	check(same, "MAP_IDENTICAL: 12 KiB in 4 KiB pages read back");

	volatile uint32_t *low = (volatile uint32_t *)0x9e000ul;
	*low = 0x10f7a5e5;
	check(*low == 0x10f7a5e5, "MAP_ALLOC in 4 KiB pages below 640 KiB");
	check(*(volatile uint32_t *)HOLE == 0xffffffffu,
	      "the hole at 0xa0000 reads all ones");
	guest_puts(failures ? "maps: FAIL\n" : "maps: PASS\n");
	return 0;
}

/* highmem: guest RAM above the 2 TiB that Sv39x4 reaches, as
 * configs/vms/highmem-riscv64.toml gives it (2 MiB at 2 TiB and 2 MiB
 * ending at 512 TiB: Sv48x4 goes to 1 PiB, but QEMU 7.2 faults on
 * guest-physical addresses with their top bit set, docs/riscv64.md).
 * Every region is written at both ends and in the middle, then all are
 * read back: a G-stage walk that indexed a level wrongly would alias two
 * of them. On a hart with only Sv39x4 cvisor refuses this VM. */
#include <guest.h>

#define MIB2 0x200000ull

static const uint64_t bases[] = {
	0x80000000ull + 0x800000ull, /* low RAM, above the guest's image */
	0x20000000000ull,            /* 2 TiB */
	0x1ffffffe00000ull,          /* 512 TiB - 2 MiB */
};
#define NREGIONS (sizeof(bases) / sizeof(bases[0]))

static volatile uint64_t *word(unsigned r, unsigned k)
{
	static const uint64_t at[] = { 0, MIB2 / 2, MIB2 - 8 };

	return (volatile uint64_t *)(bases[r] + at[k]);
}

static uint64_t pattern(unsigned r, unsigned k)
{
	return 0x5a5a000000000000ull ^ bases[r] ^ k;
}

int main(void)
{
	unsigned bad = 0;

	for (unsigned r = 0; r < NREGIONS; r++)
		for (unsigned k = 0; k < 3; k++)
			*word(r, k) = pattern(r, k);
	for (unsigned r = 0; r < NREGIONS; r++) {
		for (unsigned k = 0; k < 3; k++) {
			if (*word(r, k) == pattern(r, k))
				continue;
			guest_puts("highmem: FAIL at ");
			guest_put_hex((uint64_t)word(r, k));
			guest_puts("\n");
			bad++;
		}
	}
	if (!bad)
		guest_puts(
			"highmem: RAM at 2 TiB and below 512 TiB written and "
			"read back: PASS\n");
	return bad != 0;
}

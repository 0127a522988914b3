/* The device tree cvisor hands a guest at boot (aarch64 and riscv64), as
 * raw bytes: enough for an option in its bootargs to be found in it. */
#include <guest.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

const char *guest_fdt_bytes(uint64_t boot_arg, size_t *len)
{
	const uint8_t *fdt = (const uint8_t *)boot_arg;

	/* In RAM (the subtraction wraps below its base), 8-byte aligned. */
	if (boot_arg - GUEST_RAM_BASE >= 1ull << 40 || (boot_arg & 7) ||
	    be32(fdt) != 0xd00dfeedu)
		return 0;
	*len = be32(fdt + 4);
	return (const char *)fdt;
}

const char *guest_bytes_find(const char *s, size_t n, const char *key)
{
	size_t k = 0;

	while (key[k])
		k++;
	for (size_t i = 0; s && i + k <= n; i++) {
		size_t j = 0;
		while (j < k && s[i + j] == key[j])
			j++;
		if (j == k)
			return s + i + k;
	}
	return 0;
}

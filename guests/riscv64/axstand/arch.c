/* axstand's riscv64 part: QEMU virt's machine as NimbOS and ArceOS know
 * it: the PLIC at 0x0c00_0000, the 16550 at 0x1000_0000 (PLIC source
 * 10), SBI's timer and SRST. */
#include "axstand.h"

#define PLIC     0x0c000000ul
#define UART     0x10000000ul
#define UART_IER (UART + 1)
#define UART_LSR (UART + 5)
#define REG8(a)  (*(volatile uint8_t *)(a))
#define REG32(a) (*(volatile uint32_t *)(a))

#define FDT_MAGIC 0xd00dfeedu
#define TOK_BEGIN 1u
#define TOK_END   2u
#define TOK_PROP  3u
#define TOK_NOP   4u

const char axstand_timer_name[] = "SBI set_timer";
const char axstand_power_off_name[] = "SBI SRST shutdown";
const unsigned axstand_uart_line = 10;
const char axstand_uart_chip[] = "PLIC";

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool name_is(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return *s == '\0' || *s == '@';
}

/* The RAM of a /memory node's reg (two cells each, as cvisor writes). */
static void memory_reg(const uint8_t *v, uint32_t len)
{
	for (uint32_t i = 0; i + 16 <= len; i += 16) {
		guest_puts("axstand: RAM ");
		guest_put_hex((uint64_t)be32(v + i) << 32 | be32(v + i + 4));
		guest_puts(" size ");
		guest_put_hex((uint64_t)be32(v + i + 8) << 32 |
			      be32(v + i + 12));
		guest_puts("\n");
	}
}

/* The root's nodes and those of /soc, one line each, and the RAM. */
void axstand_machine(uint64_t dtb)
{
	const uint8_t *f = (const uint8_t *)(uintptr_t)dtb;
	const char *top = "";
	unsigned depth = 0;

	if (!dtb || be32(f) != FDT_MAGIC) {
		guest_puts("axstand: no device tree in a1\n");
		return;
	}
	const char *strs = (const char *)f + be32(f + 12);
	for (uint32_t off = be32(f + 8), total = be32(f + 4); off < total;) {
		uint32_t tok = be32(f + off);
		off += 4;
		if (tok == TOK_BEGIN) {
			const char *name = (const char *)f + off;
			uint32_t n = 0;
			while (name[n])
				n++;
			off = (off + n + 4) & ~3u;
			if (++depth == 2)
				top = name;
			if (depth == 2 || (depth == 3 && name_is(top, "soc"))) {
				guest_puts(depth == 2 ? "axstand: dt /" :
							"axstand: dt /soc/");
				guest_puts(name);
				guest_puts("\n");
			}
		} else if (tok == TOK_PROP) {
			uint32_t len = be32(f + off);
			const char *prop = strs + be32(f + off + 4);
			if (depth == 2 && name_is(top, "memory") &&
			    name_is(prop, "reg"))
				memory_reg(f + off + 8, len);
			off = (off + 8 + len + 3) & ~3u;
		} else if (tok == TOK_END) {
			if (!depth--)
				break;
		} else if (tok != TOK_NOP) {
			break;
		}
	}
}

void axstand_uart_thre(bool on)
{
	REG8(UART_IER) = on ? 0x02 : 0x00;
}

/* The PLIC and the 16550 (cvisor's, emulated in place when a config
 * names the host's): what a driver reads back. */
bool axstand_devices(void)
{
	uint32_t prio = REG32(PLIC + 4ul * axstand_uart_line);
	uint32_t enabled = REG32(PLIC + 0x2080ul) >> axstand_uart_line & 1;
	uint8_t lsr = REG8(UART_LSR);

	guest_puts("axstand: PLIC at 0xc000000: source 10 priority ");
	guest_put_dec(prio);
	guest_puts(enabled ? ", enabled for S-mode hart 0\n" :
			     ", NOT enabled\n");
	guest_puts("axstand: 16550 at 0x10000000: LSR ");
	guest_put_hex(lsr);
	guest_puts("\n");
	if (prio != 1 || !enabled || !(lsr & 0x20)) {
		guest_puts(
			"axstand: FAIL: the PLIC or the 16550 reads wrong\n");
		return false;
	}
	return true;
}

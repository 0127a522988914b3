/* Console output of the test guests over the arch's guest_putc(). */
#include <guest.h>

void guest_puts(const char *s)
{
	for (; *s; s++)
		guest_putc(*s);
}

void guest_put_hex(uint64_t v)
{
	char buf[19] = "0x";

	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[v >> (60 - 4 * i) & 0xf];
	buf[18] = 0;
	guest_puts(buf);
}

void guest_put_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	guest_puts(&buf[i]);
}

/* libFuzzer target: vmcfg_parse on arbitrary bytes.
 *
 * Besides "never crash", it checks one property: a config that parses is
 * printed by vmcfg_print, and that text must parse back to the very same
 * struct vm_config (but for the positions of entries it keeps). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/vm_config.h"

struct sink {
	char buf[256 * 1024];
	size_t len;
};

static void sink_put(void *ctx, const char *s)
{
	struct sink *k = ctx;
	size_t n = strlen(s);

	if (n > sizeof(k->buf) - k->len)
		abort();
	memcpy(k->buf + k->len, s, n);
	k->len += n;
}

static void count_diag(void *ctx, const struct vmcfg_diag *d)
{
	/* Every diagnostic must carry a position and a message. */
	if (d->line == 0 || d->col == 0 || !d->msg[0])
		abort();
	++*(int *)ctx;
}

/* Where each emu_devices entry was written is not part of the config:
 * the printed text puts it elsewhere. */
static void forget_positions(struct vm_config *c)
{
	for (uint32_t i = 0; i < c->emu_device_count; i++)
		c->emu_devices[i].line = c->emu_devices[i].col = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char arena[64 * 1024];
	static struct vm_config a, b;
	static struct sink out;
	int diags = 0;

	if (vmcfg_parse("fuzz", (const char *)data, size, arena, sizeof(arena),
			&a, count_diag, &diags) != 0) {
		if (diags == 0)
			abort(); /* an error must be reported */
		return 0;
	}
	out.len = 0;
	vmcfg_print(&a, sink_put, &out);
	if (vmcfg_parse("printed", out.buf, out.len, arena, sizeof(arena), &b,
			NULL, NULL) != 0)
		abort();
	forget_positions(&a);
	forget_positions(&b);
	if (memcmp(&a, &b, sizeof(a)))
		abort();
	return 0;
}

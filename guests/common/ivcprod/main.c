/* ivcprod: publishes an IVC channel and streams 4 MiB through it to
 * ivccons (guests/include/ivc_stream.h), each chunk announced and
 * acknowledged by a notify. Then every misuse of the calls it can make
 * is refused, and once unpublished the channel's pages are gone from its
 * view. */
#include <ivc_stream.h>

static volatile unsigned notified;

static void on_irq(unsigned irq)
{
	(void)irq;
	notified++;
}

static bool check(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return true;
	guest_puts("ivcprod: FAIL: ");
	guest_puts(what);
	guest_puts(" gave ");
	guest_put_hex(got);
	guest_puts("\n");
	return false;
}

/* Calls a channel must refuse (-1), named for the log. */
static bool misuse(uint64_t base, uint64_t size)
{
	static uint64_t b, s;
	bool ok = true;

	s = IVC_CHAN_SIZE;
	ok &= check("publishing the same key again",
		    guest_hypercall(HC_IVC_PUBLISH, IVC_KEY, (uint64_t)&b,
				    (uint64_t)&s),
		    ~0ull);
	ok &= check("subscribing to its own channel",
		    guest_hypercall4(HC_IVC_SUBSCRIBE, IVC_PRODUCER, IVC_KEY,
				     (uint64_t)&b, (uint64_t)&s),
		    ~0ull);
	const uint64_t bad_sizes[] = { 0, 4097, 128ull << 20 };
	for (unsigned i = 0; i < 3; i++) {
		s = bad_sizes[i];
		ok &= check("publishing a bad size",
			    guest_hypercall(HC_IVC_PUBLISH, IVC_KEY + 1,
					    (uint64_t)&b, (uint64_t)&s),
			    ~0ull);
	}
	s = 4096;
	ok &= check("publishing with a pointer outside its RAM",
		    guest_hypercall(HC_IVC_PUBLISH, IVC_KEY + 1, 1ull << 40,
				    (uint64_t)&s),
		    ~0ull);
	ok &= check("subscribing to an unknown key",
		    guest_hypercall4(HC_IVC_SUBSCRIBE, 21, 0xdead, (uint64_t)&b,
				     (uint64_t)&s),
		    ~0ull);
	ok &= check("unpublishing an unknown key",
		    guest_hypercall(HC_IVC_UNPUBLISH, 0xdead, 0, 0), ~0ull);
	ok &= check("unsubscribing what it never subscribed",
		    guest_hypercall(HC_IVC_UNSUBSCRIBE, 21, IVC_KEY, 0), ~0ull);
	ok &= check("notifying on an unknown key",
		    guest_hypercall(HC_IVC_NOTIFY, IVC_PRODUCER, 0xdead, 0),
		    ~0ull);
	(void)base, (void)size;
	return ok;
}

int main(void)
{
	static uint64_t base, size = IVC_CHAN_SIZE;
	bool ok = true;

	guest_trap_install();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	guest_irq_enable_line(GUEST_IVC_LINE, 0);
	irq_disable();
	if (!check("publishing",
		   guest_hypercall(HC_IVC_PUBLISH, IVC_KEY, (uint64_t)&base,
				   (uint64_t)&size),
		   0)) {
		return 0;
	}
	guest_puts("ivcprod: published ");
	guest_put_dec(size / 1024);
	guest_puts(" KiB at ");
	guest_put_hex(base);
	guest_puts("\n");
	struct ivc_head *h = (struct ivc_head *)base;
	uint8_t *data = (uint8_t *)base + IVC_DATA_OFF;
	for (uint64_t seq = 1; seq <= IVC_CHUNKS && ok; seq++) {
		uint64_t sum = 0;
		for (uint64_t i = 0; i < IVC_CHUNK; i++) {
			data[i] = ivc_byte(seq, i);
			sum += data[i];
		}
		h->len = IVC_CHUNK;
		h->sum = sum;
		__atomic_store_n(&h->seq, seq, __ATOMIC_RELEASE);
		ok &= check("notifying",
			    guest_hypercall(HC_IVC_NOTIFY, IVC_PRODUCER,
					    IVC_KEY, 0),
			    0);
		/* Until the consumer's notify says it has checked it. */
		uint64_t t0 = guest_counter();
		while (__atomic_load_n(&h->ack, __ATOMIC_ACQUIRE) != seq) {
			wait_irq_masked();
			if (guest_counter() - t0 >
			    IVC_PATIENCE_S * guest_counter_freq()) {
				guest_puts("ivcprod: FAIL: no ack in time\n");
				ok = false;
				break;
			}
		}
	}
	if (ok)
		guest_puts("ivcprod: 4 MiB sent, each chunk acknowledged\n");
	ok &= misuse(base, size);
	__atomic_store_n(&h->bye, 1, __ATOMIC_RELEASE);
	ok &= check("notifying the goodbye",
		    guest_hypercall(HC_IVC_NOTIFY, IVC_PRODUCER, IVC_KEY, 0),
		    0);
	ok &= check("unpublishing",
		    guest_hypercall(HC_IVC_UNPUBLISH, IVC_KEY, 0, 0), 0);
	ok &= check("unpublishing twice",
		    guest_hypercall(HC_IVC_UNPUBLISH, IVC_KEY, 0, 0), ~0ull);
	/* Its view is gone: nothing backs it now. */
	ok &= check("reading the unpublished channel (nothing there)",
		    guest_read_unbacked(base), 1);
	guest_puts(ok ? "ivcprod: PASS\n" : "ivcprod: FAIL\n");
	return 0;
}

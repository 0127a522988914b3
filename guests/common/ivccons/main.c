/* ivccons: subscribes to ivcprod's channel (retrying until it is
 * published), checks each chunk streamed through it and acknowledges it
 * with a notify. Its view outlives the publisher's unpublishing; after
 * its own unsubscribe the pages are gone from it too. */
#include <ivc_stream.h>

static volatile unsigned notified;

static void on_irq(unsigned irq)
{
	(void)irq;
	notified++;
}

static void fail(const char *why)
{
	guest_puts("ivccons: FAIL: ");
	guest_puts(why);
	guest_puts("\n");
}

/* Waits, interrupts masked, until *p is 'want'; false after IVC_PATIENCE_S. */
static bool wait_for(volatile uint64_t *p, uint64_t want)
{
	uint64_t t0 = guest_counter();

	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want) {
		wait_irq_masked();
		if (guest_counter() - t0 >
		    IVC_PATIENCE_S * guest_counter_freq())
			return false;
	}
	return true;
}

int main(void)
{
	static uint64_t base, size;
	uint64_t t0 = guest_counter();

	guest_trap_install();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	/* This VM's IVC line is the one its config names. */
	guest_irq_enable_line(GUEST_IVC_NAMED_LINE, 0);
	irq_disable();
	while (guest_hypercall4(HC_IVC_SUBSCRIBE, IVC_PRODUCER, IVC_KEY,
				(uint64_t)&base, (uint64_t)&size) != 0) {
		if (guest_counter() - t0 >
		    IVC_PATIENCE_S * guest_counter_freq()) {
			fail("the channel was never published");
			return 0;
		}
	}
	if (guest_hypercall4(HC_IVC_SUBSCRIBE, IVC_PRODUCER, IVC_KEY,
			     (uint64_t)&base, (uint64_t)&size) != ~0ull) {
		fail("a second subscription was accepted");
		return 0;
	}
	guest_puts("ivccons: subscribed, ");
	guest_put_dec(size / 1024);
	guest_puts(" KiB at ");
	guest_put_hex(base);
	guest_puts("\n");
	struct ivc_head *h = (struct ivc_head *)base;
	const uint8_t *data = (const uint8_t *)base + IVC_DATA_OFF;
	for (uint64_t seq = 1; seq <= IVC_CHUNKS; seq++) {
		if (!wait_for(&h->seq, seq)) {
			fail("a chunk never came");
			return 0;
		}
		uint64_t sum = 0;
		bool same = h->len == IVC_CHUNK;
		for (uint64_t i = 0; i < IVC_CHUNK && same; i++) {
			same = data[i] == ivc_byte(seq, i);
			sum += data[i];
		}
		if (!same || sum != h->sum) {
			fail("a chunk came corrupted");
			return 0;
		}
		__atomic_store_n(&h->ack, seq, __ATOMIC_RELEASE);
		if (guest_hypercall(HC_IVC_NOTIFY, IVC_PRODUCER, IVC_KEY, 0)) {
			fail("its notify was refused");
			return 0;
		}
	}
	guest_puts("ivccons: 4 MiB received, every byte checked\n");
	/* The publisher unpublishes: this view stays. */
	if (!wait_for(&h->bye, 1)) {
		fail("no goodbye");
		return 0;
	}
	/* Some time for it to do so (a weaker check if it is slower). */
	uint64_t t1 = guest_counter();
	while (guest_counter() - t1 < guest_counter_freq() / 5)
		;
	if (data[5] != ivc_byte(IVC_CHUNKS, 5)) {
		fail("its view changed");
		return 0;
	}
	if (guest_hypercall(HC_IVC_UNSUBSCRIBE, IVC_PRODUCER, IVC_KEY, 0) ||
	    guest_hypercall(HC_IVC_UNSUBSCRIBE, IVC_PRODUCER, IVC_KEY, 0) !=
		    ~0ull) {
		fail("unsubscribing (once yes, twice no)");
		return 0;
	}
	if (!guest_read_unbacked(base)) {
		fail("its view stayed after the unsubscribe");
		return 0;
	}
	guest_puts("ivccons: PASS\n");
	return 0;
}

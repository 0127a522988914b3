/* The protocol of the ivcprod and ivccons guests: the producer publishes
 * a channel, and streams CHUNKS chunks through it, one at a time; each
 * has a sequence number, a length and a checksum in the header, is
 * announced with a notify and acknowledged with one. */
#ifndef IVC_STREAM_H
#define IVC_STREAM_H

#include <guest.h>

#define IVC_KEY       0x5eedull
#define IVC_PRODUCER  20 /* the producer's VM id (configs) */
#define IVC_CHAN_SIZE (64 * 1024)
#define IVC_CHUNK     (32 * 1024)
#define IVC_CHUNKS    128 /* 4 MiB in all */
/* Seconds of counter time a side waits for the other before it fails:
 * generous, so that a host busy with other work cannot fail the run. */
#define IVC_PATIENCE_S 30

struct ivc_head {
	volatile uint64_t seq; /* written last by the producer */
	volatile uint64_t ack; /* the last seq the consumer checked */
	volatile uint64_t len;
	volatile uint64_t sum;
	volatile uint64_t bye; /* the producer unpublishes next */
};

#define IVC_DATA_OFF 4096

/* The byte 'i' of chunk 'seq'. */
static inline uint8_t ivc_byte(uint64_t seq, uint64_t i)
{
	return (uint8_t)((seq * 131 + i * 7 + (i >> 9)) & 0xff);
}

#endif

/*
 * Streams: a byte stream over a channel endpoint (spec/sdk.md, "Streams").
 *
 * The writer sends messages of 1..256 raw bytes, the bytes of the stream
 * in order. The reader acknowledges each message it has consumed with a
 * 0-byte message back on the same channel. The writer keeps at most
 * DOGMA_STREAM_WINDOW messages unacknowledged: before sending one more it
 * waits on its endpoint (READABLE or PEER_GONE) and receives acks. So a
 * slow reader holds the writer back, and a channel's queue of 64 never
 * fills. When the reader is gone, writes fail (PEER_CLOSED); messages
 * already queued survive the writer's exit, so a writer may end as soon as
 * its last send returned.
 *
 * A dogma_stream_t is one end, writer or reader, owned by one thread; it
 * holds no resource of its own, so it needs no destructor.
 */
#ifndef DOGMA_SDK_STREAM_H
#define DOGMA_SDK_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define DOGMA_STREAM_WINDOW 8   /* messages a writer may have unacknowledged */
#define DOGMA_STREAM_CHUNK  256 /* the largest message, DOGMA_MSG_MAX_BYTES */

typedef struct dogma_stream {
    uint32_t endpoint;
    uint32_t unacked;   /* writer: messages sent and not yet acknowledged */
    int peer_gone;      /* the other end is disposed */
    uint32_t rpos, rlen; /* reader: the undelivered part of rbuf */
    uint8_t rbuf[DOGMA_STREAM_CHUNK];
} dogma_stream_t;

void dogma_stream_init(dogma_stream_t *s, uint32_t endpoint);

/* Writes len bytes, waiting as the window requires. Returns len, or, when
 * an error stops it, the bytes already sent if any, else -(dogma error):
 * PEER_CLOSED when the reader is gone. */
int64_t dogma_stream_write(dogma_stream_t *s, const void *buf, size_t len);

/* Reads up to size bytes, waiting for a message if none is buffered.
 * Returns the bytes read, 0 at the end of the stream (the writer is gone
 * and nothing is queued), or -(dogma error). Each message is acknowledged
 * as soon as it is received (copied out of the channel). */
int64_t dogma_stream_read(dogma_stream_t *s, void *buf, size_t size);

#endif

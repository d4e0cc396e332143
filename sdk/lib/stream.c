/*
 * Streams over channels (dogma/stream.h). The peer is another process and
 * not trusted to follow the protocol: a non-empty message where an ack is
 * due, an empty one where data is due, or handles in either are dropped
 * (the handles disposed), never counted, so a confused peer can only stall
 * its own stream.
 */
#include <string.h>

#include <dogma.h>
#include <dogma/stream.h>

void dogma_stream_init(dogma_stream_t *s, uint32_t endpoint)
{
    memset(s, 0, sizeof *s);
    s->endpoint = endpoint;
}

/* Receives one message into buf (at least DOGMA_STREAM_CHUNK bytes),
 * disposing any handles it carried. Returns its length or -(error). */
static int64_t stream_recv(dogma_stream_t *s, uint8_t *buf)
{
    uint32_t handles[DOGMA_MSG_MAX_HANDLES], count = 0;
    int64_t r = dogma_channel_recv(s->endpoint, buf, DOGMA_STREAM_CHUNK, handles,
                                   DOGMA_MSG_MAX_HANDLES, &count);
    if (r < 0)
        return r;
    for (uint32_t i = 0; i < count && i < DOGMA_MSG_MAX_HANDLES; i++)
        dogma_cap_dispose(handles[i]);
    return r;
}

/* Blocks until the endpoint is readable or its peer is gone. */
static int64_t stream_wait(dogma_stream_t *s)
{
    dogma_wait_item_t it = { .handle = s->endpoint,
                             .want = DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE };
    int64_t r = dogma_wait(&it, 1, UINT64_MAX);
    if (r < 0)
        return r;
    if (it.got & DOGMA_SIG_PEER_GONE)
        s->peer_gone = 1;
    return 0;
}

/* Receives every ack queued; waits for one first when the window is full. */
static int64_t stream_take_acks(dogma_stream_t *s)
{
    uint8_t junk[DOGMA_STREAM_CHUNK];
    for (;;) {
        int64_t r = stream_recv(s, junk);
        if (r == 0 && s->unacked > 0) {
            s->unacked--;
            continue;
        }
        if (r > 0)
            continue; /* data where an ack is due: a protocol error, dropped */
        if (r == -DOGMA_E_PEER_CLOSED)
            s->peer_gone = 1;
        else if (r != -DOGMA_E_EMPTY && r != 0)
            return r;
        if (s->unacked < DOGMA_STREAM_WINDOW)
            return 0;
        if (s->peer_gone)
            return -DOGMA_E_PEER_CLOSED;
        if ((r = stream_wait(s)) < 0)
            return r;
    }
}

int64_t dogma_stream_write(dogma_stream_t *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        int64_t r = 0;
        if (s->unacked >= DOGMA_STREAM_WINDOW)
            r = stream_take_acks(s);
        size_t n = len - done < DOGMA_STREAM_CHUNK ? len - done : DOGMA_STREAM_CHUNK;
        if (r >= 0)
            r = dogma_channel_send(s->endpoint, p + done, (uint32_t)n, NULL, 0);
        if (r < 0) {
            if (r == -DOGMA_E_PEER_CLOSED)
                s->peer_gone = 1;
            return done ? (int64_t)done : r;
        }
        s->unacked++;
        done += n;
    }
    return (int64_t)done;
}

int64_t dogma_stream_read(dogma_stream_t *s, void *buf, size_t size)
{
    while (s->rpos == s->rlen) {
        int64_t r = stream_recv(s, s->rbuf);
        if (r > 0) {
            s->rpos = 0;
            s->rlen = (uint32_t)r;
            /* The ack: the message is out of the channel. If the writer is
             * gone there is nobody to tell; if its queue is full it broke
             * the window and loses the ack. */
            dogma_channel_send(s->endpoint, NULL, 0, NULL, 0);
            break;
        }
        if (r == 0)
            continue; /* an empty message is not data: dropped */
        if (r == -DOGMA_E_PEER_CLOSED)
            return 0;
        if (r != -DOGMA_E_EMPTY)
            return r;
        if (s->peer_gone)
            return 0;
        if ((r = stream_wait(s)) < 0)
            return r;
    }
    size_t n = s->rlen - s->rpos < size ? s->rlen - s->rpos : size;
    memcpy(buf, s->rbuf + s->rpos, n);
    s->rpos += (uint32_t)n;
    return (int64_t)n;
}

/*
 * What the system's services and driverd share (services/lib/svc.c):
 * finding a file in the initrd, logging, blocking request/reply on a
 * channel, and formatting numbers. Compiled into each module.
 */
#ifndef DOGMA_SVC_H
#define DOGMA_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dogma.h>
#include <dogma/proto.h>

/* The file `path` of the tar archive behind a region or view handle:
 * its data's offset and size. false when absent or the archive is
 * damaged. Reads the headers with region_read. */
bool svc_initrd_find(uint32_t view, const char *path, uint64_t *out_off, uint64_t *out_size);

/* Log lines: to the log service when svc_log_init found a "log" grant,
 * else to the kernel log. Always also the kernel log for LG_ERR/LG_WARN. */
void svc_log_init(const char *self);
void svc_log(uint32_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Waits until endpoint is readable (or its peer gone), then receives.
 * Returns the length, or -(dogma error) (PEER_CLOSED when gone). */
int64_t svc_recv(uint32_t ep, void *buf, uint32_t size, uint32_t *handles, uint32_t room,
                 uint32_t *out_count);

/* A request with a fresh reply channel as its first handle (plus extra),
 * on a connect endpoint: returns the endpoint to read replies from, or
 * -(dogma error). */
int64_t svc_request(uint32_t connect, const void *msg, uint32_t len, const uint32_t *extra,
                    uint32_t nextra);

/* The pid of a process handle, or 0. */
uint32_t svc_pid_of(uint32_t proc);

#endif

/*
 * verifierd's start-up and request loop.
 *
 * TRUSTED. At entry rdi is the process block; the kernel granted a view
 * of the initrd (handle 0) and LOADER (handle 1). verifierd first loads
 * sys/driverd.wasm from the initrd as process 1, giving it a view of the
 * initrd (role "initrd") and a channel to verifierd (role "verifierd").
 * Then it serves requests (dogma/proto.h, spec/services.md) on that
 * channel and on every endpoint a client hands it with CONNECT, one at a
 * time, and logs every decision: who asked, the module's hash and size,
 * the verdict, the time it took.
 */
#include <stdarg.h>

#include <kern/fmt.h>
#include <kern/initrd.h>
#include <kern/string.h>

#include "verifierd.h"

#define MAX_CLIENTS 15 /* wait takes 16 items: these and the inbox */
#define DRIVERD "sys/driverd.wasm"

static const uint8_t *pb;
static const uint8_t *initrd;
static uint64_t initrd_size;
static uint32_t initrd_view;

typedef struct {
    uint32_t ep;
    char who[VD_NAME];                   /* whom it speaks for, for the log */
    bool driverd;                        /* process 1's own: may CONNECT others */
    vd_grant_t pending[VD_MAX_GRANTS];   /* GRANT requests for the next LOAD */
    uint32_t npending;
} client_t;
static client_t clients[MAX_CLIENTS];
static unsigned nclients;

size_t vd_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void vd_log(const char *fmt, ...)
{
    char line[400];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    VS2(DOGMA_SYS_debug_log, line, n < sizeof line ? n : sizeof line - 1);
}

/* A kernel-side failure in start-up: nothing can run without verifierd. */
static _Noreturn void die(const char *what, int64_t err)
{
    vd_log("cannot %s (error %ld): stopping", what, -err);
    VS1(DOGMA_SYS_exit, 1);
    for (;;)
        ;
}

static const char *verdict(const vd_reply_t *r)
{
    return r->status == 0 ? "accepted" : r->status == VD_REJECTED ? "rejected" : "failed";
}

static void log_job(const vd_job_t *job, const char *from, const vd_reply_t *r)
{
    vd_log("%s %s for %s: %u bytes, hash %016lx: %s in %u us (%u of %u accesses proved): %s",
           job->run ? "load" : "verify", job->name, from, r->module_bytes, r->hash, verdict(r),
           r->time_us, r->proved, r->accesses, r->text);
}

/* ---- process 1 ------------------------------------------------------------------- */
static void start_driverd(void)
{
    initrd_file_t f;
    initrd_err_t e = initrd_find(initrd, initrd_size, DRIVERD, &f);
    if (e) {
        vd_log("cannot find %s in the initrd: %s", DRIVERD, initrd_strerror(e));
        die("start process 1", 0);
    }
    vsys_t r = VS0(DOGMA_SYS_channel_create);
    if (r.r < 0)
        die("make driverd's channel", r.r);
    clients[nclients++] = (client_t){.ep = (uint32_t)r.r, .who = "driverd", .driverd = true};
    vsys_t v = VS2(DOGMA_SYS_cap_dup, initrd_view, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER);
    if (v.r < 0)
        die("share the initrd", v.r);
    vd_grant_t grants[2] = {{(uint32_t)v.r, "initrd"}, {(uint32_t)r.r1, "verifierd"}};
    static const char args[] = "driverd";
    vd_job_t job = {
        .bytes = initrd + f.offset, .size = f.size, .name = "driverd", .flags = VD_F_INIT,
        .strings = args, .strings_len = sizeof args, .nargs = 1,
        .grants = grants, .ngrants = 2, .run = true,
    };
    vd_reply_t rep;
    uint32_t proc;
    vd_load(&job, &rep, &proc);
    log_job(&job, "the kernel's start", &rep);
    if (rep.status != 0)
        die("start process 1", rep.status < 0 ? rep.status : 0);
    VS1(DOGMA_SYS_cap_dispose, proc); /* the kernel resets the machine if it dies */
}

/* ---- requests ---------------------------------------------------------------------- */
/* The strings of a request: count NUL-terminated strings inside data. */
static bool strings_ok(const vd_request_t *q, size_t len, uint32_t count, size_t *out_len)
{
    size_t have = len > offsetof(vd_request_t, data) ? len - offsetof(vd_request_t, data) : 0;
    size_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t n = strnlen(q->data + at, have - at);
        if (at + n >= have)
            return false;
        at += n + 1;
    }
    *out_len = at;
    return true;
}

static void reply(client_t *c, const vd_reply_t *r, uint32_t proc)
{
    vsys_t s = VS5(DOGMA_SYS_channel_send, c->ep, r, sizeof *r, &proc, proc ? 1 : 0);
    if (s.r < 0) {
        vd_log("cannot reply to %s (error %ld)", c->who, -s.r);
        if (proc)
            VS1(DOGMA_SYS_cap_dispose, proc);
    }
}

static void drop_pending(client_t *c)
{
    for (uint32_t i = 0; i < c->npending; i++)
        VS1(DOGMA_SYS_cap_dispose, c->pending[i].handle);
    c->npending = 0;
}

/* LOAD and VERIFY. The grants of a LOAD (handles 1..) join the pending
 * ones (taken[i] set: no longer the caller's to dispose); a LOAD consumes
 * every pending grant, moved into the new process or let go. VERIFY
 * leaves the pending grants alone. */
static void serve_load(client_t *c, const vd_request_t *q, size_t len, const uint32_t *hs,
                       uint32_t nh, bool *taken, vd_reply_t *r, uint32_t *proc)
{
    bool run = q->op == VD_OP_LOAD;
    size_t slen, rlen;
    uint32_t nstr = q->nargs + q->nenv, extra = run ? nh - 1 : 0;
    if (nh == 0 || q->nargs > 64 || q->nenv > 64 || (run && q->nroles != nh - 1) ||
        !strings_ok(q, len, nstr + (run ? q->nroles : 0), &rlen) ||
        !strings_ok(q, len, nstr, &slen) || c->npending + extra > VD_MAX_GRANTS) {
        r->status = -DOGMA_E_BAD_ARG;
        vd_snprintf(r->text, sizeof r->text, "malformed request");
        if (run)
            drop_pending(c);
        return;
    }
    dogma_region_info_t ri;
    vsys_t v = VS2(DOGMA_SYS_region_info, hs[0], &ri);
    if (v.r < 0 || q->offset > ri.size || q->size > ri.size - q->offset) {
        r->status = v.r < 0 ? (int32_t)v.r : -DOGMA_E_BAD_ARG;
        vd_snprintf(r->text, sizeof r->text, "the module is not inside the region it came in");
        if (run)
            drop_pending(c);
        return;
    }
    /* Roles follow the strings; grants: the pending ones, then these. */
    const char *role = q->data + slen;
    for (uint32_t i = 1; run && i < nh; i++) {
        c->pending[c->npending].handle = hs[i];
        strlcpy(c->pending[c->npending].role, role, sizeof c->pending[0].role);
        c->npending++;
        taken[i] = true;
        role += strlen(role) + 1;
    }
    char name[VD_NAME];
    memcpy(name, q->name, VD_NAME - 1); /* the client's field: maybe unterminated */
    name[VD_NAME - 1] = 0;
    vd_job_t job = {
        .bytes = (const uint8_t *)(uintptr_t)ri.base + q->offset, .size = q->size,
        .name = name[0] ? name : "module", .strings = q->data, .strings_len = slen,
        .nargs = q->nargs, .nenv = q->nenv, .grants = c->pending,
        .ngrants = run ? c->npending : 0, .run = run,
    };
    vd_load(&job, r, proc);
    log_job(&job, c->who, r);
    if (*proc)
        c->npending = 0; /* moved into the new process */
    else if (run)
        drop_pending(c);
}

/* A new client, from driverd only: a channel end verifierd can read and
 * write (anything else would make every later wait fail). */
static int32_t connect_client(const client_t *c, const vd_request_t *q, const uint32_t *hs,
                              uint32_t nh, bool *taken)
{
    dogma_cap_info_t ci;
    if (!c->driverd)
        return -DOGMA_E_RIGHTS;
    if (nh != 1 || VS2(DOGMA_SYS_cap_info, hs[0], &ci).r < 0 || ci.kind != DOGMA_CAP_CHANNEL ||
        (ci.rights & (DOGMA_R_READ | DOGMA_R_WRITE)) != (DOGMA_R_READ | DOGMA_R_WRITE))
        return -DOGMA_E_BAD_ARG;
    if (nclients == MAX_CLIENTS)
        return -DOGMA_E_FULL;
    client_t *n = &clients[nclients++];
    *n = (client_t){.ep = hs[0]};
    memcpy(n->who, q->name, VD_NAME - 1); /* the client's field: maybe unterminated */
    n->who[VD_NAME - 1] = 0;
    taken[0] = true;
    vd_log("new client: %s", n->who);
    return 0;
}

/* One request from c. false: c broke the protocol (or its channel failed)
 * and is to be dropped; a client that cannot be read or that sends what
 * no client would must not keep verifierd busy. */
static bool serve(client_t *c)
{
    static uint8_t buf[DOGMA_MSG_MAX_BYTES];
    static vd_request_t q; /* zeroed tail: strings are always terminated */
    uint32_t hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    bool taken[DOGMA_MSG_MAX_HANDLES] = {false};
    vsys_t r = VS5(DOGMA_SYS_channel_recv, c->ep, buf, sizeof buf, hs, DOGMA_MSG_MAX_HANDLES);
    if (r.r == -DOGMA_E_EMPTY)
        return true;
    if (r.r < 0)
        return false;
    nh = (uint32_t)r.r1;
    size_t len = (size_t)r.r;
    bool ok = len >= offsetof(vd_request_t, data) && len <= sizeof q;
    memset(&q, 0, sizeof q);
    memcpy(&q, buf, ok ? len : 0);
    vd_reply_t rep;
    memset(&rep, 0, sizeof rep);
    uint32_t proc = 0;
    switch (ok ? q.op : 0) {
    case VD_OP_LOAD:
    case VD_OP_VERIFY:
        serve_load(c, &q, len, hs, nh, taken, &rep, &proc);
        break;
    case VD_OP_GRANT: {
        size_t rlen;
        if (nh == 0 || q.nroles != nh || c->npending + nh > VD_MAX_GRANTS ||
            !strings_ok(&q, len, nh, &rlen)) {
            rep.status = -DOGMA_E_BAD_ARG;
            vd_snprintf(rep.text, sizeof rep.text, "malformed GRANT");
            break;
        }
        const char *role = q.data;
        for (uint32_t i = 0; i < nh; i++) {
            c->pending[c->npending].handle = hs[i];
            strlcpy(c->pending[c->npending].role, role, sizeof c->pending[0].role);
            c->npending++;
            taken[i] = true;
            role += strlen(role) + 1;
        }
        break;
    }
    case VD_OP_DROP: drop_pending(c); break;
    case VD_OP_CONNECT:
        if ((rep.status = connect_client(c, &q, hs, nh, taken)) < 0)
            vd_snprintf(rep.text, sizeof rep.text, "cannot take that client: %s",
                        c->driverd ? "not a channel end, or no room" : "only driverd connects");
        break;
    default:
        ok = false;
    }
    for (uint32_t i = 0; i < nh; i++)
        if (!taken[i])
            VS1(DOGMA_SYS_cap_dispose, hs[i]); /* the module's region, anything unused */
    if (!ok) {
        vd_log("%s sent a malformed request (%zu bytes, op %u): dropping it as a client",
               c->who, len, q.op);
        return false;
    }
    reply(c, &rep, proc);
    return true;
}

static void drop_client(unsigned i)
{
    vd_log("client %s gone", clients[i].who);
    drop_pending(&clients[i]);
    VS1(DOGMA_SYS_cap_dispose, clients[i].ep);
    clients[i] = clients[--nclients];
}

void _start(uint64_t block);
void _start(uint64_t block)
{
    pb = (const uint8_t *)(uintptr_t)block;
    initrd_view = (uint32_t)*(const uint64_t *)(pb + DOGMA_PB_INITRD);
    initrd_size = *(const uint64_t *)(pb + DOGMA_PB_ARG);
    uint32_t ngrants = *(const uint32_t *)(pb + DOGMA_PB_NGRANTS);
    uint32_t loader = ngrants > 1 ? *(const uint32_t *)(pb + DOGMA_PB_GRANTS + 4) : 0;
    dogma_region_info_t ri;
    vsys_t r = VS2(DOGMA_SYS_region_info, initrd_view, &ri);
    if (r.r < 0)
        die("read the initrd", r.r);
    initrd = (const uint8_t *)(uintptr_t)ri.base;
    if (!vd_load_init(loader))
        die("make its heap", -DOGMA_E_NO_MEMORY);
    vd_log("verifierd: ready; translation strategy proved: the verifier's first pass "
           "(intervals) drops the check of each access it proves, the rest are checked at "
           "run time; no Z3 inside the OS yet, so dogma.proof claims it cannot settle alone "
           "are not used");
    start_driverd();
    for (;;) {
        dogma_wait_item_t items[MAX_CLIENTS];
        for (unsigned i = 0; i < nclients; i++)
            items[i] = (dogma_wait_item_t){clients[i].ep, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE,
                                           0, 0};
        r = VS3(DOGMA_SYS_wait, items, nclients, UINT64_MAX);
        if (r.r < 0) {
            /* Some item is bad (it should not be): find it, drop it. */
            for (unsigned i = nclients; i-- > 0;) {
                dogma_wait_item_t one = {clients[i].ep, DOGMA_SIG_READABLE, 0, 0};
                vsys_t w = VS3(DOGMA_SYS_wait, &one, 1, 0);
                if (w.r < 0 && w.r != -DOGMA_E_TIMED_OUT)
                    drop_client(i);
            }
            continue;
        }
        for (unsigned i = nclients; i-- > 0;) {
            if (items[i].got & DOGMA_SIG_READABLE) {
                if (!serve(&clients[i]))
                    drop_client(i);
            } else if (items[i].got & DOGMA_SIG_PEER_GONE) {
                drop_client(i);
            }
        }
    }
}

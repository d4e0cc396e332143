/*
 * driverd: process 1. It reads the manifest (etc/services in the initrd),
 * has verifierd load each service with exactly the capabilities its entry
 * names, watches them, restarts one that ends (with a backoff that doubles
 * from 100 ms to 5 s, reset after 10 s of good running), and answers the
 * shell's supervisor requests (dogma/proto.h, SV_*).
 *
 * A verified module: everything it does goes through the kernel's checks
 * and verifierd's. It is also the only process the kernel lets make device
 * capabilities (dev_create), so the manifest is where a device's owner is
 * decided; nothing else here grants one.
 *
 * The manifest, one service per line, '#' starts a comment:
 *     NAME MODULE [ROLE=SPEC]... [arg=WORD]...
 * SPEC: ioport:FIRST:COUNT  irq:LINE  phys:BASE:SIZE  service:NAME
 *       initrd  verifierd  driverd  admin
 * spec/services.md is the contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../services/lib/svc.h"

#define MAX_SERVICES 16
#define MAX_GRANTS VD_MAX_GRANTS
#define BACKOFF_MIN_NS 100000000ull
#define BACKOFF_MAX_NS 5000000000ull
#define GOOD_RUN_NS 10000000000ull

typedef struct {
    char role[28];
    char spec[64];
} grant_spec_t;

typedef struct {
    char name[20];
    char module[64];
    grant_spec_t grants[MAX_GRANTS];
    unsigned ngrants;
    char args[8][32];
    unsigned nargs;
    uint32_t srv, cli;     /* the connect channel: kept across restarts */
    uint32_t proc;         /* the running instance's handle, or 0 */
    uint32_t sv;           /* our end of its "driverd" channel, or 0 */
    sv_service_t st;
    uint64_t started_ns, restart_at, backoff;
} service_t;

static service_t services[MAX_SERVICES];
static unsigned nservices;
static uint32_t initrd, verifierd, admin_mine;

static uint64_t now(void) { return (uint64_t)dogma_clock(); }

/* ---- the manifest ------------------------------------------------------------------ */
static bool parse_line(char *line, unsigned lineno)
{
    char *words[24];
    unsigned n = 0;
    for (char *t = strtok(line, " \t\r"); t && n < 24; t = strtok(NULL, " \t\r"))
        words[n++] = t;
    if (n == 0)
        return true;
    if (n < 2 || nservices == MAX_SERVICES) {
        svc_log(LG_ERR, "manifest line %u: %s", lineno,
                n < 2 ? "want NAME MODULE [ROLE=SPEC]..." : "too many services");
        return false;
    }
    service_t *s = &services[nservices];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", words[0]);
    snprintf(s->module, sizeof s->module, "%s", words[1]);
    for (unsigned i = 2; i < n; i++) {
        char *eq = strchr(words[i], '=');
        if (!eq || eq == words[i]) {
            svc_log(LG_ERR, "manifest line %u: \"%s\" is not ROLE=SPEC", lineno, words[i]);
            return false;
        }
        *eq = 0;
        if (strcmp(words[i], "arg") == 0) {
            if (s->nargs < 8)
                snprintf(s->args[s->nargs++], sizeof s->args[0], "%s", eq + 1);
            continue;
        }
        if (s->ngrants == MAX_GRANTS - 1) { /* one more: its own "service" end */
            svc_log(LG_ERR, "manifest line %u: more than %d grants", lineno, MAX_GRANTS - 1);
            return false;
        }
        grant_spec_t *g = &s->grants[s->ngrants++];
        snprintf(g->role, sizeof g->role, "%s", words[i]);
        snprintf(g->spec, sizeof g->spec, "%s", eq + 1);
    }
    snprintf(s->st.name, sizeof s->st.name, "%s", s->name);
    snprintf(s->st.module, sizeof s->st.module, "%s", s->module);
    nservices++;
    return true;
}

static bool read_manifest(void)
{
    uint64_t off, size;
    if (!svc_initrd_find(initrd, "etc/services", &off, &size) || size > 16384) {
        svc_log(LG_ERR, "no manifest etc/services in the initrd (or over 16 KiB)");
        return false;
    }
    char *text = malloc(size + 1);
    if (!text || dogma_region_read(initrd, off, text, (uint32_t)size) < 0)
        return false;
    text[size] = 0;
    unsigned lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        if (!parse_line(line, lineno))
            return false;
    }
    free(text);
    return true;
}

static service_t *find_service(const char *name)
{
    for (unsigned i = 0; i < nservices; i++)
        if (strcmp(services[i].name, name) == 0)
            return &services[i];
    return NULL;
}

/* ---- grants ------------------------------------------------------------------------- */
/* Makes the handle a grant spec names; 0 with a logged reason. mine: for
 * verifierd and driverd specs, the end we keep. */
static uint32_t make_grant(service_t *s, const grant_spec_t *g, uint32_t *mine)
{
    unsigned long long a = 0, b = 0;
    int64_t h = -DOGMA_E_BAD_ARG;
    const char *spec = g->spec;
    *mine = 0;
    if (sscanf(spec, "ioport:%lli:%lli", &a, &b) == 2)
        h = dogma_dev_create(DOGMA_CAP_IOPORT, a, b);
    else if (sscanf(spec, "irq:%lli", &a) == 1)
        h = dogma_dev_create(DOGMA_CAP_IRQ, a, 0);
    else if (sscanf(spec, "phys:%lli:%lli", &a, &b) == 2)
        h = dogma_dev_create(DOGMA_CAP_PHYS, a, b);
    else if (strncmp(spec, "service:", 8) == 0) {
        service_t *t = find_service(spec + 8);
        h = t ? dogma_cap_dup(t->cli, DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER)
              : -DOGMA_E_BAD_ARG;
    } else if (strcmp(spec, "initrd") == 0) {
        h = dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER);
    } else if (strcmp(spec, "verifierd") == 0 || strcmp(spec, "driverd") == 0 ||
               strcmp(spec, "admin") == 0) {
        uint32_t other;
        h = dogma_channel_create(&other);
        if (h >= 0) {
            *mine = (uint32_t)h;
            h = other;
        }
    } else {
        svc_log(LG_ERR, "%s: unknown grant %s=%s", s->name, g->role, spec);
        return 0;
    }
    if (h < 0) {
        svc_log(LG_ERR, "%s: cannot make grant %s=%s: %s", s->name, g->role, spec,
                dogma_strerror(-h));
        return 0;
    }
    return (uint32_t)h;
}

/* ---- talking to verifierd --------------------------------------------------------------- */
static int64_t vd_send(const vd_request_t *q, size_t len, const uint32_t *hs, uint32_t n)
{
    return dogma_channel_send(verifierd, q, (uint32_t)len, hs, n);
}

/* Messages queued on a service's connect endpoint while it was down
 * (clients connecting again, say) carry handles, and the kernel refuses to
 * send an endpoint with such messages queued (the cycle rule, spec/abi.md
 * section 19). So they are taken out while the endpoint travels to the
 * new instance and put back after. */
typedef struct {
    uint8_t bytes[DOGMA_MSG_MAX_BYTES];
    uint32_t len, hs[DOGMA_MSG_MAX_HANDLES], nh;
} held_t;
static held_t held[DOGMA_CHANNEL_DEPTH];

static unsigned hold_queued(service_t *s)
{
    unsigned n = 0;
    while (n < DOGMA_CHANNEL_DEPTH) {
        held_t *m = &held[n];
        int64_t len = dogma_channel_recv(s->srv, m->bytes, sizeof m->bytes, m->hs,
                                         DOGMA_MSG_MAX_HANDLES, &m->nh);
        if (len < 0)
            break;
        m->len = (uint32_t)len;
        n++;
    }
    return n;
}

static void put_back(service_t *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        held_t *m = &held[i];
        if (dogma_channel_send(s->cli, m->bytes, m->len, m->hs, m->nh) < 0)
            for (uint32_t k = 0; k < m->nh; k++)
                dogma_cap_dispose(m->hs[k]); /* its client will see the session fail */
    }
}

/* Loads a service; its process handle, or 0 (logged). */
static uint32_t load(service_t *s)
{
    uint64_t off, size;
    if (!svc_initrd_find(initrd, s->module, &off, &size)) {
        svc_log(LG_ERR, "%s: no module %s in the initrd", s->name, s->module);
        return 0;
    }
    uint32_t hs[MAX_GRANTS + 1], mine[MAX_GRANTS + 1] = {0};
    const char *roles[MAX_GRANTS + 1];
    unsigned n = 0, sent = 0, nheld = hold_queued(s);
    const char *why = NULL;
    vd_reply_t r;
    hs[n] = (uint32_t)dogma_cap_dup(s->srv, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP |
                                                DOGMA_R_TRANSFER);
    roles[n++] = "service";
    for (unsigned i = 0; i < s->ngrants && !why; i++) {
        uint32_t h = make_grant(s, &s->grants[i], &mine[n]);
        if (!h)
            why = "a grant could not be made";
        else
            hs[n] = h, roles[n++] = s->grants[i].role;
    }
    /* Its channel to verifierd is connected before it can send on it: an
     * end with messages queued could not travel (the cycle rule). */
    for (unsigned k = 1; k < n && !why; k++) {
        if (!mine[k] || strcmp(s->grants[k - 1].spec, "verifierd") != 0)
            continue;
        vd_request_t c = {.op = VD_OP_CONNECT};
        snprintf(c.name, sizeof c.name, "%s", s->name);
        if (vd_send(&c, sizeof c, &mine[k], 1) < 0 ||
            svc_recv(verifierd, &r, sizeof r, NULL, 0, NULL) < 0 || r.status)
            why = "verifierd would not take its channel";
        else
            mine[k] = 0; /* verifierd's now */
    }
    /* The grants, four per GRANT message, then LOAD with the module. */
    for (unsigned at = 0; at < n && !why; at += 4) {
        vd_request_t q = {.op = VD_OP_GRANT};
        unsigned k = n - at < 4 ? n - at : 4;
        size_t pos = 0;
        for (unsigned i = 0; i < k; i++)
            pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "%s", roles[at + i]) + 1;
        q.nroles = k;
        int64_t e = vd_send(&q, sizeof q, hs + at, k);
        if (e < 0) {
            svc_log(LG_ERR, "%s: cannot send its grants to verifierd: %s", s->name,
                    dogma_strerror(-e));
            why = "verifierd could not be reached";
            break;
        }
        sent = at + k;
        if (svc_recv(verifierd, &r, sizeof r, NULL, 0, NULL) < 0 || r.status)
            why = "verifierd refused the grants";
    }
    put_back(s, nheld);
    uint32_t proc = 0, nh = 0;
    if (!why) {
        vd_request_t q = {.op = VD_OP_LOAD, .offset = off, .size = size, .nargs = 1 + s->nargs};
        snprintf(q.name, sizeof q.name, "%s", s->name);
        size_t pos = (size_t)snprintf(q.data, sizeof q.data, "%s", s->name) + 1;
        for (unsigned i = 0; i < s->nargs && pos < sizeof q.data; i++)
            pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "%s", s->args[i]) + 1;
        if (pos < sizeof q.data) { /* how many instances came before this one */
            pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "DOGMA_RESTARTS=%u",
                                    s->st.restarts) + 1;
            q.nenv = 1;
        }
        uint32_t src = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_TRANSFER);
        if (vd_send(&q, sizeof q, &src, 1) < 0 ||
            svc_recv(verifierd, &r, sizeof r, &proc, 1, &nh) < 0)
            why = "no answer from verifierd";
        else if (r.status || nh != 1) {
            svc_log(LG_ERR, "%s: refused: %s", s->name, r.text);
            s->st.state = SV_REFUSED;
            why = "refused";
        }
    } else if (sent) {
        vd_request_t q = {.op = VD_OP_DROP}; /* the grants it holds for us */
        if (vd_send(&q, sizeof q, NULL, 0) >= 0)
            svc_recv(verifierd, &r, sizeof r, NULL, 0, NULL);
    }
    if (why) {
        for (unsigned k = 0; k < n; k++) {
            if (k >= sent)
                dogma_cap_dispose(hs[k]); /* never left us */
            if (mine[k])
                dogma_cap_dispose(mine[k]);
        }
        if (s->st.state != SV_REFUSED)
            svc_log(LG_ERR, "%s: not started: %s", s->name, why);
        return 0;
    }
    s->st.pid = r.pid;
    uint32_t module_bytes = r.module_bytes;
    /* Our ends of its channels to verifierd and to us. */
    for (unsigned k = 0; k < n; k++) {
        if (!mine[k])
            continue;
        const char *spec = s->grants[k - 1].spec;
        if (strcmp(spec, "driverd") == 0) {
            s->sv = mine[k];
        } else {
            admin_mine = mine[k];
        }
    }
    svc_log(LG_INFO, "%s: started as pid %u (%s, %u bytes)", s->name, s->st.pid, s->module,
            module_bytes);
    return proc;
}

static void start(service_t *s)
{
    if (s->sv) {
        dogma_cap_dispose(s->sv);
        s->sv = 0;
    }
    s->proc = load(s);
    s->started_ns = now();
    if (s->proc) {
        s->st.state = SV_RUNNING;
    } else if (s->st.state != SV_REFUSED) {
        /* Could not start (logged): try again later, as after a crash. */
        s->backoff = s->backoff ? s->backoff * 2 : BACKOFF_MIN_NS;
        if (s->backoff > BACKOFF_MAX_NS)
            s->backoff = BACKOFF_MAX_NS;
        s->restart_at = now() + s->backoff;
        s->st.state = SV_BACKOFF;
    }
}

/* Device capabilities come back to process 1 when their holder ends
 * (spec/abi.md section 12). Each service gets fresh ones from the
 * manifest when it starts again, so the returned ones are let go: their
 * lines and ports are free to be made again. */
static void drain_inbox(void)
{
    uint64_t from;
    int64_t h;
    while ((h = dogma_cap_receive(&from)) > 0) {
        dogma_cap_info_t ci;
        dogma_cap_info((uint32_t)h, &ci);
        svc_log(LG_DEBUG, "device capability (kind %u) back from pid %llu", ci.kind,
                (unsigned long long)from);
        dogma_cap_dispose((uint32_t)h);
    }
}

static void ended(service_t *s)
{
    dogma_proc_info_t pi;
    dogma_proc_info(s->proc, &pi);
    dogma_cap_dispose(s->proc);
    s->proc = 0;
    s->st.last_status = pi.exit_status;
    s->st.last_reason = pi.teardown_reason;
    s->st.last_trap = pi.trap_code;
    if (now() - s->started_ns > GOOD_RUN_NS || !s->backoff)
        s->backoff = BACKOFF_MIN_NS;
    else if ((s->backoff *= 2) > BACKOFF_MAX_NS)
        s->backoff = BACKOFF_MAX_NS;
    s->restart_at = now() + s->backoff;
    s->st.state = SV_BACKOFF;
    if (pi.state == DOGMA_PROC_EXITED)
        svc_log(LG_WARN, "service %s (pid %u) exited with status %lld; restarting in %llu ms",
                s->name, s->st.pid, (long long)pi.exit_status,
                (unsigned long long)(s->backoff / 1000000));
    else
        svc_log(LG_WARN, "service %s (pid %u) was torn down (reason %#x%s%u); restarting in "
                "%llu ms", s->name, s->st.pid, pi.teardown_reason, pi.trap_code ? ", trap " : "",
                pi.trap_code, (unsigned long long)(s->backoff / 1000000));
}

/* names learns every service's connect endpoint, once: the endpoints
 * outlive every instance of their services, and of names itself. */
static void register_names(void)
{
    if (!admin_mine)
        return; /* no names service in the manifest */
    for (unsigned i = 0; i < nservices; i++) {
        nm_msg_t m = {.op = NM_REGISTER};
        snprintf(m.name, sizeof m.name, "%s", services[i].name);
        int64_t dup = dogma_cap_dup(services[i].cli, DOGMA_R_WRITE | DOGMA_R_DUP |
                                                         DOGMA_R_TRANSFER);
        uint32_t h = (uint32_t)dup;
        if (dup < 0 || dogma_channel_send(admin_mine, &m, sizeof m, &h, 1) < 0)
            svc_log(LG_WARN, "cannot register %s with names", services[i].name);
    }
}

/* ---- supervisor requests ------------------------------------------------------------------ */
static void reply(uint32_t ep, uint32_t op, int32_t status, const void *item, size_t len)
{
    sv_reply_t r = {.op = op, .status = status};
    if (item)
        memcpy(&r.u, item, len);
    dogma_channel_send(ep, &r, sizeof r, NULL, 0);
}

static void supervise(uint32_t ep)
{
    sv_request_t q;
    uint32_t nh = 0, hs[DOGMA_MSG_MAX_HANDLES];
    int64_t len = dogma_channel_recv(ep, &q, sizeof q, hs, DOGMA_MSG_MAX_HANDLES, &nh);
    for (uint32_t i = 0; i < nh; i++)
        dogma_cap_dispose(hs[i]);
    if (len < (int64_t)sizeof q) {
        if (len >= 0)
            reply(ep, SV_END, -DOGMA_E_BAD_ARG, NULL, 0);
        return;
    }
    switch (q.op) {
    case SV_PS: {
        dogma_proc_info_t pi;
        int64_t pid = 0;
        while ((pid = dogma_proc_next((uint64_t)pid, &pi)) > 0)
            reply(ep, SV_PROC, 0, &pi, sizeof pi);
        reply(ep, SV_END, pid < 0 ? (int32_t)pid : 0, NULL, 0);
        return;
    }
    case SV_CAPS: {
        int64_t p = dogma_proc_open(q.arg);
        if (p < 0) {
            reply(ep, SV_END, (int32_t)p, NULL, 0);
            return;
        }
        dogma_cap_info_t ci;
        int64_t slot = 1;
        while ((slot = dogma_proc_caps((uint32_t)p, (uint32_t)slot, &ci)) > 0)
            reply(ep, SV_CAP, (int32_t)(slot - 1), &ci, sizeof ci);
        dogma_cap_dispose((uint32_t)p);
        reply(ep, SV_END, slot < 0 ? (int32_t)slot : 0, NULL, 0);
        return;
    }
    case SV_KILL: {
        int64_t p = dogma_proc_open(q.arg);
        int64_t r = p < 0 ? p : dogma_proc_teardown((uint32_t)p);
        if (p >= 0)
            dogma_cap_dispose((uint32_t)p);
        svc_log(LG_INFO, "kill %u: %s", q.arg, r < 0 ? dogma_strerror(-r) : "torn down");
        reply(ep, SV_END, (int32_t)r, NULL, 0);
        return;
    }
    case SV_SERVICES:
        for (unsigned i = 0; i < nservices; i++)
            reply(ep, SV_SERVICE, 0, &services[i].st, sizeof services[i].st);
        reply(ep, SV_END, 0, NULL, 0);
        return;
    case SV_REBOOT:
        svc_log(LG_WARN, "reboot asked for: process 1 ends, the kernel resets the machine");
        dogma_exit(0);
    default: reply(ep, SV_END, -DOGMA_E_BAD_ARG, NULL, 0);
    }
}

/* ---- the loop ------------------------------------------------------------------------------- */
int main(void)
{
    svc_log_init("driverd");
    initrd = dogma_grant_by_role("initrd");
    verifierd = dogma_grant_by_role("verifierd");
    if (!initrd || !verifierd || !read_manifest()) {
        svc_log(LG_ERR, "cannot start the system: %s", !initrd || !verifierd
                ? "no initrd or verifierd grant" : "the manifest is unusable");
        return 1;
    }
    for (unsigned i = 0; i < nservices; i++) {
        int64_t srv = dogma_channel_create(&services[i].cli);
        if (srv < 0)
            return 1;
        services[i].srv = (uint32_t)srv;
    }
    svc_log(LG_INFO, "process 1: %u services in the manifest", nservices);
    dogma_cap_listen(1); /* device capabilities come back here */
    for (unsigned i = 0; i < nservices; i++)
        start(&services[i]);
    register_names();
    for (;;) {
        dogma_wait_item_t items[17];
        service_t *who[17];
        unsigned n = 0;
        uint64_t deadline = UINT64_MAX, t = now();
        for (unsigned i = 0; i < nservices && n < 15; i++) {
            service_t *s = &services[i];
            if (s->proc)
                items[n] = (dogma_wait_item_t){s->proc, DOGMA_SIG_EXITED, 0, 0}, who[n++] = s;
            if (s->sv && n < 15)
                items[n] = (dogma_wait_item_t){s->sv, DOGMA_SIG_READABLE, 0, 0}, who[n++] = s;
            if (s->st.state == SV_BACKOFF && s->restart_at < deadline)
                deadline = s->restart_at;
        }
        items[n++] = (dogma_wait_item_t){0, DOGMA_SIG_INBOX, 0, 0};
        who[n - 1] = NULL;
        uint64_t timeout = deadline == UINT64_MAX ? UINT64_MAX : deadline > t ? deadline - t : 0;
        dogma_wait(items, n, timeout);
        drain_inbox();
        for (unsigned i = 0; i < n; i++) {
            if (!(items[i].got & items[i].want) || !who[i])
                continue;
            if (items[i].want == DOGMA_SIG_EXITED)
                ended(who[i]);
            else if (who[i]->sv)
                supervise(who[i]->sv);
        }
        t = now();
        for (unsigned i = 0; i < nservices; i++) {
            service_t *s = &services[i];
            if (s->st.state == SV_BACKOFF && s->restart_at <= t) {
                s->st.restarts++;
                start(s);
            }
        }
    }
}

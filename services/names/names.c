/*
 * names: service name -> connect endpoint (dogma/proto.h, NM_*).
 *
 * driverd registers every service's connect endpoint on the "admin"
 * channel, which only it holds; anyone holding a duplicate of names' own
 * connect endpoint may look a name up and gets a duplicate it can send
 * requests on (WRITE, DUP, TRANSFER: never READ, so no client can take
 * another's messages).
 */
#include <stdio.h>
#include <string.h>

#include "../lib/svc.h"

#define MAX_NAMES 32

static struct {
    char name[24];
    uint32_t ep;
} names[MAX_NAMES];
static unsigned nnames;

static void do_register(const nm_msg_t *m, uint32_t ep)
{
    char name[24];
    snprintf(name, sizeof name, "%.*s", (int)sizeof m->name, m->name);
    for (unsigned i = 0; i < nnames; i++) {
        if (strcmp(names[i].name, name) == 0) {
            dogma_cap_dispose(names[i].ep);
            names[i].ep = ep;
            return;
        }
    }
    if (nnames == MAX_NAMES) {
        svc_log(LG_WARN, "table full: %s not registered", name);
        dogma_cap_dispose(ep);
        return;
    }
    snprintf(names[nnames].name, sizeof names[0].name, "%s", name);
    names[nnames++].ep = ep;
    svc_log(LG_DEBUG, "registered %s", name);
}

static void lookup(const nm_msg_t *m, uint32_t reply)
{
    nm_msg_t r = {.op = NM_LOOKUP, .status = -DOGMA_E_EMPTY};
    memcpy(r.name, m->name, sizeof r.name);
    int64_t dup = -1;
    for (unsigned i = 0; i < nnames; i++)
        if (strncmp(names[i].name, m->name, sizeof m->name) == 0)
            dup = dogma_cap_dup(names[i].ep, DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER);
    if (dup >= 0)
        r.status = 0;
    uint32_t h = (uint32_t)dup;
    dogma_channel_send(reply, &r, sizeof r, &h, dup >= 0 ? 1 : 0);
    dogma_cap_dispose(reply);
}

static void serve(uint32_t ep, bool admin)
{
    nm_msg_t m;
    uint32_t hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    int64_t len = dogma_channel_recv(ep, &m, sizeof m, hs, DOGMA_MSG_MAX_HANDLES, &nh);
    if (len < 0)
        return;
    uint32_t used = 0;
    if (len == sizeof m && nh >= 1) {
        if (admin && m.op == NM_REGISTER)
            do_register(&m, hs[0]), used = 1;
        else if (m.op == NM_LOOKUP)
            lookup(&m, hs[0]), used = 1;
    }
    for (uint32_t i = used; i < nh; i++)
        dogma_cap_dispose(hs[i]);
}

int main(void)
{
    svc_log_init("names");
    uint32_t service = dogma_grant_by_role("service"), admin = dogma_grant_by_role("admin");
    if (!service) {
        svc_log(LG_ERR, "no \"service\" grant");
        return 1;
    }
    for (;;) {
        dogma_wait_item_t it[2] = {{service, DOGMA_SIG_READABLE, 0, 0},
                                   {admin, admin ? DOGMA_SIG_READABLE : 0, 0, 0}};
        if (dogma_wait(it, admin ? 2 : 1, UINT64_MAX) < 0)
            continue;
        if (it[0].got & DOGMA_SIG_READABLE)
            serve(service, false);
        if (admin && (it[1].got & DOGMA_SIG_READABLE))
            serve(admin, true);
    }
}

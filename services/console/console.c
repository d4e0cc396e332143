/*
 * console: the serial terminal on COM1 (a 16550 UART), the only holder
 * of its ports and its interrupt line.
 *
 * Output: each session (dogma/proto.h, CN_*) is a stream: the client
 * sends bytes, the console writes them ('\n' becomes "\r\n") and
 * acknowledges each message. Input: the interrupt brings received bytes;
 * the line discipline echoes them, handles backspace and Ctrl-U, and sends
 * each finished line to the newest session; Ctrl-C is sent at once as
 * "\x03". The kernel still writes its own warnings to the same UART.
 */
#include <string.h>

#include "../lib/svc.h"

#define COM_DATA 0
#define COM_IER 1
#define COM_MCR 4
#define COM_LSR 5
#define LSR_DATA 0x01
#define LSR_THRE 0x20
#define MAX_SESSIONS 8
#define LINE_MAX 200

static uint32_t ports, irq;
static uint32_t base; /* the first port */
static uint32_t sessions[MAX_SESSIONS];
static unsigned nsessions;
static char line[LINE_MAX];
static unsigned linelen;

static uint32_t in(uint32_t reg) { return (uint32_t)dogma_ioport_in(ports, base + reg, 1); }
static void out(uint32_t reg, uint32_t v) { dogma_ioport_out(ports, base + reg, 1, v); }

static void put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put("\r", 1);
        for (int spin = 0; spin < 100000 && !(in(COM_LSR) & LSR_THRE); spin++)
            ;
        out(COM_DATA, (uint8_t)s[i]);
    }
}

static void deliver(const char *s, size_t n)
{
    if (nsessions)
        dogma_channel_send(sessions[nsessions - 1], s, (uint32_t)n, NULL, 0);
}

static void typed(uint8_t c)
{
    if (c == '\r' || c == '\n') {
        put("\n", 1);
        line[linelen++] = '\n';
        deliver(line, linelen);
        linelen = 0;
    } else if (c == 0x7f || c == 0x08) {
        if (linelen) {
            linelen--;
            put("\b \b", 3);
        }
    } else if (c == 0x15) { /* Ctrl-U */
        while (linelen) {
            linelen--;
            put("\b \b", 3);
        }
    } else if (c == 0x03) { /* Ctrl-C */
        put("^C\n", 3);
        linelen = 0;
        deliver("\x03", 1);
    } else if (c >= 0x20 && c < 0x7f && linelen < LINE_MAX - 1) {
        line[linelen++] = (char)c;
        put((const char *)&c, 1);
    }
}

static void drop_session(unsigned i)
{
    dogma_cap_dispose(sessions[i]);
    memmove(&sessions[i], &sessions[i + 1], (nsessions - i - 1) * sizeof sessions[0]);
    nsessions--;
}

static void connect(uint32_t service)
{
    uint32_t msg, hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    int64_t len = dogma_channel_recv(service, &msg, sizeof msg, hs, DOGMA_MSG_MAX_HANDLES, &nh);
    if (len < 0)
        return;
    uint32_t used = 0;
    if (len == sizeof msg && msg == CN_CONNECT && nh >= 1) {
        if (nsessions == MAX_SESSIONS)
            drop_session(0); /* the oldest goes */
        sessions[nsessions++] = hs[0];
        used = 1;
    }
    for (uint32_t i = used; i < nh; i++)
        dogma_cap_dispose(hs[i]);
}

static void session_output(unsigned i)
{
    char buf[DOGMA_MSG_MAX_BYTES];
    uint32_t hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    int64_t len;
    while ((len = dogma_channel_recv(sessions[i], buf, sizeof buf, hs, DOGMA_MSG_MAX_HANDLES,
                                     &nh)) >= 0) {
        for (uint32_t k = 0; k < nh; k++)
            dogma_cap_dispose(hs[k]);
        put(buf, (size_t)len);
        dogma_channel_send(sessions[i], NULL, 0, NULL, 0); /* the ack */
    }
}

int main(void)
{
    svc_log_init("console");
    uint32_t service = dogma_grant_by_role("service");
    ports = dogma_grant_by_role("ports");
    irq = dogma_grant_by_role("irq");
    dogma_cap_info_t ci;
    if (!service || !ports || !irq || dogma_cap_info(ports, &ci) < 0 || ci.extra < 8) {
        svc_log(LG_ERR, "needs grants \"service\", \"ports\" (8 UART ports) and \"irq\"");
        return 1;
    }
    base = (uint32_t)ci.object;
    out(COM_IER, 0x01);        /* interrupt when a byte arrives */
    out(COM_MCR, 0x0b);        /* DTR, RTS, and OUT2, which gates the line on a PC */
    while (in(COM_LSR) & LSR_DATA)
        in(COM_DATA);          /* whatever was typed before we listened */
    dogma_irq_ack(irq);
    dogma_cap_info_t li;
    dogma_cap_info(irq, &li);
    svc_log(LG_INFO, "serial port at %#x, interrupt line %u", base, (unsigned)li.object);
    for (;;) {
        dogma_wait_item_t it[2 + MAX_SESSIONS] = {
            {service, DOGMA_SIG_READABLE, 0, 0},
            {irq, DOGMA_SIG_IRQ, 0, 0},
        };
        for (unsigned i = 0; i < nsessions; i++)
            it[2 + i] = (dogma_wait_item_t){sessions[i], DOGMA_SIG_READABLE |
                                            DOGMA_SIG_PEER_GONE, 0, 0};
        if (dogma_wait(it, 2 + nsessions, UINT64_MAX) < 0)
            continue;
        if (it[1].got & DOGMA_SIG_IRQ) {
            while (in(COM_LSR) & LSR_DATA)
                typed((uint8_t)in(COM_DATA));
            dogma_irq_ack(irq);
        }
        for (unsigned i = nsessions; i-- > 0;) {
            if (it[2 + i].got & DOGMA_SIG_READABLE)
                session_output(i);
            else if (it[2 + i].got & DOGMA_SIG_PEER_GONE)
                drop_session(i);
        }
        if (it[0].got & DOGMA_SIG_READABLE)
            connect(service); /* after the sessions: it may drop the oldest */
    }
}

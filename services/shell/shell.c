/*
 * shell: the command line on the console.
 *
 * It talks to the console through a session (a stream out, lines in), to
 * verifierd to load and check modules, to driverd for what only process 1
 * may see or do (ps, caps, kill, services, reboot), and to the log
 * service. `run` starts a module from the initrd with its own stdout
 * stream, copies what it writes to the console, and reports how it ended.
 * When the console restarts, the session breaks and the shell connects
 * again: the connect endpoint outlives every console instance.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/stream.h>
#include <dogma/translate.h>

#include "../lib/svc.h"

#define MAX_LINES 8
#define MAX_WORDS 24

static uint32_t console, verifierd, driverd, logsvc, initrd;
static uint32_t session;      /* our end of the console session, or 0 */
static uint32_t unacked;      /* messages the console has not acknowledged */
static char pending[MAX_LINES][DOGMA_MSG_MAX_BYTES + 1]; /* input read early */
static unsigned npending;

/* ---- the console session ------------------------------------------------------------ */
static void connect_console(void)
{
    uint32_t other;
    int64_t mine = dogma_channel_create(&other);
    if (mine < 0)
        return;
    uint32_t op = CN_CONNECT;
    if (dogma_channel_send(console, &op, sizeof op, &other, 1) < 0) {
        dogma_cap_dispose((uint32_t)mine);
        dogma_cap_dispose(other);
        return;
    }
    if (session)
        dogma_cap_dispose(session);
    session = (uint32_t)mine;
    unacked = 0;
}

/* One message from the console: an ack (counted) or a line (queued).
 * false when the session broke (it is made again). */
static bool take_one(bool block)
{
    char buf[DOGMA_MSG_MAX_BYTES + 1];
    uint32_t hs[DOGMA_MSG_MAX_HANDLES], nh = 0;
    int64_t len = block ? svc_recv(session, buf, DOGMA_MSG_MAX_BYTES, hs, DOGMA_MSG_MAX_HANDLES,
                                   &nh)
                        : dogma_channel_recv(session, buf, DOGMA_MSG_MAX_BYTES, hs,
                                             DOGMA_MSG_MAX_HANDLES, &nh);
    for (uint32_t i = 0; len >= 0 && i < nh; i++)
        dogma_cap_dispose(hs[i]);
    if (len == -DOGMA_E_EMPTY)
        return true;
    if (len < 0) {
        connect_console();
        return false;
    }
    if (len == 0) {
        if (unacked)
            unacked--;
    } else if (npending < MAX_LINES) {
        memcpy(pending[npending], buf, (size_t)len);
        pending[npending++][len] = 0;
    }
    return true;
}

static void out(const char *s, size_t n)
{
    while (n) {
        while (unacked >= DOGMA_STREAM_WINDOW)
            if (!take_one(true))
                break;
        size_t k = n < DOGMA_MSG_MAX_BYTES ? n : DOGMA_MSG_MAX_BYTES;
        if (dogma_channel_send(session, s, (uint32_t)k, NULL, 0) < 0) {
            connect_console();
            if (dogma_channel_send(session, s, (uint32_t)k, NULL, 0) < 0)
                return; /* no console: the text is lost */
        }
        unacked++;
        s += k, n -= k;
    }
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* The next input line (without its '\n'), waiting for it. */
static void read_line(char *line, size_t size)
{
    while (!npending)
        take_one(true);
    snprintf(line, size, "%s", pending[0]);
    memmove(pending[0], pending[1], (npending - 1) * sizeof pending[0]);
    npending--;
    line[strcspn(line, "\n")] = 0;
}

/* ---- driverd and the log -------------------------------------------------------------- */
static bool sv_call(uint32_t op, uint32_t arg, sv_reply_t *r, bool first)
{
    if (first) {
        sv_request_t q = {op, arg};
        if (dogma_channel_send(driverd, &q, sizeof q, NULL, 0) < 0)
            return false;
    }
    return svc_recv(driverd, r, sizeof *r, NULL, 0, NULL) >= (int64_t)sizeof *r;
}

static const char *state_name(uint32_t s)
{
    static const char *const names[] = {"?", "run", "wait", "susp", "exit", "dead"};
    return s < 6 ? names[s] : "?";
}

static void cmd_ps(void)
{
    sv_reply_t r;
    say("  PID NAME             KIND     STATE   CPU ms  MEM KiB  CAPS\n");
    say("    0 kernel           -        run          -        -     -\n");
    for (bool first = true; sv_call(SV_PS, 0, &r, first) && r.op == SV_PROC; first = false)
        say("%5llu %-16s %-8s %-5s %8llu %8llu %5llu\n", (unsigned long long)r.u.proc.pid,
            r.u.proc.name, r.u.proc.kind == DOGMA_PROC_VERIFIED ? "verified" : "isolated",
            state_name(r.u.proc.state), (unsigned long long)(r.u.proc.cpu_ns / 1000000),
            (unsigned long long)(r.u.proc.memory_bytes / 1024),
            (unsigned long long)r.u.proc.handles);
}

static const char *kind_name(uint32_t k)
{
    static const char *const names[] = {"?",       "region", "view",   "process", "channel",
                                        "notify",  "irq",    "ioport", "phys",    "loader",
                                        "token"};
    return k < 11 ? names[k] : "?";
}

static void cmd_caps(uint32_t pid)
{
    sv_reply_t r;
    bool any = false;
    for (bool first = true; sv_call(SV_CAPS, pid, &r, first) && r.op == SV_CAP; first = false) {
        if (!any)
            say(" SLOT KIND     RIGHTS  OBJECT\n");
        any = true;
        say("%5d %-8s %6x  %#llx %#llx\n", r.status, kind_name(r.u.cap.kind), r.u.cap.rights,
            (unsigned long long)r.u.cap.object, (unsigned long long)r.u.cap.extra);
    }
    if (r.status < 0)
        say("caps %u: %s\n", pid, dogma_strerror(-r.status));
}

static void cmd_services(void)
{
    static const char *const states[] = {"down", "running", "restarting", "refused"};
    sv_reply_t r;
    say("NAME       STATE       PID  RESTARTS  MODULE\n");
    for (bool first = true; sv_call(SV_SERVICES, 0, &r, first) && r.op == SV_SERVICE;
         first = false)
        say("%-10s %-10s %4u  %8u  %s\n", r.u.service.name,
            r.u.service.state < 4 ? states[r.u.service.state] : "?", r.u.service.pid,
            r.u.service.restarts, r.u.service.module);
}

static void cmd_log(unsigned n)
{
    lg_msg_t q = {.op = LG_READ, .n = n};
    int64_t rep = svc_request(logsvc, &q, sizeof q, NULL, 0);
    if (rep < 0) {
        say("log: %s\n", dogma_strerror(-rep));
        return;
    }
    static const char *const levels[] = {"err ", "warn", "info", "dbg "};
    lg_msg_t m;
    while (svc_recv((uint32_t)rep, &m, sizeof m, NULL, 0, NULL) == sizeof m && m.op == LG_LINE)
        say("[%5llu.%03llu] %s %s: %s\n", (unsigned long long)(m.time_ns / 1000000000),
            (unsigned long long)(m.time_ns / 1000000 % 1000), levels[m.level & 3], m.source,
            m.text);
    dogma_cap_dispose((uint32_t)rep);
}

static void cmd_mem(void)
{
    dogma_sys_info_t si;
    if (dogma_sys_info(&si) < 0)
        return;
    say("memory: %llu KiB total, %llu KiB free (%llu frames); kernel heap %llu KiB\n",
        (unsigned long long)(si.mem_total / 1024), (unsigned long long)(si.mem_free / 1024),
        (unsigned long long)(si.mem_free / 4096), (unsigned long long)(si.heap_used / 1024));
}

static void cmd_uptime(void)
{
    dogma_sys_info_t si;
    if (dogma_sys_info(&si) < 0)
        return;
    say("up %llu.%03llu s; %llu processes; process 1 started at %llu.%03llu s\n",
        (unsigned long long)(si.uptime_ns / 1000000000),
        (unsigned long long)(si.uptime_ns / 1000000 % 1000), (unsigned long long)si.processes,
        (unsigned long long)(si.boot_ns / 1000000000),
        (unsigned long long)(si.boot_ns / 1000000 % 1000));
}

/* ---- run and verify ---------------------------------------------------------------------- */
static bool module_path(const char *name, char *path, size_t size, uint64_t *off, uint64_t *len)
{
    snprintf(path, size, "bin/%s.wasm", name);
    if (svc_initrd_find(initrd, path, off, len))
        return true;
    snprintf(path, size, "%s", name);
    return svc_initrd_find(initrd, path, off, len);
}

/* The translator's trap codes (spec/abi.md section 7), named from its one
 * table; the shell does not link the translator, so not dx_trap_text(). */
static const char *trap_text(uint32_t code)
{
    switch (code) {
#define TRAP_TEXT(id, num, text) case num: return text;
    DX_TRAPS(TRAP_TEXT)
#undef TRAP_TEXT
    default: return "?";
    }
}

static void report_end(const char *name, uint32_t proc)
{
    dogma_proc_info_t pi;
    dogma_proc_info(proc, &pi);
    if (pi.state == DOGMA_PROC_EXITED)
        say("[%s: exit status %lld]\n", name, (long long)pi.exit_status);
    else if (pi.trap_code)
        say("[%s: torn down: trap: %s at %#llx]\n", name, trap_text(pi.trap_code),
            (unsigned long long)pi.fault_rip);
    else
        say("[%s: torn down (reason %#x) at %#llx, address %#llx]\n", name, pi.teardown_reason,
            (unsigned long long)pi.fault_rip, (unsigned long long)pi.fault_addr);
}

static bool timing; /* `time run ...`: report when things happened */

static uint64_t ms_since(uint64_t t0) { return ((uint64_t)dogma_clock() - t0) / 1000000; }
static uint64_t us_since(uint64_t t0) { return ((uint64_t)dogma_clock() - t0) / 1000; }

/* Copies what a program wrote on one of its streams to the console (and
 * stderr to the log too), acknowledging each message. true once the
 * program's end of the stream is gone and nothing is left. */
static bool copy_stream(uint32_t ep, const char *name, bool err, uint64_t t0,
                        uint64_t *first_us)
{
    char buf[DOGMA_MSG_MAX_BYTES];
    uint32_t hh[DOGMA_MSG_MAX_HANDLES], k = 0;
    int64_t rd;
    while ((rd = dogma_channel_recv(ep, buf, sizeof buf, hh, DOGMA_MSG_MAX_HANDLES, &k)) >= 0) {
        for (uint32_t i = 0; i < k; i++)
            dogma_cap_dispose(hh[i]);
        if (!*first_us)
            *first_us = us_since(t0);
        out(buf, (size_t)rd);
        if (err && rd > 0 && logsvc) {
            lg_msg_t m = {.op = LG_LINE, .level = LG_WARN};
            snprintf(m.source, sizeof m.source, "%s", name);
            snprintf(m.text, sizeof m.text, "%.*s", (int)(rd < 215 ? rd : 215), buf);
            m.text[strcspn(m.text, "\n")] = 0;
            dogma_channel_send(logsvc, &m, sizeof m, NULL, 0);
        }
        dogma_channel_send(ep, NULL, 0, NULL, 0); /* the ack */
    }
    return rd == -DOGMA_E_PEER_CLOSED;
}

/* Sends a LOAD or VERIFY for words[0] with the rest as arguments. */
static void cmd_run(char **words, unsigned n, bool run)
{
    uint64_t t0 = (uint64_t)dogma_clock(), loaded_us = 0, first_us = 0;
    unsigned nenv = 0;
    while (nenv < n && strchr(words[nenv], '=')) /* K=V NAME ARGS..., as sh */
        nenv++;
    if (nenv == n) {
        say("usage: %s [K=V]... NAME [ARGS]...\n", run ? "run" : "verify");
        return;
    }
    const char *name = words[nenv];
    char path[128];
    uint64_t off, len;
    if (!module_path(name, path, sizeof path, &off, &len)) {
        say("%s: no module bin/%s.wasm or %s in the initrd\n", name, name, name);
        return;
    }
    vd_request_t q = {.op = run ? VD_OP_LOAD : VD_OP_VERIFY, .offset = off, .size = len};
    snprintf(q.name, sizeof q.name, "%s", name);
    size_t pos = 0;
    for (unsigned i = nenv; i < n; i++) /* the arguments, argv[0] = the name */
        pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "%s", words[i]) + 1;
    for (unsigned i = 0; i < nenv; i++)
        pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "%s", words[i]) + 1;
    q.nargs = n - nenv;
    q.nenv = nenv;
    uint32_t hs[4], nh = 1, mine = 0, mine_err = 0;
    hs[0] = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_TRANSFER);
    if (run) {
        int64_t m = dogma_channel_create(&hs[1]), e = m < 0 ? m : dogma_channel_create(&hs[2]);
        if (m < 0 || e < 0) {
            say("run: %s\n", dogma_strerror(-(m < 0 ? m : e)));
            if (m >= 0)
                dogma_cap_dispose((uint32_t)m), dogma_cap_dispose(hs[1]);
            dogma_cap_dispose(hs[0]);
            return;
        }
        mine = (uint32_t)m;
        mine_err = (uint32_t)e;
        hs[3] = (uint32_t)dogma_cap_dup(initrd, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER);
        nh = 4;
        const char *roles[] = {"stdout", "stderr", "initrd"};
        for (unsigned i = 0; i < 3 && pos < sizeof q.data; i++)
            pos += (size_t)snprintf(q.data + pos, sizeof q.data - pos, "%s", roles[i]) + 1;
        q.nroles = 3;
    }
    if (pos >= sizeof q.data) {
        say("%s: the arguments are too long (at most %u bytes)\n", name, VD_DATA);
        for (unsigned i = 0; i < nh; i++)
            dogma_cap_dispose(hs[i]);
        if (mine)
            dogma_cap_dispose(mine), dogma_cap_dispose(mine_err);
        return;
    }
    vd_reply_t r;
    uint32_t proc = 0, got = 0;
    if (dogma_channel_send(verifierd, &q, sizeof q, hs, nh) < 0 ||
        svc_recv(verifierd, &r, sizeof r, &proc, 1, &got) < 0) {
        say("%s: verifierd does not answer\n", name);
        return;
    }
    if (r.status != 0) {
        say("%s: %s: %s\n", name, r.status == VD_REJECTED ? "rejected" : "failed", r.text);
        if (mine)
            dogma_cap_dispose(mine), dogma_cap_dispose(mine_err);
        return;
    }
    if (!run) {
        say("%s: %s\n  %u bytes, hash %016llx, verified in %u us\n", name, r.text,
            r.module_bytes, (unsigned long long)r.hash, r.time_us);
        return;
    }
    loaded_us = us_since(t0);
    /* Its output to the console until it ends; Ctrl-C tears it down. */
    bool ended = false, out_done = false, err_done = false;
    while (!(out_done && err_done)) {
        dogma_wait_item_t it[4] = {{mine, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE, 0, 0},
                                   {mine_err, DOGMA_SIG_READABLE | DOGMA_SIG_PEER_GONE, 0, 0},
                                   {proc, DOGMA_SIG_EXITED, 0, 0},
                                   {session, DOGMA_SIG_READABLE, 0, 0}};
        dogma_wait(it, ended ? 2 : 4, ended ? 0 : UINT64_MAX);
        out_done = copy_stream(mine, name, false, t0, &first_us) || ended;
        err_done = copy_stream(mine_err, name, true, t0, &first_us) || ended;
        if (it[2].got & DOGMA_SIG_EXITED)
            ended = true; /* one more pass takes what it wrote last */
        if (!ended && (it[3].got & DOGMA_SIG_READABLE)) {
            take_one(false);
            for (unsigned i = 0; i < npending; i++)
                if (pending[i][0] == 3) {
                    dogma_proc_teardown(proc);
                    npending = 0;
                }
        }
    }
    dogma_cap_dispose(mine);
    dogma_cap_dispose(mine_err);
    report_end(name, proc);
    dogma_cap_dispose(proc);
    if (timing)
        say("[time: loaded (checked, translated, started) after %llu us (verifierd: %u us), "
            "first output after %llu us, ended after %llu ms]\n",
            (unsigned long long)loaded_us, r.time_us, (unsigned long long)first_us,
            (unsigned long long)ms_since(t0));
}

/* ---- the command line ----------------------------------------------------------------------- */
static void help(void)
{
    static const char text[] = "commands:\n"
        "  help                 this text\n"
        "  ps                   processes: pid, name, kind, state, CPU time, memory, handles\n"
        "  caps PID             the handles a process holds\n"
        "  mem                  memory in use and free\n"
        "  services             the services driverd supervises\n"
        "  run [K=V]... NAME [ARGS]...\n"
        "                       load bin/NAME.wasm through verifierd and wait for it\n"
        "  time run ...         the same, then when it was loaded, first wrote, ended\n"
        "  verify NAME          verifierd's verdict on a module, without running it\n"
        "  kill PID             tear a process down\n"
        "  log [N]              the last N lines of the system log (default 20)\n"
        "  uptime               time since boot\n"
        "  reboot               end process 1: the kernel resets the machine\n";
    out(text, sizeof text - 1);
}

static void command(char *line)
{
    char *words[MAX_WORDS];
    unsigned n = 0;
    for (char *t = strtok(line, " \t"); t && n < MAX_WORDS; t = strtok(NULL, " \t"))
        words[n++] = t;
    if (n == 0)
        return;
    const char *c = words[0];
    timing = false;
    if (strcmp(c, "time") == 0 && n > 2 && strcmp(words[1], "run") == 0) {
        timing = true;
        cmd_run(words + 2, n - 2, true);
        return;
    }
    if (strcmp(c, "help") == 0)
        help();
    else if (strcmp(c, "ps") == 0)
        cmd_ps();
    else if (strcmp(c, "caps") == 0 && n == 2)
        cmd_caps((uint32_t)strtoul(words[1], NULL, 10));
    else if (strcmp(c, "mem") == 0)
        cmd_mem();
    else if (strcmp(c, "services") == 0)
        cmd_services();
    else if (strcmp(c, "run") == 0)
        cmd_run(words + 1, n - 1, true);
    else if (strcmp(c, "verify") == 0)
        cmd_run(words + 1, n - 1, false);
    else if (strcmp(c, "kill") == 0 && n == 2) {
        sv_reply_t r;
        if (sv_call(SV_KILL, (uint32_t)strtoul(words[1], NULL, 10), &r, true)) {
            if (r.status == -DOGMA_E_GONE)
                say("kill: no live process has pid %s\n", words[1]);
            else if (r.status < 0)
                say("kill %s: %s\n", words[1], dogma_strerror(-r.status));
            else
                say("killed %s\n", words[1]);
        }
    } else if (strcmp(c, "log") == 0)
        cmd_log(n > 1 ? (unsigned)strtoul(words[1], NULL, 10) : 20);
    else if (strcmp(c, "uptime") == 0)
        cmd_uptime();
    else if (strcmp(c, "reboot") == 0) {
        say("rebooting\n");
        sv_request_t q = {SV_REBOOT, 0};
        dogma_channel_send(driverd, &q, sizeof q, NULL, 0);
    } else
        say("%s: unknown command or wrong arguments (try help)\n", c);
}

int main(void)
{
    svc_log_init("shell");
    console = dogma_grant_by_role("console");
    verifierd = dogma_grant_by_role("verifierd");
    driverd = dogma_grant_by_role("driverd");
    logsvc = dogma_grant_by_role("log");
    initrd = dogma_grant_by_role("initrd");
    if (!console || !verifierd || !driverd || !logsvc || !initrd) {
        svc_log(LG_ERR, "needs grants console, verifierd, driverd, log and initrd");
        return 1;
    }
    connect_console();
    dogma_sys_info_t si;
    dogma_sys_info(&si);
    const char *restarts = getenv("DOGMA_RESTARTS"); /* driverd's count */
    if (restarts && strcmp(restarts, "0") != 0)
        say("\nDogma shell, started again (%s restarts) at %llu ms. Type help for the "
            "commands.\n", restarts, (unsigned long long)(si.uptime_ns / 1000000));
    else
        say("\nDogma shell. Booted in %llu ms. Type help for the commands.\n",
            (unsigned long long)(si.uptime_ns / 1000000));
    for (;;) {
        say("dogma> ");
        char line[DOGMA_MSG_MAX_BYTES + 1];
        read_line(line, sizeof line);
        if (line[0] == 3)
            continue;
        command(line);
    }
}

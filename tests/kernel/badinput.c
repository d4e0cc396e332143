/*
 * badinput: every system call of dogma/abi.h against hostile arguments.
 * Numbers without a call (the gaps below DOGMA_SYSCALL_MAX, 80, 1000,
 * 2^32 + a real number, 2^63, 2^64 - 1) are BAD_SYSCALL. Every call whose
 * argument 0 is a handle refuses handle 0, never-issued numbers, a stale
 * handle, bits above 32 (BAD_HANDLE), a handle of another kind
 * (WRONG_KIND) and one without the right it needs (RIGHTS). Every pointer
 * argument refuses, with BAD_ADDRESS naming that argument, address 0, an
 * unmapped lower-half page, the page after a region, a non-readable page,
 * a region handed to another process, a stacklet's guard, kernel
 * addresses (0xffff800000000000, 0xffffffff80000000), non-canonical ones,
 * a range that wraps past 2^64 and one that runs off a region's end; and a
 * pointer the kernel writes through also refuses read-only memory (the
 * process block, the program's text, a view, a read-only page). Every
 * numeric argument out of its range is BAD_ARG naming it. proc_spawn of
 * something that is not an ELF (the initrd's README.txt, zeros, the middle
 * of a program) is BAD_ELF. Each failure leaves the error record naming
 * the call and the argument; no refused call changes anything (the checks
 * after them, and the leak check after the scenario, see to that). Last,
 * with every frame taken (a huge region filled through the kernel's own
 * copies), calls fail with NO_MEMORY (or FULL) rather than crash, and all
 * works again once the region goes. The kernel staying up is shown by the
 * program finishing.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define PAGE 4096ull
#define SCRATCH 0x3ff
#define MB (1024ull * 1024)
#define INBOX_MAX 16 /* a process's capability inbox */

enum {
    M_SLEEP = 1, /* hold the granted region, wait for the notification; exit 0 */
    M_LISTEN,    /* listen for capabilities, wait for the notification; exit 0 */
    M_EXIT_ODD,  /* exit with status 2^63 */
};

/* The fixtures every section uses. */
static struct {
    uint32_t rw;        /* 6 pages: 0-1 buffers, 2 read-only, 3 none, 4-5 read-write */
    uint64_t rw_base;
    uint32_t view;      /* a one-page view */
    uint64_t view_base;
    uint32_t shared;    /* a shared read-write region */
    uint64_t given_base; /* a region the sleeper holds now */
    uint32_t sleeper, listener, wake, wake2;
    uint32_t ea, eb;    /* a channel; eb has a message with one handle queued */
    uint32_t tok;
    uint32_t stale;     /* a disposed notification */
    uint32_t code;      /* an exclusive region for proc_map_code */
    uint64_t elf_off, elf_size; /* tests/badinput in the initrd */
    uint32_t none[DOGMA_CAP_NKINDS]; /* per kind, a handle with no rights (0: none) */
} fx;

static uint64_t okbuf(void) { return fx.rw_base; }
static uint64_t okbuf2(void) { return fx.rw_base + PAGE; }
static uint64_t rw_end(void) { return fx.rw_base + 6 * PAGE; }

/* A failure with err naming argument arg, in call nr. */
static void fails(dsys_t r, int err, int arg, uint64_t nr, const char *what, uint64_t value)
{
    dogma_error_record_t e = t_last_error();
    if (r.r == -err && e.code == (uint32_t)err && e.syscall == (uint32_t)nr &&
        (arg < 0 || e.arg == (uint32_t)arg))
        return;
    t_printf("%s with %lx: got %s (%ld), record %s call %u argument %u; wanted %s argument %d",
             what, value, r.r < 0 ? t_strerror((int)-r.r) : "success", r.r, t_strerror((int)e.code),
             e.syscall, e.arg, t_strerror(err), arg);
    t_fail(what, __FILE__, __LINE__);
}

/* ---- children --------------------------------------------------------------------- */

static int child(uint64_t mode)
{
    if (mode == M_EXIT_ODD) {
        DSYS1(DOGMA_SYS_exit, 1ull << 63);
        return 1;
    }
    if (mode == M_LISTEN)
        OK(DSYS1(DOGMA_SYS_cap_listen, 1));
    t_wait_for(t_grant(1), DOGMA_SIG_NOTIFIED);
    return 0;
}

/* ---- fixtures ---------------------------------------------------------------------- */

static void setup(void)
{
    fx.rw = t_region(6 * PAGE, &fx.rw_base);
    memset((void *)(rw_end() - 8), 'A', 8); /* no NUL before the end */
    OK(DSYS4(DOGMA_SYS_region_protect, fx.rw, 2 * PAGE, PAGE, DOGMA_PROT_RO));
    OK(DSYS4(DOGMA_SYS_region_protect, fx.rw, 3 * PAGE, PAGE, DOGMA_PROT_NONE));

    fx.view = t_region(PAGE, &fx.view_base);
    memcpy((void *)fx.view_base, "a view", 7);
    OK(DSYS2(DOGMA_SYS_region_share, fx.view, DOGMA_SHARE_VIEW));
    fx.shared = t_shared_rw(PAGE, NULL, NULL);

    uint32_t given = t_region(PAGE, &fx.given_base);
    *(volatile uint64_t *)fx.given_base = 1;
    fx.wake = t_notify();
    uint32_t g[2] = {t_dup(fx.wake, DOGMA_R_WAIT | DOGMA_R_TRANSFER), given};
    fx.sleeper = t_spawn_mode("badinput", M_SLEEP, g, 2, NULL);
    fx.wake2 = t_notify();
    g[0] = t_dup(fx.wake2, DOGMA_R_WAIT | DOGMA_R_TRANSFER);
    fx.listener = t_spawn_mode("badinput", M_LISTEN, g, 1, NULL);
    t_wait_blocked(fx.sleeper);
    t_wait_blocked(fx.listener);

    fx.ea = t_channel(&fx.eb);
    uint32_t t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 77));
    OK(DSYS5(DOGMA_SYS_channel_send, fx.ea, "sixteen bytes!!", 16, &t, 1));

    fx.tok = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 1));
    fx.stale = t_notify();
    t_dispose(fx.stale);
    fx.code = t_region(PAGE, NULL);
    CHECK(t_initrd_find("tests/badinput", &fx.elf_off, &fx.elf_size));

    fx.none[DOGMA_CAP_REGION] = t_dup(fx.shared, 0);
    fx.none[DOGMA_CAP_VIEW] = t_dup(fx.view, 0);
    fx.none[DOGMA_CAP_PROCESS] = t_dup(fx.sleeper, 0);
    fx.none[DOGMA_CAP_CHANNEL] = t_dup(fx.ea, 0);
    fx.none[DOGMA_CAP_NOTIFY] = t_dup(fx.wake, 0);
    fx.none[DOGMA_CAP_IOPORT] = t_dup(t_grant(2), 0);
    fx.none[DOGMA_CAP_LOADER] = t_dup(t_grant(1), 0);
    fx.none[DOGMA_CAP_TOKEN] = t_dup(fx.tok, 0);
}

static void teardown(void)
{
    for (unsigned k = 0; k < DOGMA_CAP_NKINDS; k++)
        if (fx.none[k])
            t_dispose(fx.none[k]);
    OK(DSYS2(DOGMA_SYS_notify_signal, fx.wake, 1));
    OK(DSYS2(DOGMA_SYS_notify_signal, fx.wake2, 1));
    t_expect_exit(fx.sleeper, 0);
    t_expect_exit(fx.listener, 0);
    uint32_t hs[] = {fx.rw, fx.view, fx.shared, fx.wake, fx.wake2, fx.ea, fx.eb, fx.tok, fx.code};
    for (unsigned i = 0; i < sizeof hs / sizeof hs[0]; i++)
        t_dispose(hs[i]);
    CHECK(t_self().handles == 4); /* the three grants and the image */
}

/* ---- numbers ------------------------------------------------------------------------ */

static void test_numbers(void)
{
    static const uint64_t extra[] = {DOGMA_SYSCALL_MAX, 81, 100, 255, 256, 1000, 0xffff,
                                     0xffffffffull, 1ull << 32, (1ull << 32) | DOGMA_SYS_exit,
                                     (1ull << 32) | DOGMA_SYS_self_info, 1ull << 63, UINT64_MAX};
    unsigned gaps = 0;
    for (uint64_t nr = 0; nr < DOGMA_SYSCALL_MAX + sizeof extra / sizeof extra[0]; nr++) {
        uint64_t n = nr < DOGMA_SYSCALL_MAX ? nr : extra[nr - DOGMA_SYSCALL_MAX];
        if (t_call(n))
            continue;
        gaps++;
        dsys_t r = dsys(n, okbuf(), 16, 0, 0, 0, 0);
        fails(r, DOGMA_E_BAD_SYSCALL, 0xff, n > 0xffffffffull ? 0xffffffffull : n, "a number", n);
        dogma_error_record_t e = t_last_error();
        CHECK(e.min == 0 && e.max == DOGMA_SYSCALL_MAX - 1);
    }
    t_printf("%u numbers without a call refused", gaps);
}

/* ---- handles in argument 0 ---------------------------------------------------------- */

static void test_handles(void)
{
    const uint64_t junk[] = {0, 1, 0xfff, 0x1000, 0xfffff, 0xffffffffull, fx.stale,
                             (1ull << 32) | fx.tok, (1ull << 63) | fx.tok, UINT64_MAX,
                             0xffff800000000000ull};
    unsigned checked = 0;
    for (unsigned i = 0; i < t_ncalls; i++) {
        const t_call_t *c = &t_calls[i];
        if (c->kind == DOGMA_CAP_NONE)
            continue;
        for (unsigned j = 0; j < sizeof junk / sizeof junk[0]; j++) {
            dsys_t r = dsys(c->nr, junk[j], okbuf(), 0, 0, 0, 0);
            fails(r, DOGMA_E_BAD_HANDLE, 0, c->nr, c->name, junk[j]);
            CHECK(t_last_error().value == junk[j]);
            checked++;
        }
        /* A token is never what a call wants (except "any"). */
        if (!t_kind_fits(c->kind, DOGMA_CAP_TOKEN)) {
            fails(dsys(c->nr, fx.tok, okbuf(), 0, 0, 0, 0), DOGMA_E_WRONG_KIND, 0, c->nr, c->name,
                  fx.tok);
            checked++;
        }
        if (!c->rights)
            continue;
        uint32_t h = 0;
        for (unsigned k = 0; k < DOGMA_CAP_NKINDS && !h; k++)
            if (fx.none[k] && t_kind_fits(c->kind, k))
                h = fx.none[k];
        if (!h) {
            t_printf("no handle of kind %u to test %s without rights", c->kind, c->name);
            continue;
        }
        fails(dsys(c->nr, h, okbuf(), 0, 0, 0, 0), DOGMA_E_RIGHTS, 0, c->nr, c->name, h);
        dogma_error_record_t e = t_last_error();
        CHECK(e.min == c->rights && e.max == 0);
        checked++;
    }
    t_printf("%u refused handles", checked);
}

/* ---- pointers ---------------------------------------------------------------------- */

enum {
    P_LOG, P_REGION_INFO, P_CAP_INFO, P_SEND_BYTES, P_SEND_HANDLES, P_RECV_BUF,
    P_RECV_HANDLES, P_WAIT, P_LOCK_WAIT, P_LOCK_WAKE, P_SPAWN_GRANTS, P_SPAWN_NAME,
    P_MAP_DESC, P_MAP_GRANTS, P_PROC_INFO, P_SELF_INFO, P_COUNT,
};

static const struct {
    const char *what;
    uint64_t nr;
    unsigned arg;
    uint64_t len; /* bytes the call reads or writes there */
    bool write;
} pcases[P_COUNT] = {
    [P_LOG] = {"debug_log text", DOGMA_SYS_debug_log, 0, 16, false},
    [P_REGION_INFO] = {"region_info out", DOGMA_SYS_region_info, 1, 32, true},
    [P_CAP_INFO] = {"cap_info out", DOGMA_SYS_cap_info, 1, 24, true},
    [P_SEND_BYTES] = {"channel_send bytes", DOGMA_SYS_channel_send, 1, 16, false},
    [P_SEND_HANDLES] = {"channel_send handles", DOGMA_SYS_channel_send, 3, 4, false},
    [P_RECV_BUF] = {"channel_recv buffer", DOGMA_SYS_channel_recv, 1, 16, true},
    [P_RECV_HANDLES] = {"channel_recv handles", DOGMA_SYS_channel_recv, 3, 4, true},
    [P_WAIT] = {"wait items", DOGMA_SYS_wait, 0, 16, true},
    [P_LOCK_WAIT] = {"lock_wait word", DOGMA_SYS_lock_wait, 0, 4, false},
    [P_LOCK_WAKE] = {"lock_wake word", DOGMA_SYS_lock_wake, 0, 4, false},
    [P_SPAWN_GRANTS] = {"proc_spawn grants", DOGMA_SYS_proc_spawn, 3, 4, false},
    [P_SPAWN_NAME] = {"proc_spawn name", DOGMA_SYS_proc_spawn, 5, 9, false},
    [P_MAP_DESC] = {"proc_map_code desc", DOGMA_SYS_proc_map_code, 3, sizeof(dogma_map_code_t), false},
    [P_MAP_GRANTS] = {"proc_map_code desc.grants", DOGMA_SYS_proc_map_code, 3, 4, false},
    [P_PROC_INFO] = {"proc_info out", DOGMA_SYS_proc_info, 1, sizeof(dogma_proc_info_t), true},
    [P_SELF_INFO] = {"self_info out", DOGMA_SYS_self_info, 0, sizeof(dogma_proc_info_t), true},
};

static dsys_t pointer_call(unsigned which, uint64_t a)
{
    switch (which) {
    case P_LOG: return DSYS2(DOGMA_SYS_debug_log, a, 16);
    case P_REGION_INFO: return DSYS2(DOGMA_SYS_region_info, fx.rw, a);
    case P_CAP_INFO: return DSYS2(DOGMA_SYS_cap_info, fx.tok, a);
    case P_SEND_BYTES: return DSYS5(DOGMA_SYS_channel_send, fx.ea, a, 16, 0, 0);
    case P_SEND_HANDLES: return DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 16, a, 1);
    case P_RECV_BUF: return DSYS5(DOGMA_SYS_channel_recv, fx.eb, a, 256, okbuf2(), 4);
    case P_RECV_HANDLES: return DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf(), 256, a, 4);
    case P_WAIT: return DSYS3(DOGMA_SYS_wait, a, 1, 0);
    case P_LOCK_WAIT: return DSYS3(DOGMA_SYS_lock_wait, a, 0xdeadbeef, 0);
    case P_LOCK_WAKE: return DSYS2(DOGMA_SYS_lock_wake, a, 1);
    case P_SPAWN_GRANTS:
        return DSYS6(DOGMA_SYS_proc_spawn, t_grant(0), fx.elf_off, fx.elf_size, a, 1, 0);
    case P_SPAWN_NAME:
        return DSYS6(DOGMA_SYS_proc_spawn, t_grant(0), fx.elf_off, fx.elf_size, 0, 0, a);
    case P_MAP_DESC: return DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, a);
    case P_MAP_GRANTS: {
        dogma_map_code_t *d = (dogma_map_code_t *)okbuf2();
        memset(d, 0, sizeof *d);
        d->grants = a;
        d->ngrants = 1;
        return DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d);
    }
    case P_PROC_INFO: return DSYS2(DOGMA_SYS_proc_info, fx.sleeper, a);
    case P_SELF_INFO: return DSYS1(DOGMA_SYS_self_info, a);
    }
    return (dsys_t){0, 0};
}

static void test_pointers(void)
{
    /* Never accessible, whatever the access. */
    const uint64_t never[] = {
        0, 8, 0x1000, 0x2000,
        rw_end(),                          /* the page after a region */
        fx.rw_base + 3 * PAGE + 8,         /* a non-readable page */
        fx.given_base,                     /* a region another process holds now */
        t_pb64(DOGMA_PB_STACK_BASE) - 64,  /* the stacklet's guard */
        0x7fffffffe000ull, 0x7ffffffff000ull, 0x800000000000ull,
        0xffff800000000000ull, 0xffff800000100000ull, 0xffffffff80000000ull,
        0x8000000000000000ull, 0xfffffffffffff000ull, UINT64_MAX - 7,
    };
    /* Readable, never writable. */
    const uint64_t readonly[] = {
        (uint64_t)t_pb, (uint64_t)t_pb + DOGMA_PB_ERROR, (uint64_t)test_main, fx.view_base,
        fx.rw_base + 2 * PAGE + 16,
    };
    unsigned checked = 0;
    for (unsigned w = 0; w < P_COUNT; w++) {
        for (unsigned i = 0; i < sizeof never / sizeof never[0]; i++) {
            if (w == P_SPAWN_NAME && never[i] == 0)
                continue; /* 0 means "no name" */
            fails(pointer_call(w, never[i]), DOGMA_E_BAD_ADDRESS, (int)pcases[w].arg,
                  pcases[w].nr, pcases[w].what, never[i]);
            checked++;
        }
        /* Running off the end of a region into the page after it. */
        if (pcases[w].len > 8 && w != P_SPAWN_NAME) {
            fails(pointer_call(w, rw_end() - 8), DOGMA_E_BAD_ADDRESS, (int)pcases[w].arg,
                  pcases[w].nr, pcases[w].what, rw_end() - 8);
            checked++;
        }
        if (!pcases[w].write)
            continue;
        for (unsigned i = 0; i < sizeof readonly / sizeof readonly[0]; i++) {
            fails(pointer_call(w, readonly[i]), DOGMA_E_BAD_ADDRESS, (int)pcases[w].arg,
                  pcases[w].nr, pcases[w].what, readonly[i]);
            checked++;
        }
    }
    /* The name read byte by byte runs off the region's end. */
    fails(pointer_call(P_SPAWN_NAME, rw_end() - 8), DOGMA_E_BAD_ADDRESS, 5,
          DOGMA_SYS_proc_spawn, "a name without its end", rw_end() - 8);
    t_printf("%u refused pointers", checked + 1);

    /* Nothing was consumed: the queued message is whole, the pages kept
     * their marks, the sleeper still runs. */
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf(), 256, okbuf2(), 4);
    CHECK(OK(r) == 16 && r.r1 == 1);
    CHECK(memcmp((void *)okbuf(), "sixteen bytes!!", 16) == 0);
    uint32_t t = *(uint32_t *)okbuf2();
    dogma_cap_info_t ci = t_cap_info(t);
    CHECK(ci.kind == DOGMA_CAP_TOKEN && ci.object == 77);
    t_dispose(t);
    FAILS(DSYS1(DOGMA_SYS_self_info, fx.rw_base + 2 * PAGE), BAD_ADDRESS, 0);
    FAILS(DSYS2(DOGMA_SYS_debug_log, fx.rw_base + 3 * PAGE, 1), BAD_ADDRESS, 0);
    CHECK(t_info(fx.sleeper).state == DOGMA_PROC_BLOCKED);
    CHECK(t_self().handles == 4 + 11 + 8);
}

/* ---- numeric ranges ------------------------------------------------------------------ */

static void test_ranges(void)
{
    FAILS(DSYS2(DOGMA_SYS_debug_log, okbuf(), 513), BAD_ARG, 1);
    FAILS(DSYS2(DOGMA_SYS_debug_log, okbuf(), UINT64_MAX), BAD_ARG, 1);
    FAILS(DSYS2(DOGMA_SYS_pb_set, 0x8, 1), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_pb_set, 0x100, 1), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_pb_set, 0x11, 1), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_pb_set, DOGMA_PB_ERROR, 1), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_pb_set, UINT64_MAX, 1), BAD_ARG, 0);
    OK(DSYS2(DOGMA_SYS_pb_set, 0xf8, 0x1234));
    CHECK(t_pb64(0xf8) == 0x1234);
    FAILS(DSYS2(DOGMA_SYS_region_create, 0, 0), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_region_create, UINT64_MAX, 0), BAD_ARG, 0);
    FAILS(DSYS2(DOGMA_SYS_region_create, PAGE, UINT64_MAX), BAD_ARG, 1);
    FAILS(DSYS4(DOGMA_SYS_region_protect, fx.rw, 0, 0 - PAGE, 0), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_region_protect, fx.rw, 0, PAGE, 7), BAD_ARG, 3);
    FAILS(DSYS2(DOGMA_SYS_region_share, fx.code, 2), BAD_ARG, 1);
    FAILS(DSYS1(DOGMA_SYS_cap_listen, 2), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_cap_listen, UINT64_MAX), BAD_ARG, 0);
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 257, 0, 0), BAD_ARG, 2);
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), UINT64_MAX, 0, 0), BAD_ARG, 2);
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, okbuf(), 5), BAD_ARG, 4);
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, okbuf(), UINT64_MAX), BAD_ARG, 4);
    uint32_t junk[2] = {fx.stale, fx.tok};
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, junk, 2), BAD_HANDLE, 3);
    junk[0] = fx.tok; /* the same handle twice */
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, junk, 2), BAD_HANDLE, 3);
    junk[0] = t_pb32(DOGMA_PB_IMAGE); /* no TRANSFER */
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, junk, 1), RIGHTS, 3);
    junk[0] = fx.eb; /* the channel's own end */
    FAILS(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 0, junk, 1), RIGHTS, 3);

    /* A queued message too big for the buffer, or with more handles than
     * room, stays queued; the record's min says what is needed. */
    uint32_t t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 3));
    OK(DSYS5(DOGMA_SYS_channel_send, fx.ea, okbuf(), 40, &t, 1));
    FAILS(DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf2(), 39, okbuf(), 4), BAD_ARG, 2);
    CHECK(t_last_error().min == 40);
    FAILS(DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf2(), 256, okbuf(), 0), BAD_ARG, 4);
    CHECK(t_last_error().min == 1);
    dsys_t r = DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf2(), 40, okbuf(), 1);
    CHECK(OK(r) == 40 && r.r1 == 1);
    t_dispose(*(uint32_t *)okbuf());
    FAILS(DSYS5(DOGMA_SYS_channel_recv, fx.eb, okbuf2(), 256, okbuf(), 4), EMPTY, 0);

    FAILS(DSYS2(DOGMA_SYS_notify_signal, fx.wake, 0), BAD_ARG, 1);
    dogma_wait_item_t *it = (dogma_wait_item_t *)okbuf();
    memset(it, 0, 17 * sizeof *it);
    it[0].handle = fx.wake;
    it[0].want = DOGMA_SIG_NOTIFIED;
    FAILS(DSYS3(DOGMA_SYS_wait, it, 0, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_wait, it, 17, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_wait, it, UINT64_MAX, 0), BAD_ARG, 1);
    it[1].handle = fx.stale;
    FAILS(DSYS3(DOGMA_SYS_wait, it, 2, 0), BAD_HANDLE, 0);
    CHECK(t_last_error().min == 1);
    it[1].handle = fx.tok;
    FAILS(DSYS3(DOGMA_SYS_wait, it, 2, 0), WRONG_KIND, 0);
    FAILS(DSYS3(DOGMA_SYS_wait, it, 1, 0), TIMED_OUT, 2);

    FAILS(DSYS3(DOGMA_SYS_lock_wait, okbuf() + 2, 0, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_lock_wait, okbuf(), 1ull << 32, 0), BAD_ARG, 1);
    FAILS(DSYS2(DOGMA_SYS_lock_wake, okbuf() + 1, 1), BAD_ARG, 0);
    *(volatile uint32_t *)okbuf() = 5;
    CHECK(OK(DSYS3(DOGMA_SYS_lock_wait, okbuf(), 6, UINT64_MAX)) == 1); /* changed: no sleep */
    CHECK(OK(DSYS2(DOGMA_SYS_lock_wake, okbuf(), UINT64_MAX)) == 0);

    FAILS(DSYS1(DOGMA_SYS_stack_grow, 0), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_stack_grow, 16 * MB + 1), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_stack_grow, UINT64_MAX), BAD_ARG, 0);
    FAILS(DSYS0(DOGMA_SYS_stack_shrink), STATE, -1);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, 1, PAGE, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)test_main, 0, 0), BAD_ARG, 1);
    FAILS(DSYS1(DOGMA_SYS_fault_return, 2), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_TEARDOWN), STATE, -1);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, t_grant(2), SCRATCH, 3), BAD_ARG, 2);
    FAILS(DSYS3(DOGMA_SYS_ioport_in, t_grant(2), 0x3f8, 1), BAD_ARG, 1);
    FAILS(DSYS4(DOGMA_SYS_ioport_out, t_grant(2), 1ull << 40 | SCRATCH, 1, 0), BAD_ARG, 1);
}

/* ---- processes and capabilities ---------------------------------------------------------- */

static void test_spawn(void)
{
    uint32_t init = t_grant(0);
    dogma_region_info_t ri = t_region_info(init);
    uint64_t off, size;
    CHECK(t_initrd_find("README.txt", &off, &size));
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, off, size, 0, 0, 0), BAD_ELF, 0);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off + 64, fx.elf_size - 64, 0, 0, 0), BAD_ELF, 0);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, 32, 0, 0, 0), BAD_ELF, 0); /* cut short */
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, fx.rw, 0, PAGE, 0, 0, 0), BAD_ELF, 0);   /* zeros */
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, ri.size, 1, 0, 0, 0), BAD_ARG, 1);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, UINT64_MAX, 1, 0, 0, 0), BAD_ARG, 1);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, 0, 0, 0, 0), BAD_ARG, 2);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, ri.size, 0, 0, 0), BAD_ARG, 2);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, 1, UINT64_MAX, 0, 0, 0), BAD_ARG, 2);
    uint32_t *g = (uint32_t *)okbuf();
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, fx.elf_size, g, 17, 0), BAD_ARG, 4);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, fx.elf_size, g, UINT64_MAX, 0), BAD_ARG, 4);
    g[0] = fx.stale;
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, fx.elf_size, g, 1, 0), BAD_HANDLE, 3);
    g[0] = fx.tok;
    g[1] = fx.tok;
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, fx.elf_size, g, 2, 0), BAD_HANDLE, 3);
    g[0] = t_pb32(DOGMA_PB_IMAGE);
    FAILS(DSYS6(DOGMA_SYS_proc_spawn, init, fx.elf_off, fx.elf_size, g, 1, 0), RIGHTS, 3);
    CHECK(t_self().handles == 4 + 11 + 8); /* no grant moved */

    /* proc_map_code's own decode. */
    dogma_map_code_t *d = (dogma_map_code_t *)okbuf2();
    memset(d, 0, sizeof *d);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.stale, 0, d), BAD_HANDLE, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.view, 0, d), WRONG_KIND, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.none[DOGMA_CAP_REGION], 0, d), RIGHTS, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.shared, 0, d), STATE, 1);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, PAGE, d), BAD_ARG, 2);
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, UINT64_MAX, d), BAD_ARG, 2);
    d->ngrants = 17;
    d->grants = okbuf();
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d), BAD_ARG, 3);
    d->ngrants = 1;
    *(uint32_t *)okbuf() = fx.code; /* the code region may not be a grant */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d), RIGHTS, 3);
    d->ngrants = 0;
    d->stack_bytes = 16 * MB + 1;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d), BAD_ARG, 3);
    d->stack_bytes = 0;
    d->xblock = fx.rw_base; /* not a granted region */
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d), BAD_ARG, 3);
    d->xblock = 0xffff800000000000ull;
    FAILS(DSYS4(DOGMA_SYS_proc_map_code, t_grant(1), fx.code, 0, d), BAD_ARG, 3);
    t_region_info(fx.code); /* still ours */

    /* Ending: an exit status of 2^63 is kept as it is. */
    t_expect_exit(t_spawn_mode("badinput", M_EXIT_ODD, NULL, 0, NULL), (int64_t)(1ull << 63));
}

static void test_processes(void)
{
    FAILS(DSYS1(DOGMA_SYS_yield_to, fx.sleeper), STATE, 0); /* blocked */
    FAILS(DSYS2(DOGMA_SYS_cap_send, fx.sleeper, fx.stale), BAD_HANDLE, 1);
    FAILS(DSYS2(DOGMA_SYS_cap_send, fx.sleeper, UINT64_MAX), BAD_HANDLE, 1);
    FAILS(DSYS2(DOGMA_SYS_cap_send, fx.sleeper, t_pb32(DOGMA_PB_IMAGE)), RIGHTS, 1);
    /* To a process that does not listen: refused, and the handle is gone. */
    uint32_t t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 4));
    FAILS(DSYS2(DOGMA_SYS_cap_send, fx.sleeper, t), NOT_LISTENING, 0);
    FAILS(DSYS1(DOGMA_SYS_cap_dispose, t), BAD_HANDLE, 0);
    /* A listener's inbox holds 16. */
    for (unsigned i = 0; i < INBOX_MAX; i++)
        OK(DSYS2(DOGMA_SYS_cap_send, fx.listener, OK(DSYS1(DOGMA_SYS_token_create, i))));
    t = (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, 99));
    FAILS(DSYS2(DOGMA_SYS_cap_send, fx.listener, t), FULL, 0);
    t_dispose(t); /* kept by the refusal */
    FAILS(DSYS0(DOGMA_SYS_cap_receive), EMPTY, -1);
    dsys_t r = dsys(DOGMA_SYS_cap_receive, UINT64_MAX, UINT64_MAX, 0, 0, 0, 0);
    FAILS(r, EMPTY, -1);

    /* Calls that take no arguments ignore junk in the registers. */
    OK(dsys(DOGMA_SYS_yield, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX));
    CHECK(OK(dsys(DOGMA_SYS_clock, UINT64_MAX, 1, 2, 3, 4, 5)) > 0);
    r = dsys(DOGMA_SYS_channel_create, UINT64_MAX, 0xffff800000000000ull, 0, 0, 0, 0);
    OK(r);
    t_dispose((uint32_t)r.r);
    t_dispose((uint32_t)r.r1);
    t_dispose((uint32_t)OK(dsys(DOGMA_SYS_notify_create, UINT64_MAX, 1, 2, 3, 4, 5)));
    t_dispose((uint32_t)OK(dsys(DOGMA_SYS_token_create, UINT64_MAX, 1, 2, 3, 4, 5)));
    dsys_t f = {t_fork_exit0(UINT64_MAX, 0xffff800000000000ull), 0};
    t_expect_exit((uint32_t)OK(f), 0);
}

static void test_stack_limits(void)
{
    uint64_t base = t_pb64(DOGMA_PB_STACK_BASE);
    unsigned grown = 0;
    for (;;) {
        dsys_t r = DSYS1(DOGMA_SYS_stack_grow, 16 * MB);
        if (r.r < 0) {
            FAILS(r, NO_MEMORY, 0);
            break;
        }
        grown++;
        CHECK(grown <= 16);
    }
    CHECK(grown >= 14); /* 256 MiB in all, less what is linked already */
    while (grown--)
        OK(DSYS0(DOGMA_SYS_stack_shrink));
    FAILS(DSYS0(DOGMA_SYS_stack_shrink), STATE, -1);
    CHECK(t_pb64(DOGMA_PB_STACK_BASE) == base);
}

/* Out of frames: a 1 GiB region filled through the kernel's own copies
 * (self_info into each page) until they fail with NO_MEMORY, not a
 * fault. Then every call that needs memory fails cleanly (NO_MEMORY, or
 * FULL where a handle table could not grow) or succeeds; once the region
 * goes, everything works again. */
static void test_exhaustion(void)
{
    uint64_t big_base, marked_base;
    uint32_t big = t_region(1ull << 30, &big_base);
    /* Never touched: its page entries do not exist yet. */
    uint32_t marked = t_region(64 * MB, &marked_base);
    uint64_t pages = 0;
    dsys_t r;
    while ((r = DSYS1(DOGMA_SYS_self_info, big_base + pages * PAGE)).r >= 0)
        CHECK(++pages < (1ull << 30) / PAGE);
    FAILS(r, NO_MEMORY, 0);
    t_printf("out of frames after %lu pages", pages);
    unsigned ok = 0, refused = 0;
    for (unsigned i = 0; i < 40; i++) {
        dsys_t rs[] = {
            DSYS0(DOGMA_SYS_notify_create), DSYS1(DOGMA_SYS_token_create, i),
            DSYS0(DOGMA_SYS_channel_create), DSYS2(DOGMA_SYS_region_create, PAGE, 0),
            DSYS1(DOGMA_SYS_stack_grow, 64 * 1024),
            DSYS6(DOGMA_SYS_proc_spawn, t_grant(0), fx.elf_off, fx.elf_size, 0, 0, 0),
            DSYS1(DOGMA_SYS_self_info, big_base + (1ull << 30) - PAGE),
        };
        for (unsigned k = 0; k < sizeof rs / sizeof rs[0]; k++) {
            if (rs[k].r >= 0) {
                ok++;
                continue;
            }
            refused++;
            if (rs[k].r != -DOGMA_E_NO_MEMORY && rs[k].r != -DOGMA_E_FULL) {
                t_printf("call %u under exhaustion: %s", k, t_strerror((int)-rs[k].r));
                CHECK(!"NO_MEMORY or FULL");
            }
        }
        if (rs[5].r > 0)
            t_join((uint32_t)rs[5].r); /* a badinput child without a mode: returns 0 */
        for (unsigned k = 0; k < 6; k++)
            if (k != 4 && rs[k].r > 0)
                t_dispose((uint32_t)rs[k].r);
        if (rs[2].r > 0)
            t_dispose((uint32_t)rs[2].r1); /* the channel's other end */
    }
    t_printf("under exhaustion: %u calls succeeded, %u refused", ok, refused);
    CHECK(refused > 0);
    /* A protection either holds or is refused, never lost. */
    r = DSYS4(DOGMA_SYS_region_protect, marked, 0, 64 * MB, DOGMA_PROT_NONE);
    CHECK(r.r == 0 || r.r == -DOGMA_E_NO_MEMORY);
    t_printf("a 64 MiB protect under exhaustion: %s", r.r ? t_strerror((int)-r.r) : "applied");
    t_dispose(big); /* frames again */
    if (r.r == 0)
        for (uint64_t off = 0; off < 64 * MB; off += 4 * MB)
            FAILS(DSYS2(DOGMA_SYS_debug_log, marked_base + off, 1), BAD_ADDRESS, 0);
    t_dispose(marked);
    while (DSYS0(DOGMA_SYS_stack_shrink).r >= 0)
        ;
}

int test_main(void)
{
    t_child_main(child);
    setup();
    test_numbers();
    test_handles();
    test_pointers();
    test_ranges();
    test_spawn();
    test_processes();
    test_stack_limits();
    teardown();
    test_exhaustion();
    CHECK(t_self().handles == 4);
    t_printf("badinput: all checks passed");
    return 0;
}

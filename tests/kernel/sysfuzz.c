/*
 * sysfuzz: a system-call fuzzer. A small PRNG with a fixed seed (printed
 * in the log) issues CALLS calls, most to real call numbers, some to
 * random ones, with arguments drawn from a mix of the handles it holds,
 * stale handles, small integers, boundary values, random 64-bit values,
 * addresses inside its own regions (valid buffers), near their ends,
 * read-only memory, kernel and non-canonical addresses and ranges that
 * wrap. Every failure must be a typed error whose record names the call
 * and an argument (checked after each call); whatever succeeds is kept:
 * new handles join the pool, processes it starts (spawned, mapped as
 * verified code, forked) are kept aside and ended at the end. It leaves
 * out only what would end it or block it for good: exit, unbounded
 * timeouts (wait and lock_wait get 0, so a call sleeps at most a tick),
 * and integers that happen to name its own image, grants or bookkeeping
 * handles; fault_return stays in (outside a handler it is refused). It
 * prints a table of successes and of each error, then disposes
 * everything it made; the leak check after the scenario proves the kernel
 * freed it all. Last, a child builds up many objects (touched regions,
 * channels with handles queued, stacklets, a fault handler) and fuzzes on
 * until the parent tears it down mid-way: teardown must reclaim all.
 *
 * A child started without the mode token (the fuzzer spawns this program
 * with random grants) yields a few times and returns 0.
 */
#include "dogma_user.h"

#define PAGE 4096ull
#define SEED 0x5eedf00dcafe1234ull
#define CALLS 100000
#define POOL_MAX 160
#define STALE_MAX 64
#define REGIONS_MAX 64
#define PROCS_MAX 48
#define PAIRS_MAX 64
#define READY_MAX 16
#define ARENA_PAGES 16
#define ARENA_BYTES (ARENA_PAGES * PAGE)
#define SLEEPS_MAX 40 /* calls allowed to sleep until the next tick */
#define M_HOLD 1

static struct {
    uint64_t rng;
    bool procs_allowed;      /* spawn, map_code and fork: not in the doomed child */
    uint32_t pool[POOL_MAX]; /* handles it may use (some may have gone stale) */
    uint8_t pkind[POOL_MAX]; /* the kind each had when it joined */
    unsigned npool;
    uint32_t stale[STALE_MAX];
    unsigned nstale;
    struct {
        uint64_t base, size;
    } regions[REGIONS_MAX];  /* regions it made (a ring; some gone) */
    unsigned nregions;
    uint32_t pairs[PAIRS_MAX][2]; /* channels it made (a ring): to find a peer */
    unsigned npairs;
    uint32_t ready[READY_MAX]; /* endpoints a send went to (a ring) */
    unsigned nready;
    uint32_t procs[PROCS_MAX]; /* processes it started: never in the pool */
    unsigned nprocs;
    uint64_t arena;          /* scratch buffers, its handle never in the pool */
    uint32_t arena_h, initrd_dup;
    uint64_t elf_off, elf_size; /* tests/sysfuzz in the initrd */
    unsigned sleeps;
    uint64_t ok[DOGMA_SYSCALL_MAX], failed[DOGMA_SYSCALL_MAX], unknown;
    uint32_t by_call[DOGMA_SYSCALL_MAX][DOGMA_E_COUNT]; /* errors per call */
    uint64_t codes[DOGMA_E_COUNT];
} fz;

/* ---- randomness ------------------------------------------------------------------- */

static uint64_t rnd(void)
{
    uint64_t x = fz.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    fz.rng = x;
    return x * 0x2545f4914f6cdd1dull;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static bool one_in(uint64_t n) { return below(n) == 0; }

static const uint64_t edges[] = {
    0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 64, 255, 256, 257, 4095, 4096, 4097, 0x7fffffff,
    0xffffffff, 0x100000000ull, 0x7ffffffff000ull, 1ull << 63, UINT64_MAX - 1, UINT64_MAX,
};
static const uint64_t kernel_addrs[] = {
    0xffff800000000000ull, 0xffff800000100000ull, 0xffffffff80000000ull, 0xffffffff80100000ull,
    0x800000000000ull, 0x8000000000000000ull, 0xfffffffffffff000ull,
};
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t pick_int(void)
{
    switch (below(4)) {
    case 0:
    case 1: return edges[below(LEN(edges))];
    case 2: return below(1024);
    default: return rnd();
    }
}

static uint64_t pick_handle(void)
{
    uint64_t k = below(12);
    if (k < 8 && fz.npool)
        return fz.pool[below(fz.npool)];
    if (k < 9 && fz.nstale)
        return fz.stale[below(fz.nstale)];
    if (k < 10)
        return below(64);
    if (k < 11)
        return rnd();
    return (uint32_t)rnd();
}

/* Half the time a handle of the kind asked for, if it holds one. */
static uint64_t pick_typed(unsigned kind)
{
    if (kind != DOGMA_CAP_NONE && fz.npool && one_in(2)) {
        unsigned idx[POOL_MAX], n = 0;
        for (unsigned i = 0; i < fz.npool; i++)
            if (t_kind_fits(kind, fz.pkind[i]))
                idx[n++] = i;
        if (n)
            return fz.pool[idx[below(n)]];
    }
    return pick_handle();
}

static uint64_t pick_len(void)
{
    switch (below(8)) {
    case 0: return 0;
    case 1: return 1 + below(16);
    case 2: return below(300);
    case 3: return PAGE * (1 + below(8));
    case 4: return rnd();
    case 5: return UINT64_MAX - below(4096);
    case 6: return fz.nregions ? fz.regions[below(fz.nregions)].size - below(64) : 0;
    default: return 1ull << below(64);
    }
}

/* An address for a call that touches about len bytes there. */
static uint64_t pick_addr(uint64_t len)
{
    uint64_t room = len < ARENA_BYTES ? ARENA_BYTES - len : 0;
    switch (below(14)) {
    case 0:
    case 1:
    case 2:
    case 3: return fz.arena + below(room + 1);
    case 4: return fz.arena + ARENA_BYTES - below(64); /* runs into the guard */
    case 5:
    case 6:
        if (fz.nregions) {
            unsigned i = (unsigned)below(fz.nregions);
            uint64_t b = fz.regions[i].base, s = fz.regions[i].size;
            return one_in(2) ? b + below(s < 2 * PAGE ? s : 2 * PAGE) : b + s - below(64);
        }
        return fz.arena;
    case 7: return kernel_addrs[below(LEN(kernel_addrs))] + below(PAGE);
    case 8: return below(0x10000);
    case 9: return rnd();
    case 10: return (uint64_t)t_pb + below(PAGE);     /* read-only */
    case 11: return (uint64_t)pick_int + below(64);    /* text: read-only */
    case 12: return UINT64_MAX - below(64);            /* wraps */
    default: return 0x7ffffffff000ull - below(64);     /* the top of the lower half */
    }
}

static bool in_arena(uint64_t a, uint64_t n)
{
    return a >= fz.arena && a <= fz.arena + ARENA_BYTES && n <= fz.arena + ARENA_BYTES - a;
}

/* A handle list in the arena (its values copied to out[] too), or a
 * random address. */
static uint64_t pick_handles(uint32_t out[4], unsigned *out_n)
{
    *out_n = 0;
    if (one_in(4))
        return pick_addr(16);
    uint64_t a = fz.arena + 4 * below(ARENA_BYTES / 4 - 4);
    for (unsigned i = 0; i < 4; i++) {
        out[i] = (uint32_t)(one_in(4) ? pick_handle() : pick_typed(DOGMA_CAP_ANY));
        ((uint32_t *)a)[i] = out[i];
    }
    *out_n = 4;
    return a;
}

/* ---- bookkeeping ------------------------------------------------------------------- */

static void forget(uint64_t h)
{
    for (unsigned i = 0; i < fz.npool; i++) {
        if (fz.pool[i] != h)
            continue;
        fz.pool[i] = fz.pool[--fz.npool];
        fz.pkind[i] = fz.pkind[fz.npool];
        fz.stale[fz.nstale < STALE_MAX ? fz.nstale++ : below(STALE_MAX)] = (uint32_t)h;
        return;
    }
}

static void pool_add(uint64_t h, unsigned kind)
{
    if (fz.npool < POOL_MAX) {
        fz.pkind[fz.npool] = (uint8_t)kind;
        fz.pool[fz.npool++] = (uint32_t)h;
        return;
    }
    /* Full: a random one makes room. */
    unsigned i = (unsigned)below(POOL_MAX);
    DSYS1(DOGMA_SYS_cap_dispose, fz.pool[i]);
    fz.stale[below(STALE_MAX)] = fz.pool[i];
    fz.pool[i] = (uint32_t)h;
    fz.pkind[i] = (uint8_t)kind;
}

static int pool_index(uint64_t h)
{
    for (unsigned i = 0; i < fz.npool; i++)
        if (fz.pool[i] == h)
            return (int)i;
    return -1;
}

static void note_region(uint64_t base, uint64_t size)
{
    unsigned i = fz.nregions < REGIONS_MAX ? fz.nregions++ : (unsigned)below(REGIONS_MAX);
    fz.regions[i].base = base;
    fz.regions[i].size = size;
}

static unsigned kind_of(uint64_t h)
{
    dogma_cap_info_t ci;
    return DSYS2(DOGMA_SYS_cap_info, h, &ci).r < 0 ? 0 : ci.kind;
}

/* Ends a process it started and drops the handle. */
static void proc_end(unsigned i)
{
    DSYS1(DOGMA_SYS_proc_teardown, fz.procs[i]); /* GONE if it ended */
    t_join(fz.procs[i]);
    t_dispose(fz.procs[i]);
    fz.procs[i] = fz.procs[--fz.nprocs];
}

static void proc_add(uint64_t h)
{
    /* Make room: the ended ones go, else the oldest. */
    for (unsigned i = 0; i < fz.nprocs && fz.nprocs >= PROCS_MAX / 2;) {
        uint32_t state = t_info(fz.procs[i]).state;
        if (state == DOGMA_PROC_EXITED || state == DOGMA_PROC_TORN_DOWN)
            proc_end(i);
        else
            i++;
    }
    if (fz.nprocs == PROCS_MAX)
        proc_end(0);
    fz.procs[fz.nprocs++] = (uint32_t)h;
    const uint32_t all = DOGMA_R_WAKE | DOGMA_R_SUSPEND | DOGMA_R_TEARDOWN | DOGMA_R_MONITOR |
                         DOGMA_R_DEBUG | DOGMA_R_DUP | DOGMA_R_TRANSFER;
    dsys_t d = DSYS2(DOGMA_SYS_cap_dup, h, one_in(2) ? all : rnd() & all);
    if (d.r > 0)
        pool_add(d.r, DOGMA_CAP_PROCESS);
}

/* ---- one call ---------------------------------------------------------------------- */

typedef struct {
    uint64_t nr;
    uint64_t a[6];
    uint32_t hs[4];   /* the handle list it passes, when it made one */
    unsigned nhs;
    uint64_t ngrants; /* proc_map_code: the count in the descriptor it made */
    uint32_t code;    /* a fresh code region for proc_map_code, or 0 */
    bool skip;
    bool a0_set;      /* argument 0 chosen by the call's own builder */
} fcall_t;

static uint64_t pick_timeout(void)
{
    if (fz.sleeps < SLEEPS_MAX && one_in(16)) {
        fz.sleeps++;
        return 1 + below(1000);
    }
    return 0;
}

/* An exclusive region holding either nothing (int3 everywhere) or the
 * exit42 blob: the only code a verified child of the fuzzer may run. */
static uint32_t fresh_code(uint64_t *out_size)
{
    uint64_t size = PAGE * (1 + below(2));
    dsys_t r = DSYS2(DOGMA_SYS_region_create, size, 0);
    if (r.r < 0)
        return 0;
    if (one_in(2))
        memcpy((void *)r.r1, vc_exit42, (size_t)(vc_exit42_end - vc_exit42));
    *out_size = size;
    return (uint32_t)r.r;
}

static void build_map_code(fcall_t *f)
{
    f->a[0] = one_in(4) ? pick_handle() : t_grant(1); /* LOADER: never in the pool */
    f->a0_set = true;
    uint64_t size = 0;
    if (fz.procs_allowed && one_in(2) && (f->code = fresh_code(&size))) {
        f->a[1] = f->code;
    } else {
        f->a[1] = pick_handle();
        if (kind_of(f->a[1]) == DOGMA_CAP_REGION)
            f->a[1] = fz.nstale ? fz.stale[0] : 0; /* never its data as code */
    }
    f->a[2] = one_in(2) ? below(size ? size : PAGE) : pick_int();
    if (one_in(4)) {
        f->a[3] = pick_addr(sizeof(dogma_map_code_t));
        return;
    }
    dogma_map_code_t *d = (dogma_map_code_t *)(fz.arena + 8 * below(64));
    for (unsigned k = 0; k < 30; k++)
        d->env[k] = rnd();
    d->stack_bytes = one_in(2) ? 0 : pick_int();
    d->grants = pick_handles(f->hs, &f->nhs);
    d->ngrants = (uint32_t)(one_in(2) ? below(3) : pick_int());
    f->ngrants = d->ngrants;
    d->arg = rnd();
    d->xblock = one_in(2) ? 0 : pick_addr(16);
    for (unsigned k = 0; k < sizeof d->name; k++)
        d->name[k] = (char)rnd();
    f->a[3] = (uint64_t)d;
}

static void build_spawn(fcall_t *f)
{
    bool real = fz.procs_allowed && one_in(3);
    f->a[0] = real ? fz.initrd_dup : pick_typed(DOGMA_CAP_MEMORY);
    f->a0_set = true;
    f->a[1] = real || one_in(3) ? fz.elf_off : pick_int();
    f->a[2] = real || one_in(3) ? fz.elf_size : pick_len();
    f->a[3] = pick_handles(f->hs, &f->nhs);
    f->a[4] = one_in(2) ? below(3) : pick_int();
    f->a[5] = one_in(2) ? 0 : pick_addr(32);
    if (!fz.procs_allowed)
        f->a[1] = fz.elf_off + 1 + below(64); /* never a program's first byte */
}

static void build_wait(fcall_t *f)
{
    if (one_in(4)) {
        f->a[0] = pick_addr(256);
    } else {
        dogma_wait_item_t *it = (dogma_wait_item_t *)(fz.arena + 16 * below(ARENA_BYTES / 16 - 16));
        static const unsigned waitable[] = {DOGMA_CAP_CHANNEL, DOGMA_CAP_NOTIFY, DOGMA_CAP_PROCESS};
        for (unsigned i = 0; i < 16; i++) {
            it[i].handle = one_in(8) ? 0 : (uint32_t)pick_typed(waitable[below(3)]);
            it[i].want = (uint32_t)rnd() & 0x3f;
            it[i].got = (uint32_t)rnd();
            it[i].reserved = (uint32_t)rnd();
        }
        f->a[0] = (uint64_t)it;
    }
    f->a[1] = one_in(2) ? 1 + below(3) : one_in(2) ? 1 + below(16) : pick_int();
    f->a[2] = pick_timeout();
}

static void build_lock(fcall_t *f)
{
    f->a[0] = pick_addr(4) & (one_in(8) ? ~0ull : ~3ull);
    f->a[1] = (uint32_t)rnd();
    if (f->nr == DOGMA_SYS_lock_wake) {
        f->a[1] = pick_int();
        return;
    }
    if (one_in(8))
        f->a[1] = pick_int();
    f->a[2] = 0; /* sleeps until the next tick at most */
    if (fz.sleeps < SLEEPS_MAX && in_arena(f->a[0], 4) && !(f->a[0] & 3) && one_in(8)) {
        fz.sleeps++;
        f->a[1] = *(volatile uint32_t *)f->a[0]; /* equal: it sleeps */
    }
}

static void build(fcall_t *f)
{
    uint64_t *a = f->a;
    for (unsigned i = 0; i < 6; i++)
        a[i] = pick_int();
    switch (f->nr) {
    case DOGMA_SYS_exit: f->skip = true; break;
    case DOGMA_SYS_debug_log: /* a line in the log once in a while; mostly refused */
        a[0] = pick_addr(64);
        a[1] = one_in(32) ? below(48) : pick_int() | 1024;
        break;
    case DOGMA_SYS_pb_set: a[0] = one_in(2) ? 0x10 + 8 * below(30) : pick_int(); break;
    case DOGMA_SYS_region_create:
        a[0] = one_in(4) ? pick_int() : one_in(32) ? 1ull << 30 : PAGE * (1 + below(64)) - below(PAGE);
        a[1] = one_in(16) ? pick_int() : 0;
        break;
    case DOGMA_SYS_region_info:
    case DOGMA_SYS_cap_info: a[1] = pick_addr(32); break;
    case DOGMA_SYS_region_protect:
        a[1] = one_in(3) ? pick_int() : PAGE * below(8);
        a[2] = one_in(3) ? pick_len() : PAGE * (1 + below(8));
        a[3] = one_in(4) ? pick_int() : below(3);
        break;
    case DOGMA_SYS_region_share: a[1] = one_in(4) ? pick_int() : below(2); break;
    case DOGMA_SYS_cap_dup: a[1] = one_in(4) ? pick_int() : rnd() & DOGMA_R_ALL; break;
    case DOGMA_SYS_cap_listen: a[0] = one_in(4) ? pick_int() : below(2); break;
    case DOGMA_SYS_cap_send: a[1] = pick_typed(DOGMA_CAP_ANY); break;
    case DOGMA_SYS_channel_send:
        a[1] = pick_addr(256);
        a[2] = one_in(2) ? below(300) : pick_len();
        a[3] = pick_handles(f->hs, &f->nhs);
        a[4] = one_in(4) ? pick_int() : one_in(2) ? 0 : 1 + below(4);
        break;
    case DOGMA_SYS_channel_recv:
        if ((f->a0_set = fz.nready && one_in(2)))
            a[0] = fz.ready[below(fz.nready)]; /* probably something queued */
        a[1] = pick_addr(256);
        a[2] = one_in(2) ? 256 : pick_len();
        a[3] = one_in(2) ? fz.arena + 4 * below(ARENA_BYTES / 4 - 4) : pick_addr(16);
        a[4] = one_in(2) ? 4 : pick_int();
        break;
    case DOGMA_SYS_wait: build_wait(f); break;
    case DOGMA_SYS_lock_wait:
    case DOGMA_SYS_lock_wake: build_lock(f); break;
    case DOGMA_SYS_proc_spawn: build_spawn(f); break;
    case DOGMA_SYS_proc_map_code: build_map_code(f); break;
    case DOGMA_SYS_proc_info: a[1] = pick_addr(200); break;
    case DOGMA_SYS_self_info: a[0] = pick_addr(200); break;
    case DOGMA_SYS_fork: f->skip = !fz.procs_allowed || !one_in(8); break;
    case DOGMA_SYS_stack_grow: a[0] = one_in(2) ? 1 + below(1u << 20) : pick_int(); break;
    case DOGMA_SYS_fault_handler:
        a[0] = one_in(3) ? 0 : one_in(2) ? pick_addr(0) : pick_int();
        a[2] = rnd();
        break;
    case DOGMA_SYS_ioport_in:
    case DOGMA_SYS_ioport_out:
        if ((f->a0_set = one_in(3)))
            a[0] = t_grant(2); /* the grant itself: these calls never consume it */
        a[1] = one_in(2) ? 0x3ff : one_in(2) ? 0x3fe + below(3) : pick_int();
        a[2] = one_in(2) ? 1 : one_in(2) ? below(6) : pick_int();
        a[3] = rnd();
        break;
    case DOGMA_SYS_token_create: a[0] = rnd(); break;
    case DOGMA_SYS_dev_create: /* never a real device's ports: writes there are not a
                                  kernel test (0x64 resets the machine, QEMU's UART asserts) */
        a[0] = one_in(4) ? pick_int() : DOGMA_CAP_IRQ + below(3);
        if (a[0] == DOGMA_CAP_IOPORT) {
            a[1] = one_in(2) ? 0x3ff : 0x10000 + below(100);
            a[2] = a[1] == 0x3ff ? 1 : pick_int(); /* wider: QEMU asserts */
        } else if (a[0] == DOGMA_CAP_IRQ) {
            a[1] = one_in(2) ? below(16) : pick_int();
        }
        break;
    case DOGMA_SYS_proc_open: /* any process but this one: it would tear itself down */
        a[0] = one_in(2) ? 2 + below(40) : pick_int();
        if (a[0] == t_self().pid)
            a[0]++;
        f->a0_set = true; /* a pid, not a handle: never redrawn */
        break;
    default: break;
    }
    /* Argument 0 of a handle call: mostly a handle of its kind. */
    const t_call_t *c = t_call(f->nr);
    if (c && c->kind != DOGMA_CAP_NONE && !f->a0_set)
        a[0] = one_in(8) ? pick_int() : pick_typed(c->kind);
    dogma_cap_info_t ci;
    if (f->nr == DOGMA_SYS_cap_dup && !one_in(4) && DSYS2(DOGMA_SYS_cap_info, a[0], &ci).r >= 0)
        a[1] = ci.rights & rnd(); /* a subset of what it has */
}

/* The oracle: every failure is a typed error with a record naming the
 * call and the argument; a handle above 32 bits is never accepted. */
static void check(const fcall_t *f, dsys_t r)
{
    const t_call_t *c = t_call(f->nr);
    if (r.r < 0) {
        uint64_t code = (uint64_t)-r.r;
        dogma_error_record_t e = t_last_error();
        bool ok = code >= 1 && code < DOGMA_E_COUNT && e.code == code &&
                  e.syscall == (f->nr > 0xffffffffull ? 0xffffffffull : f->nr) &&
                  (e.arg <= 5 || e.arg == 0xff) && (e.arg > 5 || e.value == f->a[e.arg]) &&
                  (c || code == DOGMA_E_BAD_SYSCALL);
        if (!ok) {
            t_printf("call %lu (%s) failed with %ld; record: %s call %u argument %u value %lx",
                     f->nr, c ? c->name : "?", r.r, t_strerror((int)e.code), e.syscall, e.arg,
                     e.value);
            CHECK(!"a well-formed failure");
        }
        fz.codes[code]++;
    } else {
        if (!c) {
            t_printf("call %lx without a number succeeded", f->nr);
            CHECK(!"unknown numbers are refused");
        }
        fz.codes[0]++;
    }
    if (c && c->kind != DOGMA_CAP_NONE && f->a[0] > 0xffffffffull && r.r != -DOGMA_E_BAD_HANDLE) {
        t_printf("%s accepted handle %lx", c->name, f->a[0]);
        CHECK(!"handles above 32 bits are refused");
    }
    if (f->nr < DOGMA_SYSCALL_MAX && c) {
        (r.r < 0 ? fz.failed : fz.ok)[f->nr]++;
        if (r.r < 0)
            fz.by_call[f->nr][-r.r]++;
    }
    else
        fz.unknown++;
}

/* Keeps what a successful call made; forgets what it moved away. */
static void harvest(const fcall_t *f, dsys_t r)
{
    if (r.r == -DOGMA_E_NOT_LISTENING)
        forget(f->a[1]); /* disposed by the refusal */
    if (f->code && (r.r < 0 || f->nr != DOGMA_SYS_proc_map_code))
        DSYS1(DOGMA_SYS_cap_dispose, f->code);
    if (r.r < 0)
        return;
    switch (f->nr) {
    case DOGMA_SYS_region_create:
        pool_add(r.r, DOGMA_CAP_REGION);
        note_region(r.r1, (f->a[0] + PAGE - 1) & ~(PAGE - 1));
        break;
    case DOGMA_SYS_region_share:
        if (f->a[1] == DOGMA_SHARE_VIEW && pool_index(f->a[0]) >= 0)
            fz.pkind[pool_index(f->a[0])] = DOGMA_CAP_VIEW;
        break;
    case DOGMA_SYS_cap_dup:
    case DOGMA_SYS_cap_receive: pool_add(r.r, kind_of(r.r)); break;
    case DOGMA_SYS_notify_create: pool_add(r.r, DOGMA_CAP_NOTIFY); break;
    case DOGMA_SYS_token_create: pool_add(r.r, DOGMA_CAP_TOKEN); break;
    case DOGMA_SYS_channel_create: {
        pool_add(r.r, DOGMA_CAP_CHANNEL);
        pool_add(r.r1, DOGMA_CAP_CHANNEL);
        uint32_t *pr = fz.pairs[fz.npairs++ % PAIRS_MAX];
        pr[0] = (uint32_t)r.r;
        pr[1] = (uint32_t)r.r1;
        break;
    }
    case DOGMA_SYS_channel_recv:
        for (uint64_t i = 0; i < r.r1; i++) {
            uint32_t h = ((volatile uint32_t *)f->a[3])[i]; /* written just now: held */
            pool_add(h, kind_of(h));
        }
        break;
    case DOGMA_SYS_cap_dispose: forget(f->a[0]); break;
    case DOGMA_SYS_cap_send: forget(f->a[1]); break;
    case DOGMA_SYS_channel_send:
        for (unsigned i = 0; i < PAIRS_MAX && i < fz.npairs; i++)
            for (unsigned k = 0; k < 2; k++)
                if (fz.pairs[i][k] == f->a[0])
                    fz.ready[fz.nready < READY_MAX ? fz.nready++ : below(READY_MAX)] =
                        fz.pairs[i][1 - k];
        /* fall through */
    case DOGMA_SYS_proc_spawn:
    case DOGMA_SYS_proc_map_code: {
        uint64_t n = f->nr == DOGMA_SYS_proc_map_code ? f->ngrants : f->a[4];
        for (uint64_t i = 0; i < n && i < f->nhs; i++)
            forget(f->hs[i]);
        if (f->nr != DOGMA_SYS_channel_send)
            proc_add(r.r);
        break;
    }
    case DOGMA_SYS_fork: proc_add(r.r); break;
    case DOGMA_SYS_proc_open: proc_add(r.r); break; /* torn down at the end, as children */
    case DOGMA_SYS_dev_create:
    case DOGMA_SYS_phys_map: pool_add(r.r, kind_of(r.r)); break;
    default: break;
    }
}

/* Handles whose loss would end the fuzzer or its bookkeeping: its image,
 * its grants, the arena, the initrd view it spawns from, the processes it
 * started. */
static bool is_protected(uint64_t v)
{
    if (v == t_pb32(DOGMA_PB_IMAGE) || v == fz.arena_h || v == fz.initrd_dup)
        return v != 0;
    for (unsigned i = 0; i < t_ngrants(); i++)
        if (v == t_grant(i))
            return true;
    for (unsigned i = 0; i < fz.nprocs; i++)
        if (v == fz.procs[i])
            return true;
    return false;
}

static void fuzz_one(void)
{
    fcall_t f = {0};
    do {
        f = (fcall_t){0};
        f.nr = one_in(16) ? (one_in(2) ? below(100) : rnd()) : t_calls[below(t_ncalls)].nr;
        build(&f);
    } while (f.skip);
    /* An integer that happens to name a protected handle (4097 is the
     * image's) is drawn again; the builders' own choices for argument 0
     * (the loader, the initrd view) are never consumed by their call. */
    for (unsigned i = f.a0_set ? 1 : 0; i < 6; i++)
        while (is_protected(f.a[i]))
            f.a[i] = pick_int();
    dsys_t r;
    if (f.nr == DOGMA_SYS_fork)
        r = (dsys_t){t_fork_exit0(f.a[0], f.a[1]), 0};
    else
        r = dsys(f.nr, f.a[0], f.a[1], f.a[2], f.a[3], f.a[4], f.a[5]);
    check(&f, r);
    harvest(&f, r);
}

/* ---- setup, report, cleanup ----------------------------------------------------------- */

static void setup(uint64_t seed, bool procs)
{
    fz.rng = seed;
    fz.procs_allowed = procs;
    fz.arena_h = t_region(ARENA_BYTES, &fz.arena);
    for (uint64_t i = 0; i < ARENA_BYTES / 8; i++)
        ((uint64_t *)fz.arena)[i] = rnd();
}

static void report(void)
{
    t_printf("sysfuzz: %u calls, seed %lx: %lu succeeded, %lu to unknown numbers", CALLS,
             (uint64_t)SEED, fz.codes[0], fz.unknown);
    for (unsigned e = 1; e < DOGMA_E_COUNT; e++)
        if (fz.codes[e])
            t_printf("  %-16s %6lu", t_strerror((int)e), fz.codes[e]);
    /* Per call: successes, calls, and the most frequent error. */
    char line[200];
    size_t n = 0;
    for (unsigned i = 0; i < t_ncalls; i++) {
        uint64_t nr = t_calls[i].nr;
        unsigned top = 0;
        for (unsigned e = 1; e < DOGMA_E_COUNT; e++)
            if (fz.by_call[nr][e] > fz.by_call[nr][top])
                top = e;
        n += t_snprintf(line + n, sizeof line - n, " %s %lu/%lu%s%s", t_calls[i].name, fz.ok[nr],
                        fz.ok[nr] + fz.failed[nr], top ? " " : "", top ? t_strerror((int)top) : "");
        if (n > 110 || i + 1 == t_ncalls) {
            t_printf(" ok/calls:%s", line);
            n = 0;
        }
    }
}

static void cleanup(uint64_t handles_before)
{
    while (fz.nprocs)
        proc_end(fz.nprocs - 1);
    /* proc_open reached processes no handle of ours tracks (a fork child's
     * own children, say) and may have suspended them: as process 1, end
     * every other process there is. */
    dogma_proc_info_t pi;
    uint64_t self = t_self().pid;
    for (int64_t pid = 0; (pid = DSYS2(DOGMA_SYS_proc_next, pid, &pi).r) > 0;) {
        if ((uint64_t)pid == self)
            continue;
        dsys_t h = DSYS1(DOGMA_SYS_proc_open, pid);
        if (h.r > 0) {
            DSYS1(DOGMA_SYS_proc_teardown, h.r);
            t_dispose((uint32_t)h.r);
        }
    }
    while (fz.npool)
        DSYS1(DOGMA_SYS_cap_dispose, fz.pool[--fz.npool]); /* stale ones: BAD_HANDLE */
    OK(DSYS1(DOGMA_SYS_cap_listen, 0));
    for (dsys_t r; (r = DSYS0(DOGMA_SYS_cap_receive)).r > 0;)
        t_dispose((uint32_t)r.r); /* device capabilities back to process 1 */
    while (DSYS0(DOGMA_SYS_stack_shrink).r >= 0)
        ;
    OK(DSYS3(DOGMA_SYS_fault_handler, 0, 0, 0));
    t_dispose(fz.arena_h);
    t_dispose(fz.initrd_dup);
    dogma_proc_info_t me = t_self();
    if (me.handles != handles_before) {
        t_printf("%lu handles left, %lu before:", me.handles, handles_before);
        dsys_t h = DSYS1(DOGMA_SYS_proc_open, me.pid);
        dogma_cap_info_t ci;
        for (int64_t slot = 1; h.r > 0 && (slot = DSYS3(DOGMA_SYS_proc_caps, h.r, slot, &ci).r) > 0;)
            t_printf("  slot %ld: kind %u rights %x object %lx", slot - 1, ci.kind, ci.rights,
                     ci.object);
    }
    CHECK(me.handles == handles_before);
}

/* ---- the child torn down mid-way ----------------------------------------------------------- */

static void handler_never_runs(uint64_t arg, dogma_fault_info_t *info)
{
    (void)arg;
    t_printf("a fault in the doomed child at %lx", info->address);
    t_exit(3);
}

/* Builds up objects the fuzzing cannot dispose (they are not in its
 * pool), then fuzzes until it is torn down. */
static int hold_child(void)
{
    setup(SEED ^ 0xdeadull, false);
    for (unsigned i = 0; i < 40; i++) {
        uint64_t base;
        t_region(PAGE * (1 + i % 8), &base);
        note_region(base, PAGE * (1 + i % 8)); /* its addresses are fair game */
        for (unsigned p = 0; p <= i % 8; p++)
            ((volatile uint64_t *)(base + p * PAGE))[p] = i;
    }
    for (unsigned i = 0; i < 10; i++) {
        uint32_t other, ch = t_channel(&other);
        for (unsigned m = 0; m < 8; m++) {
            uint32_t hs[2] = {t_notify(), (uint32_t)OK(DSYS1(DOGMA_SYS_token_create, m))};
            OK(DSYS5(DOGMA_SYS_channel_send, ch, fz.arena, 64, hs, 2));
        }
    }
    for (unsigned i = 0; i < 40; i++)
        OK(DSYS1(DOGMA_SYS_token_create, i));
    for (unsigned i = 0; i < 3; i++)
        OK(DSYS1(DOGMA_SYS_stack_grow, 64 * 1024 << i));
    OK(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler_never_runs, 64 * 1024, 0));
    OK(DSYS1(DOGMA_SYS_cap_listen, 1));
    OK(DSYS2(DOGMA_SYS_notify_signal, t_grant(1), 1));
    for (;;)
        fuzz_one(); /* until the parent tears it down */
}

static void test_teardown_midway(void)
{
    uint32_t ready = t_notify();
    uint32_t g = t_dup(ready, DOGMA_R_SIGNAL | DOGMA_R_TRANSFER);
    uint32_t p = t_spawn_mode("sysfuzz", M_HOLD, &g, 1, NULL);
    dogma_wait_item_t it[2] = {{.handle = ready, .want = DOGMA_SIG_NOTIFIED},
                               {.handle = p, .want = DOGMA_SIG_EXITED}};
    OK(DSYS3(DOGMA_SYS_wait, it, 2, UINT64_MAX));
    CHECK(it[0].got == DOGMA_SIG_NOTIFIED && it[1].got == 0);
    /* Let it fuzz a while: it never ends by itself. */
    dogma_wait_item_t w = {.handle = p, .want = DOGMA_SIG_EXITED};
    FAILS(DSYS3(DOGMA_SYS_wait, &w, 1, 100 * 1000 * 1000), TIMED_OUT, 2);
    dogma_proc_info_t i = t_info(p);
    t_printf("the child holds %lu handles, %lu KiB, %lu stacklets; tearing it down", i.handles,
             i.memory_bytes / 1024, i.stacklets);
    CHECK(i.handles >= 100 && i.memory_bytes >= 150 * PAGE && i.stacklets >= 4);
    OK(DSYS1(DOGMA_SYS_proc_teardown, p));
    i = t_expect_torn_down(p, 0);
    CHECK(i.handles == 0 && i.memory_bytes == 0);
    t_dispose(ready);
}

int test_main(void)
{
    if (t_ngrants() == 2 && t_child_mode() == M_HOLD)
        return hold_child();
    if (t_pb64(DOGMA_PB_INITRD) == 0) {
        /* Spawned by the fuzzer with whatever grants: live a little (for
         * its yield_to, suspend, resume and teardown), then end. */
        for (unsigned i = 0; i < 20; i++)
            DSYS0(DOGMA_SYS_yield);
        return 0;
    }
    uint64_t before = t_self().handles;
    setup(SEED, true);
    CHECK(t_initrd_find("tests/sysfuzz", &fz.elf_off, &fz.elf_size));
    fz.initrd_dup = t_dup(t_grant(0), DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER);
    pool_add(t_dup(t_grant(2), DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER),
             DOGMA_CAP_IOPORT);
    t_printf("sysfuzz: seed %lx, %u calls", (uint64_t)SEED, CALLS);
    uint64_t t0 = t_rdtsc();
    for (unsigned i = 0; i < CALLS; i++)
        fuzz_one();
    uint64_t cycles = t_rdtsc() - t0;
    report();
    t_printf("sysfuzz: %lu processes started; %lu M cycles", (uint64_t)fz.nprocs, cycles >> 20);
    cleanup(before);
    test_teardown_midway();
    t_printf("sysfuzz: all checks passed");
    return 0;
}

/*
 * fault-handler: fault handlers as section 20 of spec/abi.md describes
 * them. A registered handler runs on a fresh stacklet when a page does
 * not allow a touch, with its closure argument in rdi and a
 * dogma_fault_info_t in rsi (address, rip, rsp, kind, write) on that
 * stacklet; it removes the cause with region_protect and fault_return
 * (RESUME) runs the faulting instruction again, which then succeeds, with
 * every register the faulting code had (general, flags, vector) intact,
 * however the handler used them. Repeated faults reuse the handler's
 * stacklet; a handler may resume without a fix and see the fault again.
 * A handler asking for teardown ends the process; so does a fault inside
 * the handler, a fault with no handler or after it was removed, and any
 * exception that is not a page fault (#GP, #UD: the handler never runs).
 * Kinds: write to read-only, not readable, unmapped (kernel addresses and
 * instruction fetches from data included), stack (a stacklet's guard).
 * fault_return outside a handler is STATE and ends nothing; bad
 * registrations are BAD_ARG.
 *
 * Children are this same program, told what to do by a token granted
 * first (its tag says the mode, its maker must be the parent).
 */
#include "dogma_user.h"

#define PAGE 4096ull
#define CLOSURE_ARG 0x1234abcd5678ef00ull
#define HANDLER_STACK (32 * 1024)
#define GOOD_EXIT 7 /* a child's handler found the info it expected */

enum {
    M_TEARDOWN = 1,  /* the handler asks for teardown */
    M_FAULT_INSIDE,  /* the handler itself faults */
    M_NO_HANDLER,    /* a fault with no handler */
    M_REMOVED,       /* a fault after the handler was removed */
    M_UNMAPPED,      /* a touch outside every region: handler exits GOOD_EXIT */
    M_KERNEL,        /* a read of kernel memory: handler exits GOOD_EXIT */
    M_STACK,         /* a touch of the stacklet's guard: handler exits GOOD_EXIT */
    M_EXEC_DATA,     /* a call into a data page: handler exits GOOD_EXIT */
    M_BAD_ENTRY,     /* the handler's entry is a data page */
    M_NONCANONICAL,  /* #GP: the handler never runs */
    M_UD2,           /* #UD: the handler never runs */
};

enum { A_FIX, A_FIX_ON_THIRD, A_TEARDOWN, A_FAULT_AGAIN, A_CHECK_EXIT };

void fh_regs_probe(volatile uint32_t *target, uint64_t *out);
extern const char fh_probe_insn[];
extern const uint64_t fh_xmm0[2], fh_xmm7[2], fh_xmm15[2];

/* What the handler saw (written on the handler's stacklet, read after). */
static volatile struct {
    int action;
    uint32_t region;           /* A_FIX: what to make read-write again */
    uint64_t off, len;
    uint64_t expect_kind, expect_addr, expect_write; /* A_CHECK_EXIT */
    uint64_t runs;
    uint64_t arg, info_at, frame;
    uint64_t stack_base, stack_top; /* the block's stacklet fields, inside */
    dogma_fault_info_t info;
} hs;

static dsys_t protect(uint32_t h, uint64_t off, uint64_t len, uint64_t prot)
{
    return DSYS4(DOGMA_SYS_region_protect, h, off, len, prot);
}

static void handler(uint64_t arg, dogma_fault_info_t *info)
{
    hs.runs++;
    hs.arg = arg;
    hs.info_at = (uint64_t)info;
    hs.frame = (uint64_t)__builtin_frame_address(0);
    hs.stack_base = t_pb64(DOGMA_PB_STACK_BASE);
    hs.stack_top = t_pb64(DOGMA_PB_STACK_TOP);
    hs.info = *info;
    /* Whatever the handler does to registers must not reach the
     * faulting code. */
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tpxor %%xmm7, %%xmm7\n\tpcmpeqd %%xmm15, %%xmm15"
                     ::: "xmm0", "xmm7", "xmm15");
    switch (hs.action) {
    case A_FIX_ON_THIRD:
        if (hs.runs < 3)
            break;
        /* fall through */
    case A_FIX:
        OK(protect(hs.region, hs.off, hs.len, DOGMA_PROT_RW));
        break;
    case A_TEARDOWN:
        DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_TEARDOWN);
        t_printf("fault_return(TEARDOWN) came back");
        t_exit(2);
    case A_FAULT_AGAIN:
        ((volatile uint64_t *)hs.expect_addr)[0] = 1; /* read-only still */
        t_printf("the fault inside the handler was let through");
        t_exit(3);
    case A_CHECK_EXIT: {
        bool ok = info->kind == hs.expect_kind && info->address == hs.expect_addr &&
                  info->write == hs.expect_write && arg == CLOSURE_ARG;
        if (!ok)
            t_printf("handler: kind %u address %lx write %u arg %lx", info->kind, info->address,
                     info->write, arg);
        t_exit(ok ? GOOD_EXIT : 4);
    }
    }
    DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_RESUME);
    t_printf("fault_return(RESUME) came back");
    t_exit(5);
}

static void set_handler(void)
{
    OK(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler, HANDLER_STACK, CLOSURE_ARG));
}

/* ---- children --------------------------------------------------------------------- */

/* Two pages, the first read-only; the base. */
static uint64_t ro_region(uint32_t *out_h)
{
    uint64_t base;
    *out_h = t_region(2 * PAGE, &base);
    OK(protect(*out_h, 0, PAGE, DOGMA_PROT_RO));
    return base;
}

/* The handler makes page 0 of h read-write again at each fault. */
static void fix_on_fault(uint32_t h)
{
    hs.action = A_FIX;
    hs.region = h;
    hs.off = 0;
    hs.len = PAGE;
    hs.runs = 0;
    set_handler();
}

static void expect_fault(uint64_t kind, uint64_t addr, bool write)
{
    hs.action = A_CHECK_EXIT;
    hs.expect_kind = kind;
    hs.expect_addr = addr;
    hs.expect_write = write;
    set_handler();
}

static int child(uint64_t mode)
{
    uint32_t h;
    uint64_t base = ro_region(&h);
    volatile uint64_t *ro = (volatile uint64_t *)base;
    switch (mode) {
    case M_TEARDOWN:
        hs.action = A_TEARDOWN;
        set_handler();
        ro[0] = 1;
        return 1;
    case M_FAULT_INSIDE:
        hs.action = A_FAULT_AGAIN;
        hs.expect_addr = base + 8;
        set_handler();
        ro[0] = 1;
        return 1;
    case M_REMOVED:
        set_handler();
        OK(DSYS3(DOGMA_SYS_fault_handler, 0, 0, 0));
        /* fall through */
    case M_NO_HANDLER:
        ro[0] = 1;
        return 1;
    case M_UNMAPPED:
        expect_fault(DOGMA_FAULT_UNMAPPED, 0x2000, false);
        t_printf("read %lx", *(volatile uint64_t *)0x2000);
        return 1;
    case M_KERNEL:
        expect_fault(DOGMA_FAULT_UNMAPPED, 0xffffffff80000000ull, false);
        t_printf("read %lx", *(volatile uint64_t *)0xffffffff80000000ull);
        return 1;
    case M_STACK: {
        uint64_t guard = t_pb64(DOGMA_PB_STACK_BASE) - PAGE; /* the guard's first byte */
        expect_fault(DOGMA_FAULT_STACK, guard + 64, true);
        *(volatile uint64_t *)(guard + 64) = 1;
        return 1;
    }
    case M_EXEC_DATA: {
        uint64_t data = base + PAGE;
        ((volatile uint8_t *)data)[0] = 0xc3; /* ret: harmless if it ran */
        expect_fault(DOGMA_FAULT_UNMAPPED, data, false);
        ((void (*)(void))data)();
        return 1;
    }
    case M_BAD_ENTRY:
        OK(DSYS3(DOGMA_SYS_fault_handler, base + PAGE, HANDLER_STACK, 0));
        ro[0] = 1;
        return 1;
    case M_NONCANONICAL:
        set_handler();
        t_printf("read %lx", *(volatile uint64_t *)0x8000000000000000ull);
        return 1;
    case M_UD2:
        set_handler();
        __asm__ volatile("ud2");
        return 1;
    }
    t_printf("unknown mode %lu", mode);
    return 1;
}

/* ---- the scenario ------------------------------------------------------------------- */

static void expect_child(uint64_t mode, uint32_t state, int64_t status, uint32_t reason,
                         uint64_t faults)
{
    uint32_t p = t_spawn_mode("fault-handler", mode, NULL, 0, NULL);
    t_join(p);
    dogma_proc_info_t i = t_info(p);
    if (i.state != state || i.exit_status != status || i.teardown_reason != reason ||
        i.faults != faults) {
        t_printf("mode %lu: state %u status %ld reason %#x faults %lu", mode, i.state,
                 i.exit_status, i.teardown_reason, i.faults);
        CHECK(!"the child ended as expected");
    }
    CHECK(i.handles == 0);
    t_dispose(p);
}

static void test_registration(void)
{
    FAILS(DSYS3(DOGMA_SYS_fault_handler, 0x10, HANDLER_STACK, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, PAGE - 1, HANDLER_STACK, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, 0xffff800000000000ull, HANDLER_STACK, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, 0xffffffff80000000ull, HANDLER_STACK, 0), BAD_ARG, 0);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler, 0, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler, 16 * 1024 * 1024 + 1, 0), BAD_ARG, 1);
    FAILS(DSYS3(DOGMA_SYS_fault_handler, (uint64_t)handler, UINT64_MAX, 0), BAD_ARG, 1);
    OK(DSYS3(DOGMA_SYS_fault_handler, 0, 0, 0)); /* none to remove: fine */
    OK(DSYS3(DOGMA_SYS_fault_handler, 0, UINT64_MAX, 99));

    /* Outside a handler fault_return is refused and ends nothing. */
    FAILS(DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_RESUME), STATE, -1);
    CHECK(t_last_error().arg == 0xff);
    FAILS(DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_TEARDOWN), STATE, -1);
    FAILS(DSYS1(DOGMA_SYS_fault_return, 2), BAD_ARG, 0);
    FAILS(DSYS1(DOGMA_SYS_fault_return, UINT64_MAX), BAD_ARG, 0);
    set_handler();
    FAILS(DSYS1(DOGMA_SYS_fault_return, DOGMA_FAULT_TEARDOWN), STATE, -1); /* registered, not in one */
}

static void test_resume(void)
{
    uint32_t h;
    uint64_t base = ro_region(&h);
    volatile uint64_t *b = (volatile uint64_t *)base;
    uint64_t main_base = t_pb64(DOGMA_PB_STACK_BASE), main_top = t_pb64(DOGMA_PB_STACK_TOP);
    dogma_proc_info_t before = t_self();

    fix_on_fault(h);
    b[3] = 42; /* faults; the handler makes the page writable; the write runs again */
    CHECK(b[3] == 42);
    CHECK(hs.runs == 1);
    CHECK(hs.arg == CLOSURE_ARG);
    CHECK(hs.info.address == base + 24);
    CHECK(hs.info.kind == DOGMA_FAULT_WRITE_READONLY && hs.info.write == 1);
    CHECK(hs.info.rsp >= main_base && hs.info.rsp < main_top);
    /* The handler ran on a stacklet of its own, the info on it. */
    CHECK(hs.stack_base != main_base);
    CHECK(hs.stack_top - hs.stack_base >= HANDLER_STACK);
    CHECK(hs.info_at >= hs.stack_base && hs.info_at + sizeof(dogma_fault_info_t) <= hs.stack_top);
    CHECK(hs.info_at % 16 == 0);
    CHECK(hs.frame >= hs.stack_base && hs.frame < hs.stack_top);
    /* ... and that stacklet is gone again. */
    CHECK(t_pb64(DOGMA_PB_STACK_BASE) == main_base && t_pb64(DOGMA_PB_STACK_TOP) == main_top);
    dogma_proc_info_t after = t_self();
    CHECK(after.faults == before.faults + 1);

    /* Not readable: a read, fixed and resumed, sees the page's data. */
    b[PAGE / 8] = 0x77;
    OK(protect(h, PAGE, PAGE, DOGMA_PROT_NONE));
    hs.off = PAGE;
    CHECK(b[PAGE / 8] == 0x77);
    CHECK(hs.runs == 2 && hs.info.kind == DOGMA_FAULT_NOT_READABLE && hs.info.write == 0);
    CHECK(hs.info.address == base + PAGE);

    /* Many faults: the handler's stacklet is the spare each time. */
    for (uint64_t i = 0; i < 20; i++) {
        OK(protect(h, 0, PAGE, DOGMA_PROT_RO));
        hs.off = 0;
        b[5] = i;
        CHECK(b[5] == i);
    }
    CHECK(hs.runs == 22);
    dogma_proc_info_t many = t_self();
    CHECK(many.faults == before.faults + 22);
    CHECK(many.stacklets <= after.stacklets + 1);

    /* A resume without a fix faults again: the handler sees it twice more
     * and fixes it the third time. */
    OK(protect(h, 0, PAGE, DOGMA_PROT_RO));
    hs.action = A_FIX_ON_THIRD;
    hs.runs = 0;
    b[6] = 6;
    CHECK(b[6] == 6 && hs.runs == 3);
    t_dispose(h);
}

static void test_registers(void)
{
    uint32_t h;
    uint64_t base = ro_region(&h);
    fix_on_fault(h);
    uint64_t out[22];
    memset(out, 0, sizeof out);
    fh_regs_probe((volatile uint32_t *)(base + 16), out);
    CHECK(hs.runs == 1);
    CHECK(hs.info.rip == (uint64_t)fh_probe_insn);
    CHECK(hs.info.address == base + 16 && hs.info.write == 1);
    CHECK(*(volatile uint32_t *)(base + 16) == 0x5a5a5a5a);
    static const uint64_t want[] = {
        0x1111111111111101, 0x2222222222222202, 0x3333333333333303, 0x4444444444444404,
        0x5555555555555505, 0x6666666666666606, 0x0808080808080808, 0x0909090909090909,
        0x1010101010101010, 0x1111111111111111, 0x1212121212121212, 0x1313131313131313,
        0x1414141414141414, 0x1515151515151515,
    };
    static const char *const names[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rbp", "r8",
                                        "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (unsigned i = 0; i < 14; i++) {
        if (out[i] != want[i])
            t_printf("%s is %lx after the resume, was %lx", names[i], out[i], want[i]);
        CHECK(out[i] == want[i]);
    }
    CHECK(out[14] == base + 16);  /* rdi */
    CHECK(out[15] & 1);           /* the carry flag */
    CHECK(out[16] == fh_xmm0[0] && out[17] == fh_xmm0[1]);
    CHECK(out[18] == fh_xmm7[0] && out[19] == fh_xmm7[1]);
    CHECK(out[20] == fh_xmm15[0] && out[21] == fh_xmm15[1]);
    t_dispose(h);
}

static void test_children(void)
{
    const uint32_t TORN = DOGMA_PROC_TORN_DOWN, EXITED = DOGMA_PROC_EXITED;
    expect_child(M_TEARDOWN, TORN, -1, DOGMA_FAULT_WRITE_READONLY, 1);
    expect_child(M_FAULT_INSIDE, TORN, -1, DOGMA_FAULT_WRITE_READONLY, 1);
    expect_child(M_NO_HANDLER, TORN, -1, DOGMA_FAULT_WRITE_READONLY, 0);
    expect_child(M_REMOVED, TORN, -1, DOGMA_FAULT_WRITE_READONLY, 0);
    expect_child(M_UNMAPPED, EXITED, GOOD_EXIT, 0, 1);
    expect_child(M_KERNEL, EXITED, GOOD_EXIT, 0, 1);
    expect_child(M_STACK, EXITED, GOOD_EXIT, 0, 1);
    expect_child(M_EXEC_DATA, EXITED, GOOD_EXIT, 0, 1);
    expect_child(M_BAD_ENTRY, TORN, -1, DOGMA_FAULT_UNMAPPED, 1);
    expect_child(M_NONCANONICAL, TORN, -1, 0x100 + 13, 0);
    expect_child(M_UD2, TORN, -1, 0x100 + 6, 0);
}

int test_main(void)
{
    t_child_main(child);
    test_registration();
    test_resume();
    test_registers();
    OK(DSYS3(DOGMA_SYS_fault_handler, 0, 0, 0));
    test_children();
    t_printf("fault-handler: all checks passed");
    return 0;
}

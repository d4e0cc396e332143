/*
 * test=user:NAME: runs the static test program tests/NAME from the initrd
 * as a hardware-isolated process and judges it.
 *
 * The program gets the boot grants a trusted first process would (a
 * read-only view of the initrd, LOADER, the COM1 scratch port; programs
 * named dev-* also a physical-memory view of the initrd's frames, the RTC's
 * interrupt line 8 and its ports 0x70-0x71) and must
 * exit with status 0 after every process it started has ended. Then every
 * reference the kernel held goes, and the machine must be exactly as
 * before: the same free frames, the same live heap objects, no kernel
 * object of any kind left. That is the leak check every scenario gets.
 */
#include <arch/arch.h>
#include <kern/fmt.h>
#include <kern/heap.h>
#include <kern/initrd.h>
#include <kern/ipc.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/log.h>
#include <kern/pmm.h>
#include <kern/proc.h>
#include <kern/region.h>
#include <kern/sched.h>
#include <kern/string.h>

#define USER_TEST_SECONDS 45
#define COM1_SCRATCH 0x3ff
#define RTC_IRQ 8
#define RTC_PORTS 0x70

static uint64_t give_up_at;

static bool all_ended_or_late(void)
{
    return proc_live == 0 || arch_uptime_ns() > give_up_at;
}

static const mb2_module_t *find_initrd(const mb2_info_t *boot)
{
    for (size_t i = 0; i < boot->n_modules; i++)
        if (strcmp(boot->modules[i].string, "initrd") == 0)
            return &boot->modules[i];
    return NULL;
}

typedef struct {
    size_t free_frames, heap_objects, regions;
    size_t kobjs[DOGMA_CAP_NKINDS];
} snapshot_t;

static void snap(snapshot_t *s)
{
    heap_trim(&kheap);
    s->free_frames = kpmm.free_frames;
    s->heap_objects = heap_stats(&kheap).objects_live;
    s->regions = region_count();
    memcpy(s->kobjs, kobj_live, sizeof s->kobjs);
}

static bool same(const snapshot_t *a, const snapshot_t *b)
{
    bool ok = a->free_frames == b->free_frames && a->heap_objects == b->heap_objects &&
              a->regions == b->regions;
    log_info("test", "leak check: free frames %zu -> %zu, heap objects %zu -> %zu, regions %zu -> %zu",
             a->free_frames, b->free_frames, a->heap_objects, b->heap_objects, a->regions,
             b->regions);
    for (unsigned k = 0; k < DOGMA_CAP_NKINDS; k++) {
        if (a->kobjs[k] != b->kobjs[k]) {
            log_err("test", "leak check: %zu kernel objects of kind %u before, %zu after",
                    a->kobjs[k], k, b->kobjs[k]);
            ok = false;
        }
    }
    return ok;
}

/* For dev-* programs: a physical view of the initrd, the RTC's line and
 * ports (the RTC can be made to interrupt, harmlessly). */
static bool device_grants(proc_t *p, region_t *initrd)
{
    paddr_t base = region_frame(initrd, initrd->base, false);
    kobj_t *phys = cap_new_phys(base, initrd->npages * PAGE_SIZE);
    irqobj_t *rtc = ipc_irq_create(RTC_IRQ);
    kobj_t *ports = cap_new_ioport(RTC_PORTS, 2);
    if (!phys || !rtc || !ports)
        return false;
    return loader_grant(p, phys, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER) &&
           loader_grant(p, &rtc->obj, DOGMA_R_WAIT | DOGMA_R_DUP | DOGMA_R_TRANSFER) &&
           loader_grant(p, ports, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_DUP | DOGMA_R_TRANSFER);
}

/* Starts the test program; NULL with a logged reason. */
static proc_t *start_program(const char *name, region_t *initrd, uint64_t tar_size)
{
    char path[80];
    fmt_snprintf(path, sizeof path, "tests/%s", name);
    initrd_file_t f;
    initrd_err_t ie = initrd_find(arch_phys_to_virt(region_frame(initrd, initrd->base, false)),
                                  tar_size, path, &f);
    if (ie) {
        log_err("test", "%s: %s", path, initrd_strerror(ie));
        return NULL;
    }
    region_reader_t rr = {initrd, f.offset};
    vaddr_t entry;
    dogma_err_t err;
    elf_error_t ee = {0};
    proc_t *p = loader_spawn_elf(loader_region_read, &rr, f.size, name, 0, &entry, &err, &ee);
    if (!p) {
        log_err("test", "%s: cannot start: %s%s%s", path,
                err == DOGMA_E_BAD_ELF ? "bad ELF: " : "out of memory",
                err == DOGMA_E_BAD_ELF ? ee.rule : "", "");
        return NULL;
    }
    kobj_retain(&initrd->obj);
    kobj_t *loader = cap_new_loader(), *port = cap_new_ioport(COM1_SCRATCH, 1);
    if (!loader || !port)
        kpanic("out of memory for the boot grants");
    loader_grant(p, &initrd->obj, DOGMA_R_READ | DOGMA_R_DUP | DOGMA_R_TRANSFER);
    proc_pb_write64(p, DOGMA_PB_INITRD, *(uint32_t *)(p->pbk + DOGMA_PB_GRANTS));
    proc_pb_write64(p, DOGMA_PB_ARG, tar_size);
    loader_grant(p, loader, DOGMA_R_LOAD | DOGMA_R_TRANSFER | DOGMA_R_DUP);
    loader_grant(p, port, DOGMA_R_READ | DOGMA_R_WRITE | DOGMA_R_TRANSFER | DOGMA_R_DUP);
    if (strncmp(name, "dev-", 4) == 0 && !device_grants(p, initrd))
        kpanic("out of memory for the device grants");
    proc_start(p, entry, proc_pb_va(p), 0, proc_pb_va(p));
    return p;
}

bool ktest_user_run(const char *name, const mb2_info_t *boot)
{
    const mb2_module_t *m = find_initrd(boot);
    if (!m || (m->start & (PAGE_SIZE - 1))) {
        log_err("test", "no page-aligned initrd module");
        return false;
    }
    snapshot_t before, after;
    snap(&before);
    uint64_t tar_size = m->end - m->start;
    region_t *initrd = region_create_fixed(m->start, ALIGN_UP(tar_size, PAGE_SIZE) / PAGE_SIZE,
                                           REGION_SHARED);
    proc_t *p = initrd ? start_program(name, initrd, tar_size) : NULL;
    if (!p)
        return false;
    kobj_retain(&p->obj);
    give_up_at = arch_uptime_ns() + USER_TEST_SECONDS * 1000000000ull;
    sched_run_until(all_ended_or_late);
    bool ok = true;
    if (proc_live) {
        log_err("test", "%lu processes still running after %d s:", proc_live, USER_TEST_SECONDS);
        proc_log_all();
        return false;
    }
    if (p->state != PROC_EXITED || p->exit_status != 0) {
        log_err("test", "%s %s with status %ld", name,
                p->state == PROC_EXITED ? "exited" : "was torn down", p->exit_status);
        ok = false;
    }
    kobj_release(&p->obj);
    kobj_release(&initrd->obj);
    snap(&after);
    return same(&before, &after) && ok;
}

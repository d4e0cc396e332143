/*
 * The ELF loader for hardware-isolated processes (include/kern/loader.h).
 *
 * The image becomes one region spanning every segment, owned by the new
 * process and mapped only in its private page table: text pages
 * read-execute, read-only data read-only, data and bss read-write, the
 * gaps between segments non-readable. A static PIE goes wherever the
 * address allocator puts it, with its RELATIVE relocations applied; a
 * fixed-address executable goes at its own addresses, if they are free.
 */
#include <kern/heap.h>
#include <kern/loader.h>
#include <kern/log.h>
#include <kern/string.h>

#define PF_X 1
#define PF_W 2

bool loader_region_read(void *ctx, uint64_t off, void *dst, size_t n)
{
    region_reader_t *rr = ctx;
    region_t *r = rr->r;
    uint64_t size = r->npages * PAGE_SIZE;
    uint64_t at = rr->offset + off;
    if (at < off || at > size || n > size - at)
        return false;
    uint8_t *d = dst;
    while (n) {
        vaddr_t va = r->base + at;
        size_t o = va & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - o);
        paddr_t f = region_frame(r, va - o, false);
        if (f)
            memcpy(d, (uint8_t *)arch_phys_to_virt(f) + o, chunk);
        else
            memset(d, 0, chunk); /* a page never touched reads as zeros */
        d += chunk;
        at += chunk;
        n -= chunk;
    }
    return true;
}

bool loader_grant(proc_t *p, kobj_t *o, uint32_t rights)
{
    uint32_t n = *(uint32_t *)(p->pbk + DOGMA_PB_NGRANTS);
    if (n >= DOGMA_MAX_GRANTS)
        return false;
    uint32_t h = cap_insert(p, o, rights);
    if (!h)
        return false;
    proc_pb_write32(p, DOGMA_PB_GRANTS + 4 * n, h);
    proc_pb_write32(p, DOGMA_PB_NGRANTS, n + 1);
    return true;
}

static bool copy_segment(region_t *img, uint64_t base, const elf_segment_t *s, elf_read_fn read,
                         void *ctx)
{
    uint8_t buf[512];
    for (uint64_t done = 0; done < s->filesz;) {
        size_t n = MIN(sizeof buf, s->filesz - done);
        if (!read(ctx, s->offset + done, buf, n) || !region_write(img, base + s->vaddr + done, buf, n))
            return false;
        done += n;
    }
    return true;
}

/* Page protections from the segments: everything else non-readable.
 * false when out of memory for the page entries. */
static bool protect_image(region_t *img, const elf_image_t *e)
{
    size_t span = img->npages * PAGE_SIZE;
    if (!region_entries(img, 0, span))
        return false;
    region_protect(img, 0, span, DOGMA_PROT_NONE);
    for (unsigned i = 0; i < e->nsegs; i++) {
        const elf_segment_t *s = &e->segs[i];
        uint64_t lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE) - e->lo;
        uint64_t hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - e->lo;
        region_protect(img, lo, hi - lo, (s->flags & PF_W) ? DOGMA_PROT_RW : DOGMA_PROT_RO);
        if (s->flags & PF_X)
            region_set_exec(img, lo, hi - lo);
    }
    return true;
}

static bool relocate(region_t *img, uint64_t base, const elf_image_t *e, elf_read_fn read,
                     void *ctx, elf_error_t *err)
{
    for (uint64_t i = 0; i < e->rela_count; i++) {
        uint64_t where, value;
        if (!elf_reloc(e, read, ctx, i, base, &where, &value, err))
            return false;
        if (!region_write(img, where, &value, sizeof value)) {
            err->rule = NULL; /* out of memory, not the file's fault */
            return false;
        }
    }
    return true;
}

proc_t *loader_spawn_elf(elf_read_fn read, void *ctx, uint64_t size, const char *name,
                         uint64_t parent_pid, vaddr_t *out_entry, dogma_err_t *out_err,
                         elf_error_t *out_elf)
{
    elf_image_t *e = kmalloc(sizeof *e);
    *out_err = DOGMA_E_NO_MEMORY;
    if (!e)
        return NULL;
    if (!elf_parse(read, ctx, size, e, out_elf)) {
        *out_err = DOGMA_E_BAD_ELF;
        kfree(e);
        return NULL;
    }
    proc_t *p = proc_create(DOGMA_PROC_ISOLATED, name, parent_pid, 0);
    region_t *img = NULL;
    if (p)
        img = e->pie ? region_create(p, (e->hi - e->lo) / PAGE_SIZE, 0)
                     : region_create_at(p, e->lo, (e->hi - e->lo) / PAGE_SIZE, 0);
    out_elf->rule = NULL;
    if (p && !img && !e->pie) {
        *out_err = DOGMA_E_BAD_ELF;
        *out_elf = (elf_error_t){0, "its fixed addresses are in use"};
    }
    uint64_t base = img ? img->base - e->lo : 0;
    bool ok = img != NULL;
    for (unsigned i = 0; ok && i < e->nsegs; i++)
        ok = copy_segment(img, base, &e->segs[i], read, ctx);
    if (ok && !relocate(img, base, e, read, ctx, out_elf)) {
        ok = false;
        if (out_elf->rule)
            *out_err = DOGMA_E_BAD_ELF;
    }
    if (ok)
        ok = protect_image(img, e);
    if (ok) {
        uint32_t h = cap_insert(p, &img->obj, DOGMA_R_READ | DOGMA_R_WRITE);
        ok = h != 0;
        if (ok)
            proc_pb_write32(p, DOGMA_PB_IMAGE, h);
    }
    *out_entry = base + e->entry;
    kfree(e);
    if (ok)
        return p;
    if (img)
        kobj_release(&img->obj);
    if (p)
        proc_end(p, PROC_TORN_DOWN, -1, 0);
    return NULL;
}

/*
 * Checked copies between the kernel and user memory (include/kern/uaccess.h).
 *
 * Page by page: the region under the address must be one the process
 * holds (a handle, or its own stacklet or block), the page must allow the
 * access (readable; for writes also writable: exclusive, not code, not a
 * process block, not marked read-only), and its frame is found or made.
 * The copy goes through the direct map, never through the user mapping,
 * so a page the process cannot reach is never touched.
 */
#include <arch/arch.h>
#include <kern/proc.h>
#include <kern/pmm.h>
#include <kern/region.h>
#include <kern/string.h>
#include <kern/uaccess.h>
#include <kern/vrange.h>

/* The frame behind the page at va for the access, or an error. */
/* A physical view may cover device memory, which the direct map leaves
 * out (and which a copy could have side effects on): the kernel's copies
 * reach only RAM. */
static bool is_ram(paddr_t f)
{
    for (size_t i = 0; i < kpmm.n_usable; i++)
        if (f >= kpmm.usable[i].base && f < kpmm.usable[i].end)
            return true;
    return false;
}

static dogma_err_t user_page(proc_t *p, vaddr_t va, bool write, paddr_t *out)
{
    region_t *r = region_find(va);
    uint32_t rights = r ? region_rights(r, p) : 0;
    if (!(rights & (write ? DOGMA_R_WRITE : DOGMA_R_READ | DOGMA_R_WRITE)))
        return DOGMA_E_BAD_ADDRESS; /* not held, or not with the right */
    size_t page = (va - r->base) / PAGE_SIZE;
    if ((r->flags & REGION_STACK) && page == 0)
        return DOGMA_E_BAD_ADDRESS; /* the guard */
    unsigned prot = region_page_prot(r, page);
    if ((prot & RPAGE_PROT_MASK) == DOGMA_PROT_NONE)
        return DOGMA_E_BAD_ADDRESS;
    if (write && (prot & RPAGE_EXEC))
        return DOGMA_E_BAD_ADDRESS; /* W^X: code is never written */
    if (write && (prot != DOGMA_PROT_RW ||
                  (r->flags & (REGION_SHARED | REGION_CODE | REGION_PB))))
        return DOGMA_E_BAD_ADDRESS;
    paddr_t f = write ? region_frame_w(r, va) : region_frame(r, va, true);
    if (!f)
        return DOGMA_E_NO_MEMORY;
    if ((r->flags & REGION_FIXED) && !is_ram(f))
        return DOGMA_E_BAD_ADDRESS; /* device memory: not through the direct map */
    *out = f;
    return DOGMA_E_OK;
}

static dogma_err_t check_range(uptr_t a, size_t n)
{
    /* Both tests: the end must not wrap, and must stay in the lower half. */
    if (a.addr + n < a.addr || a.addr + n > VRANGE_USER_HI)
        return DOGMA_E_BAD_ADDRESS;
    return DOGMA_E_OK;
}

static dogma_err_t walk(proc_t *p, uptr_t a, size_t n, bool write, uint8_t *kbuf, bool to_user)
{
    dogma_err_t e = check_range(a, n);
    if (e)
        return e;
    while (n) {
        size_t off = a.addr & (PAGE_SIZE - 1);
        size_t chunk = MIN(n, PAGE_SIZE - off);
        paddr_t f;
        if ((e = user_page(p, a.addr - off, write, &f)))
            return e;
        uint8_t *k = (uint8_t *)arch_phys_to_virt(f) + off;
        if (kbuf) {
            if (to_user)
                memcpy(k, kbuf, chunk);
            else
                memcpy(kbuf, k, chunk);
            kbuf += chunk;
        }
        a.addr += chunk;
        n -= chunk;
    }
    return DOGMA_E_OK;
}

dogma_err_t uaccess_check(proc_t *p, uptr_t a, size_t n, bool write)
{
    return walk(p, a, n, write, NULL, false);
}

dogma_err_t uaccess_copy_in(proc_t *p, void *dst, uptr_t src, size_t n)
{
    return walk(p, src, n, false, dst, false);
}

dogma_err_t uaccess_copy_out(proc_t *p, uptr_t dst, const void *src, size_t n)
{
    /* Within one page the one check is the copy's own; otherwise check the
     * whole range first, so a failure writes nothing. */
    if ((dst.addr & (PAGE_SIZE - 1)) + n <= PAGE_SIZE)
        return walk(p, dst, n, true, (uint8_t *)src, true);
    dogma_err_t e = walk(p, dst, n, true, NULL, false);
    return e ? e : walk(p, dst, n, true, (uint8_t *)src, true);
}

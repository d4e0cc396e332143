/*
 * The start block (dogma/imports.h): read once with start_info, checked,
 * and turned into argv/envp arrays and a grant list.
 *
 * The block comes from the loader, which the module trusts; it is checked
 * all the same, because it is cheap and a malformed block would otherwise
 * turn into reads past the buffer in every program: the size must match,
 * the grants must fit, and every string must end inside the block.
 */
#include <stdlib.h>
#include <string.h>

#include <dogma.h>

static dogma_start_t start_parsed;
static int start_state; /* 0 not read yet, 1 parsed, -1 none or malformed */

/* Fills p from the block at b (size bytes, already copied). */
static int start_parse(dogma_start_t *p, char *b, uint32_t size)
{
    dogma_start_header_t h;
    if (size < sizeof h)
        return -1;
    memcpy(&h, b, sizeof h);
    if (h.magic != DOGMA_START_MAGIC || h.size != size)
        return -1;
    /* Bound each count by the bytes it needs before multiplying. */
    uint32_t room = size - (uint32_t)sizeof h;
    if (h.ngrants > room / sizeof(dogma_start_grant_t))
        return -1;
    room -= h.ngrants * (uint32_t)sizeof(dogma_start_grant_t);
    if (h.argc > room || h.envc > room - h.argc) /* each string takes >= 1 byte */
        return -1;
    const char **v = malloc(((size_t)h.argc + h.envc + 2) * sizeof *v);
    if (!v)
        return -1;
    char *s = b + (size - room), *end = b + size;
    for (uint32_t i = 0; i < h.argc + h.envc; i++) {
        char *nul = memchr(s, 0, (size_t)(end - s));
        if (!nul) {
            free(v);
            return -1;
        }
        v[i < h.argc ? i : i + 1] = s;
        s = nul + 1;
    }
    v[h.argc] = NULL;
    v[h.argc + h.envc + 1] = NULL;
    p->argc = h.argc;
    p->envc = h.envc;
    p->ngrants = h.ngrants;
    p->argv = v;
    p->envp = v + h.argc + 1;
    p->grants = (const dogma_start_grant_t *)(void *)(b + sizeof h);
    return 0;
}

const dogma_start_t *dogma_start(void)
{
    if (start_state)
        return start_state > 0 ? &start_parsed : NULL;
    start_state = -1;
    int64_t size = dogma_start_info(NULL, 0);
    if (size < (int64_t)sizeof(dogma_start_header_t) || size > (int64_t)UINT32_MAX)
        return NULL;
    /* The block is kept for good: argv and envp point into it. */
    char *b = malloc((size_t)size);
    if (!b)
        return NULL;
    if (dogma_start_info(b, (uint32_t)size) != size ||
        start_parse(&start_parsed, b, (uint32_t)size) != 0) {
        free(b);
        return NULL;
    }
    start_state = 1;
    return &start_parsed;
}

uint32_t dogma_grant_by_role(const char *role)
{
    const dogma_start_t *p = dogma_start();
    size_t n = strlen(role);
    if (!p || n > DOGMA_START_ROLE)
        return 0;
    for (uint32_t i = 0; i < p->ngrants; i++) {
        const dogma_start_grant_t *g = &p->grants[i];
        /* A role of exactly DOGMA_START_ROLE bytes has no NUL. */
        if (memcmp(g->role, role, n) == 0 && (n == DOGMA_START_ROLE || g->role[n] == 0))
            return g->handle;
    }
    return 0;
}

const char *dogma_strerror(int64_t code)
{
    static const char *const text[] = {
#define DOGMA_ERR_TEXT(name, num, str) [num] = str,
        DOGMA_ERRORS(DOGMA_ERR_TEXT)
#undef DOGMA_ERR_TEXT
    };
    if (code < 0)
        code = -code;
    if (code >= (int64_t)(sizeof text / sizeof text[0]) || !text[code])
        return "unknown error";
    return text[code];
}

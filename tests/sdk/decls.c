/* References every declaration of dogma.h, through the X-macro of
 * dogma/imports.h: a name the header lacks fails to compile, and
 * check-decls.sh compares the types of the imports that result with the
 * X-macro's. */
#include <stdint.h>

#include <dogma.h>

typedef void (*fn_t)(void);

static const fn_t all[] = {
#define REF(id, name, params, results) (fn_t)dogma_##name,
    DOGMA_IMPORTS(REF)
#undef REF
};

volatile uintptr_t sink;

int main(void)
{
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
        sink += (uintptr_t)all[i];
    return 0;
}

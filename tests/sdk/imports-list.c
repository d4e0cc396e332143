/* Prints the `dogma` imports of dogma/imports.h, one per line:
 * NAME PARAMS RESULTS (type letters, '-' for none), for check-decls.sh. */
#include <stdio.h>

#include <dogma/imports.h>

int main(void)
{
#define LIST(id, name, params, results) \
    printf("%s %s %s\n", #name, params[0] ? params : "-", results[0] ? results : "-");
    DOGMA_IMPORTS(LIST)
#undef LIST
    return 0;
}

/* Prints its arguments (argv[0] aside, which differs between the native
 * and the WebAssembly run) and one environment variable. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] \"%s\"\n", i, argv[i]);
    const char *g = getenv("DOGMA_GREETING");
    printf("DOGMA_GREETING %s\n", g ? g : "(unset)");
    return 0;
}

/*
 * status.c: how a wasi-libc program ends (exit.sh; README.md).
 *
 *   status                 prints a line, returns 0
 *   status return N        returns N from main
 *   status exit N          calls exit(N) (after printing, unflushed)
 *   status abort           calls abort(): a trap
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "return") == 0)
        return atoi(argv[2]);
    if (argc > 2 && strcmp(argv[1], "exit") == 0) {
        printf("exiting with %s\n", argv[2]); /* exit flushes stdout */
        exit(atoi(argv[2]));
    }
    if (argc > 1 && strcmp(argv[1], "abort") == 0)
        abort();
    printf("no arguments\n");
    return 0;
}

/*
 * A seed built against wasi-libc: a realistic module with WASI imports,
 * a large code section (printf, qsort, malloc), data and a function table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    (void)argv;
    int n = 64 + argc;
    int *v = malloc((size_t)n * sizeof *v);
    if (!v)
        return 1;
    for (int i = 0; i < n; i++)
        v[i] = (i * 7919) % 101 - 50;
    qsort(v, (size_t)n, sizeof *v, cmp);
    char line[64];
    snprintf(line, sizeof line, "min %d max %d %.3f", v[0], v[n - 1], v[n / 2] / 3.0);
    puts(line);
    free(v);
    return (int)strlen(line) == 0;
}

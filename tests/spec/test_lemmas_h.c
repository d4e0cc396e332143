/*
 * Checks the generated lemmas.h against spec/lemmas/: one entry per file,
 * in name order, each text byte for byte the file's. What verifierd embeds
 * is then exactly what the spec.lemma.* cases prove.
 *
 *   test_lemmas_h LEMMA-DIR COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lemmas.h"

static int check(const char *dir, const spec_lemma_t *l)
{
    char path[4096], text[65536];
    snprintf(path, sizeof path, "%s/%s.smt2", dir, l->name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("FAIL: %s: no file %s\n", l->name, path);
        return 1;
    }
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    if (strcmp(text, l->smt2) != 0) {
        printf("FAIL: %s: the embedded text differs from %s\n", l->name, path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s LEMMA-DIR COUNT\n", argv[0]);
        return 2;
    }
    int bad = 0;
    size_t want = strtoul(argv[2], NULL, 10);
    if (SPEC_NLEMMAS != want) {
        printf("FAIL: %zu lemmas embedded, %zu files\n", (size_t)SPEC_NLEMMAS, want);
        bad = 1;
    }
    for (size_t i = 0; i < SPEC_NLEMMAS; i++) {
        bad |= check(argv[1], &spec_lemmas[i]);
        if (i > 0 && strcmp(spec_lemmas[i - 1].name, spec_lemmas[i].name) >= 0) {
            printf("FAIL: %s is out of order\n", spec_lemmas[i].name);
            bad = 1;
        }
    }
    printf("%zu lemmas embedded\n", (size_t)SPEC_NLEMMAS);
    return bad;
}

/*
 * The kernel command line: space-separated words, each "key=value" or a bare
 * "key". cmdline_get copies the value of the last occurrence of a key;
 * values cannot contain spaces (nothing needs them yet).
 */
#include <kern/cmdline.h>
#include <kern/string.h>

/* The next word at or after *p: its start, with its length in *out_len
 * (0 at the end of the line); *p moves past it. */
static const char *next_word(const char **p, size_t *out_len)
{
    while (**p == ' ')
        (*p)++;
    const char *word = *p;
    while (**p && **p != ' ')
        (*p)++;
    *out_len = (size_t)(*p - word);
    return word;
}

bool cmdline_get(const char *cmdline, const char *key, char *out_val, size_t size)
{
    size_t klen = strlen(key), wlen;
    bool found = false;
    const char *p = cmdline;

    while (*p) {
        const char *word = next_word(&p, &wlen);
        if (wlen < klen || strncmp(word, key, klen) != 0)
            continue;
        if (wlen == klen) { /* bare key */
            if (size)
                out_val[0] = 0;
            found = true;
        } else if (word[klen] == '=') {
            size_t vlen = MIN(wlen - klen - 1, size ? size - 1 : 0);
            if (size) {
                memcpy(out_val, word + klen + 1, vlen);
                out_val[vlen] = 0;
            }
            found = true;
        }
    }
    return found;
}

bool cmdline_get_uint(const char *cmdline, const char *key, uint64_t *out_val)
{
    char buf[24];
    if (!cmdline_get(cmdline, key, buf, sizeof buf) || !buf[0])
        return false;
    if (strlen(buf) == sizeof buf - 1)
        return false; /* perhaps cut short: no number is that long */
    uint64_t v = 0;
    for (const char *c = buf; *c; c++) {
        if (*c < '0' || *c > '9')
            return false; /* not a number */
        uint64_t digit = (uint64_t)(*c - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return false; /* does not fit 64 bits */
        v = v * 10 + digit;
    }
    *out_val = v;
    return true;
}

static bool key_known(const char *word, size_t wlen, const char *const *known)
{
    for (const char *const *k = known; *k; k++) {
        size_t klen = strlen(*k);
        if (wlen >= klen && strncmp(word, *k, klen) == 0 &&
            (wlen == klen || word[klen] == '='))
            return true;
    }
    return false;
}

void cmdline_for_unknown(const char *cmdline, const char *const *known,
                         void (*fn)(const char *word, size_t len))
{
    const char *p = cmdline;
    size_t wlen;
    while (*p) {
        const char *word = next_word(&p, &wlen);
        if (wlen && !key_known(word, wlen, known))
            fn(word, wlen);
    }
}

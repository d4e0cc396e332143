/*
 * A JSON generator, tokenizer, recursive-descent parser and printer.
 *
 * A random document of SIZE top-level values (nested objects and arrays,
 * integers, doubles, booleans, null, and strings with quotes, control
 * characters and 2- and 3-byte UTF-8) is built as a tree, printed compact
 * (raw UTF-8) and pretty (indented, non-ASCII as \u escapes), and both
 * texts are parsed back. Each parse must equal the original tree, and
 * printing the parsed compact text again must give the same bytes. Doubles
 * are printed with %.17g and read with strtod, which round-trips exactly
 * in any correctly rounding C library. It exercises character dispatch
 * (a switch per token and per escape), recursion, a growable string
 * buffer (realloc, memcpy), snprintf/strtod/strtoll, UTF-8 encoding and
 * decoding with shifts and masks, and many small mallocs and frees.
 * Output: sizes, token counts and hashes of both texts.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_RNG_SEED 0xc0ffee11u
#include "prog.h"

enum jtype { J_NULL, J_FALSE, J_TRUE, J_INT, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
    enum jtype type;
    int64_t i;
    double d;
    char *str;             /* J_STR's bytes, NUL-terminated UTF-8 (no NUL inside) */
    char *key;             /* the member's key when the parent is an object */
    struct jv *child;      /* first element or member */
    struct jv *next;       /* next sibling */
} jv_t;

typedef struct {
    char *buf;
    size_t len, cap;
} sb_t;

static void sb_put(sb_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->buf = realloc(b->buf, cap);
        if (b->buf == NULL)
            exit(3);
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_puts(sb_t *b, const char *s) { sb_put(b, s, strlen(s)); }

static jv_t *jv_new(enum jtype t)
{
    jv_t *v = calloc(1, sizeof *v);
    if (v == NULL)
        exit(3);
    v->type = t;
    return v;
}

static void jv_free(jv_t *v)
{
    while (v != NULL) {
        jv_t *next = v->next;
        jv_free(v->child);
        free(v->str);
        free(v->key);
        free(v);
        v = next;
    }
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    o[0] = (char)(0xe0 | cp >> 12);
    o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

static char *gen_string(uint32_t maxlen)
{
    static const uint32_t specials[] = {'"', '\\', '\n', '\t', 0x01, 0x1f, 0xe9, 0x3bb, 0x20ac};
    uint32_t n = rng() % (maxlen + 1);
    char *s = malloc(3 * (size_t)n + 1), *o = s;

    if (s == NULL)
        exit(3);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rng() % 16;
        uint32_t cp = r < 12 ? 'a' + rng() % 26 : r < 13 ? ' ' : specials[rng() % 9];
        o += put_utf8(o, cp);
    }
    *o = '\0';
    return s;
}

static jv_t *gen_value(int depth)
{
    uint32_t r = rng() % (depth >= 5 ? 6 : 9), r1, r2;
    jv_t *v, **tail;

    switch (r) {
    case 0: return jv_new(J_NULL);
    case 1: return jv_new(rng() & 1 ? J_TRUE : J_FALSE);
    case 2: case 3:
        v = jv_new(J_INT); /* one call per statement: C leaves the order within one open */
        r1 = rng();
        r2 = rng();
        v->i = (int64_t)((uint64_t)r1 << 32 | 0x5555) * (r2 & 1 ? 1 : -1) >> (r2 % 60);
        return v;
    case 4:
        v = jv_new(J_NUM);
        r1 = rng();
        r2 = rng();
        v->d = ldexp((double)(int32_t)r1, (int)(r2 % 80) - 60);
        return v;
    case 5:
        v = jv_new(J_STR);
        v->str = gen_string(12);
        return v;
    default:
        v = jv_new(r == 6 ? J_ARR : J_OBJ);
        tail = &v->child;
        for (uint32_t n = rng() % 7; n > 0; n--) {
            *tail = gen_value(depth + 1);
            if (v->type == J_OBJ)
                (*tail)->key = gen_string(8);
            tail = &(*tail)->next;
        }
        return v;
    }
}

/* ---- printing ---- */

static uint32_t get_utf8(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t cp;

    if (s[0] < 0x80)
        cp = s[0], *p += 1;
    else if (s[0] < 0xe0)
        cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f), *p += 2;
    else
        cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f), *p += 3;
    return cp;
}

static void print_string(sb_t *b, const char *str, int ascii)
{
    const unsigned char *p = (const unsigned char *)str;
    char tmp[8];

    sb_put(b, "\"", 1);
    while (*p != '\0') {
        const unsigned char *start = p;
        uint32_t cp = get_utf8(&p);
        switch (cp) {
        case '"': sb_put(b, "\\\"", 2); break;
        case '\\': sb_put(b, "\\\\", 2); break;
        case '\n': sb_put(b, "\\n", 2); break;
        case '\t': sb_put(b, "\\t", 2); break;
        default:
            if (cp < 0x20 || (ascii && cp >= 0x80)) {
                snprintf(tmp, sizeof tmp, "\\u%04" PRIx32, cp);
                sb_puts(b, tmp);
            } else {
                sb_put(b, (const char *)start, (size_t)(p - start));
            }
        }
    }
    sb_put(b, "\"", 1);
}

static void print_value(sb_t *b, const jv_t *v, int pretty, int indent)
{
    char tmp[40];

    switch (v->type) {
    case J_NULL: sb_puts(b, "null"); break;
    case J_FALSE: sb_puts(b, "false"); break;
    case J_TRUE: sb_puts(b, "true"); break;
    case J_INT:
        snprintf(tmp, sizeof tmp, "%" PRId64, v->i);
        sb_puts(b, tmp);
        break;
    case J_NUM:
        snprintf(tmp, sizeof tmp, "%.17g", v->d);
        if (strpbrk(tmp, ".e") == NULL)
            strcat(tmp, ".0"); /* keep it a double when read back */
        sb_puts(b, tmp);
        break;
    case J_STR: print_string(b, v->str, pretty); break;
    case J_ARR:
    case J_OBJ:
        sb_put(b, v->type == J_ARR ? "[" : "{", 1);
        for (const jv_t *c = v->child; c != NULL; c = c->next) {
            if (pretty) {
                sb_put(b, "\n", 1);
                for (int k = 0; k < indent + 2; k++)
                    sb_put(b, " ", 1);
            }
            if (v->type == J_OBJ) {
                print_string(b, c->key, pretty);
                sb_puts(b, pretty ? ": " : ":");
            }
            print_value(b, c, pretty, indent + 2);
            if (c->next != NULL)
                sb_put(b, ",", 1);
        }
        if (pretty && v->child != NULL) {
            sb_put(b, "\n", 1);
            for (int k = 0; k < indent; k++)
                sb_put(b, " ", 1);
        }
        sb_put(b, v->type == J_ARR ? "]" : "}", 1);
        break;
    }
}

/* ---- tokenizer and parser ---- */

enum tok { T_EOF, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COLON, T_COMMA, T_STR, T_NUM,
           T_TRUE, T_FALSE, T_NULL, T_ERR, T_COUNT };

typedef struct {
    const char *p;
    enum tok tok;
    sb_t text;               /* a string token's decoded bytes, or a number's text */
    uint32_t counts[T_COUNT];
} lexer_t;

static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

static enum tok lex_string(lexer_t *lx)
{
    char tmp[4];

    lx->text.len = 0;
    sb_put(&lx->text, "", 0);
    for (;;) {
        char c = *lx->p++;
        if (c == '"')
            return T_STR;
        if (c == '\0' || (unsigned char)c < 0x20)
            return T_ERR;
        if (c != '\\') {
            sb_put(&lx->text, &c, 1);
            continue;
        }
        switch (*lx->p++) {
        case '"': sb_put(&lx->text, "\"", 1); break;
        case '\\': sb_put(&lx->text, "\\", 1); break;
        case '/': sb_put(&lx->text, "/", 1); break;
        case 'n': sb_put(&lx->text, "\n", 1); break;
        case 't': sb_put(&lx->text, "\t", 1); break;
        case 'r': sb_put(&lx->text, "\r", 1); break;
        case 'b': sb_put(&lx->text, "\b", 1); break;
        case 'f': sb_put(&lx->text, "\f", 1); break;
        case 'u':
            if (strspn(lx->p, "0123456789abcdefABCDEF") < 4)
                return T_ERR;
            sb_put(&lx->text, tmp, put_utf8(tmp, hex4(lx->p)));
            lx->p += 4;
            break;
        default:
            return T_ERR;
        }
    }
}

static enum tok lex(lexer_t *lx)
{
    enum tok t;

    while (*lx->p == ' ' || *lx->p == '\n' || *lx->p == '\t' || *lx->p == '\r')
        lx->p++;
    switch (*lx->p) {
    case '\0': t = T_EOF; break;
    case '{': t = T_LBRACE, lx->p++; break;
    case '}': t = T_RBRACE, lx->p++; break;
    case '[': t = T_LBRACK, lx->p++; break;
    case ']': t = T_RBRACK, lx->p++; break;
    case ':': t = T_COLON, lx->p++; break;
    case ',': t = T_COMMA, lx->p++; break;
    case '"': lx->p++, t = lex_string(lx); break;
    case 't': t = strncmp(lx->p, "true", 4) == 0 ? (lx->p += 4, T_TRUE) : T_ERR; break;
    case 'f': t = strncmp(lx->p, "false", 5) == 0 ? (lx->p += 5, T_FALSE) : T_ERR; break;
    case 'n': t = strncmp(lx->p, "null", 4) == 0 ? (lx->p += 4, T_NULL) : T_ERR; break;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        size_t n = strspn(lx->p, "-+.eE0123456789");
        lx->text.len = 0;
        sb_put(&lx->text, lx->p, n);
        lx->p += n;
        t = T_NUM;
        break;
    }
    default: t = T_ERR; break;
    }
    lx->counts[t]++;
    return lx->tok = t;
}

static char *dup_text(const sb_t *b)
{
    char *s = malloc(b->len + 1);
    if (s == NULL)
        exit(3);
    memcpy(s, b->buf, b->len + 1);
    return s;
}

static jv_t *parse_value(lexer_t *lx);

/* After '[' or '{': elements until the closing bracket. */
static jv_t *parse_container(lexer_t *lx, enum jtype type)
{
    jv_t *v = jv_new(type), **tail = &v->child;
    enum tok close = type == J_ARR ? T_RBRACK : T_RBRACE;

    if (lex(lx) == close)
        return v;
    for (;;) {
        char *key = NULL;
        if (type == J_OBJ) {
            if (lx->tok != T_STR)
                break;
            key = dup_text(&lx->text);
            if (lex(lx) != T_COLON) {
                free(key);
                break;
            }
            lex(lx);
        }
        if ((*tail = parse_value(lx)) == NULL) {
            free(key);
            break;
        }
        (*tail)->key = key;
        tail = &(*tail)->next;
        if (lex(lx) == close)
            return v;
        if (lx->tok != T_COMMA)
            break;
        lex(lx);
    }
    jv_free(v);
    return NULL;
}

/* Parses the value starting at the current token. */
static jv_t *parse_value(lexer_t *lx)
{
    jv_t *v;

    switch (lx->tok) {
    case T_NULL: return jv_new(J_NULL);
    case T_TRUE: return jv_new(J_TRUE);
    case T_FALSE: return jv_new(J_FALSE);
    case T_STR:
        v = jv_new(J_STR);
        v->str = dup_text(&lx->text);
        return v;
    case T_NUM:
        if (strpbrk(lx->text.buf, ".eE") != NULL) {
            v = jv_new(J_NUM);
            v->d = strtod(lx->text.buf, NULL);
        } else {
            v = jv_new(J_INT);
            v->i = strtoll(lx->text.buf, NULL, 10);
        }
        return v;
    case T_LBRACK: return parse_container(lx, J_ARR);
    case T_LBRACE: return parse_container(lx, J_OBJ);
    default: return NULL;
    }
}

static jv_t *parse(const char *text, uint32_t *counts)
{
    lexer_t lx = {text, T_EOF, {NULL, 0, 0}, {0}};
    jv_t *v;

    lex(&lx);
    v = parse_value(&lx);
    if (v != NULL && lex(&lx) != T_EOF) {
        jv_free(v);
        v = NULL;
    }
    if (counts != NULL)
        memcpy(counts, lx.counts, sizeof lx.counts);
    free(lx.text.buf);
    return v;
}

static int jv_equal(const jv_t *a, const jv_t *b)
{
    for (; a != NULL && b != NULL; a = a->next, b = b->next) {
        if (a->type != b->type || (a->key == NULL) != (b->key == NULL) ||
            (a->key != NULL && strcmp(a->key, b->key) != 0))
            return 0;
        if ((a->type == J_INT && a->i != b->i) || (a->type == J_NUM && a->d != b->d) ||
            (a->type == J_STR && strcmp(a->str, b->str) != 0) || !jv_equal(a->child, b->child))
            return 0;
    }
    return a == NULL && b == NULL;
}

static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

int main(int argc, char **argv)
{
    uint32_t n = parse_size(argc, argv, 1000, 1u << 20), counts[T_COUNT];
    jv_t *doc = jv_new(J_ARR), **tail = &doc->child, *back, *back2;
    sb_t compact = {0}, pretty = {0}, again = {0};
    int bad = 0;

    for (uint32_t i = 0; i < n; i++, tail = &(*tail)->next)
        *tail = gen_value(i % 3 == 0 ? 0 : 2);
    print_value(&compact, doc, 0, 0);
    print_value(&pretty, doc, 1, 0);
    back = parse(compact.buf, counts);
    back2 = parse(pretty.buf, NULL);
    if (back == NULL || back2 == NULL) {
        fprintf(stderr, "parse failed\n");
        return 1;
    }
    print_value(&again, back, 0, 0);
    if (!jv_equal(doc, back) || !jv_equal(doc, back2)) {
        fprintf(stderr, "parsed tree differs from the original\n");
        bad = 1;
    }
    if (again.len != compact.len || memcmp(again.buf, compact.buf, compact.len) != 0) {
        fprintf(stderr, "reprinted text differs\n");
        bad = 1;
    }
    printf("compact %zu bytes fnv %08" PRIx32 ", pretty %zu bytes fnv %08" PRIx32 "\n",
           compact.len, fnv(compact.buf, compact.len), pretty.len, fnv(pretty.buf, pretty.len));
    printf("tokens: { %" PRIu32 " [ %" PRIu32 " : %" PRIu32 " , %" PRIu32 " str %" PRIu32
           " num %" PRIu32 " true %" PRIu32 " false %" PRIu32 " null %" PRIu32 "\n",
           counts[T_LBRACE], counts[T_LBRACK], counts[T_COLON], counts[T_COMMA], counts[T_STR],
           counts[T_NUM], counts[T_TRUE], counts[T_FALSE], counts[T_NULL]);
    printf("head: %.60s\n", compact.buf);
    jv_free(doc), jv_free(back), jv_free(back2);
    free(compact.buf), free(pretty.buf), free(again.buf);
    return bad;
}

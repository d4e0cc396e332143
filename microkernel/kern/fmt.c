/*
 * fmt_vsnprintf: the kernel's formatted output.
 *
 * One pass over the format string. Each conversion is first parsed into a
 * fmt_spec_t (flags, width, precision, length, conversion letter), then the
 * argument is fetched with the type its length modifier names and handed to
 * one emitter: fmt_int for the integer conversions and %p, fmt_str for %s
 * and %c. Every byte goes through fmt_put, which counts it and stores it
 * only while it fits, so the return value is the length the whole output
 * would have had (C99), and the buffer is NUL-terminated whenever size > 0.
 *
 * The semantics are C99's (7.19.6.1) for the supported subset, which the
 * host tests compare against the C library's snprintf. Choices where C
 * leaves freedom: %p prints "0x" and lower-case hex, "0x0" for NULL; a NULL
 * %s prints "(null)" (cut by a precision like any string); an unknown
 * conversion is copied out as written. Format strings come from kernel code
 * and are trusted; widths and precisions are still clamped so that a
 * runaway number cannot overflow an int.
 */
#include <kern/fmt.h>
#include <kern/string.h>

#define FMT_MAX_WIDTH 0x7fffffff

enum {
    FMT_LEFT = 1 << 0,  /* '-' */
    FMT_ZERO = 1 << 1,  /* '0' */
    FMT_PLUS = 1 << 2,  /* '+' */
    FMT_SPACE = 1 << 3, /* ' ' */
    FMT_ALT = 1 << 4,   /* '#' */
};

typedef enum {
    FMT_LEN_NONE,
    FMT_LEN_HH,
    FMT_LEN_H,
    FMT_LEN_L,
    FMT_LEN_LL,
    FMT_LEN_Z,
    FMT_LEN_J,
    FMT_LEN_T,
} fmt_len_t;

typedef struct {
    unsigned flags;
    int width;     /* 0 when absent */
    int prec;      /* -1 when absent */
    fmt_len_t len;
    char conv;
} fmt_spec_t;

/* Where output goes: buf[0..size-1], of which len bytes are wanted so far. */
typedef struct {
    char *buf;
    size_t size;
    size_t len;
} fmt_sink_t;

static void fmt_put(fmt_sink_t *s, char c)
{
    /* Keep the last byte for the NUL. */
    if (s->size > 0 && s->len < s->size - 1)
        s->buf[s->len] = c;
    s->len++;
}

static void fmt_repeat(fmt_sink_t *s, char c, int n)
{
    for (; n > 0; n--)
        fmt_put(s, c);
}

static void fmt_write(fmt_sink_t *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fmt_put(s, p[i]);
}

/* Reads a decimal number, clamped at FMT_MAX_WIDTH. */
static int fmt_number(const char **pp)
{
    const char *p = *pp;
    int n = 0;

    for (; *p >= '0' && *p <= '9'; p++) {
        int digit = *p - '0';
        n = n > (FMT_MAX_WIDTH - digit) / 10 ? FMT_MAX_WIDTH : n * 10 + digit;
    }
    *pp = p;
    return n;
}

static unsigned fmt_flag(char c)
{
    switch (c) {
    case '-': return FMT_LEFT;
    case '0': return FMT_ZERO;
    case '+': return FMT_PLUS;
    case ' ': return FMT_SPACE;
    case '#': return FMT_ALT;
    default: return 0;
    }
}

static fmt_len_t fmt_length(const char **pp)
{
    const char *p = *pp;
    fmt_len_t len = FMT_LEN_NONE;

    switch (*p) {
    case 'h':
        len = p[1] == 'h' ? FMT_LEN_HH : FMT_LEN_H;
        break;
    case 'l':
        len = p[1] == 'l' ? FMT_LEN_LL : FMT_LEN_L;
        break;
    case 'z': len = FMT_LEN_Z; break;
    case 'j': len = FMT_LEN_J; break;
    case 't': len = FMT_LEN_T; break;
    default: return FMT_LEN_NONE;
    }
    *pp = p + (len == FMT_LEN_HH || len == FMT_LEN_LL ? 2 : 1);
    return len;
}

/*
 * Parses flags, width, precision and length after a '%' (p points past it)
 * into *out_spec, taking '*' values from ap. Returns the position after the
 * conversion letter (or at the NUL, if the format ends early).
 */
static const char *fmt_parse(const char *p, va_list *ap, fmt_spec_t *out_spec)
{
    fmt_spec_t sp = {.prec = -1};

    for (unsigned f; (f = fmt_flag(*p)) != 0; p++)
        sp.flags |= f;
    if (*p == '*') {
        int w = va_arg(*ap, int);
        p++;
        /* C99: a negative '*' width is a '-' flag and a positive width. */
        if (w < 0) {
            sp.flags |= FMT_LEFT;
            w = w == -FMT_MAX_WIDTH - 1 ? FMT_MAX_WIDTH : -w;
        }
        sp.width = w;
    } else {
        sp.width = fmt_number(&p);
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            int pr = va_arg(*ap, int);
            p++;
            sp.prec = pr < 0 ? -1 : pr; /* negative: as if omitted */
        } else {
            sp.prec = fmt_number(&p);
        }
    }
    sp.len = fmt_length(&p);
    sp.conv = *p;
    if (*p)
        p++;
    *out_spec = sp;
    return p;
}

static int64_t fmt_arg_signed(va_list *ap, fmt_len_t len)
{
    switch (len) {
    case FMT_LEN_HH: return (signed char)va_arg(*ap, int);
    case FMT_LEN_H: return (short)va_arg(*ap, int);
    case FMT_LEN_L: return va_arg(*ap, long);
    case FMT_LEN_LL: return va_arg(*ap, long long);
    /* The signed type of size_t's width; ptrdiff_t on our targets. */
    case FMT_LEN_Z: return (int64_t)(ptrdiff_t)va_arg(*ap, size_t);
    case FMT_LEN_J: return va_arg(*ap, intmax_t);
    case FMT_LEN_T: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t fmt_arg_unsigned(va_list *ap, fmt_len_t len)
{
    switch (len) {
    case FMT_LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
    case FMT_LEN_H: return (unsigned short)va_arg(*ap, unsigned);
    case FMT_LEN_L: return va_arg(*ap, unsigned long);
    case FMT_LEN_LL: return va_arg(*ap, unsigned long long);
    case FMT_LEN_Z: return va_arg(*ap, size_t);
    case FMT_LEN_J: return va_arg(*ap, uintmax_t);
    case FMT_LEN_T: return (uint64_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

/* Digits of v in base, most significant first, into out[24]; returns their
 * count (0 for v == 0: the caller decides whether a "0" is printed). */
static int fmt_digits(uint64_t v, unsigned base, bool upper, char out[24])
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    int n = 0;

    for (; v != 0; v /= base)
        rev[n++] = set[v % base];
    for (int i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    return n;
}

/*
 * An integer conversion: [spaces] [sign or 0x] [zeros] digits [spaces].
 * mag is the magnitude, neg its sign (signed conversions only).
 */
static void fmt_int(fmt_sink_t *s, const fmt_spec_t *sp, uint64_t mag, bool neg)
{
    bool is_signed = sp->conv == 'd' || sp->conv == 'i';
    unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'u' || is_signed) ? 10 : 16;
    char digits[24];
    int nd = fmt_digits(mag, base, sp->conv == 'X', digits);
    const char *prefix = "";
    int zeros;

    if (nd == 0 && sp->prec != 0)
        digits[nd++] = '0'; /* "%.0d" of 0 prints nothing; otherwise "0" */
    zeros = sp->prec > nd ? sp->prec - nd : 0;
    if (is_signed && neg)
        prefix = "-";
    else if (is_signed && (sp->flags & FMT_PLUS))
        prefix = "+";
    else if (is_signed && (sp->flags & FMT_SPACE))
        prefix = " ";
    else if (sp->conv == 'p' || ((sp->flags & FMT_ALT) && mag != 0 && base == 16))
        prefix = sp->conv == 'X' ? "0X" : "0x";
    /* '#' with 'o' raises the precision just enough to lead with a 0. */
    if (base == 8 && (sp->flags & FMT_ALT) && zeros == 0 && (nd == 0 || digits[0] != '0'))
        zeros = 1;

    int body = (int)strlen(prefix) + zeros + nd;
    int pad = sp->width > body ? sp->width - body : 0;
    /* '0' pads with zeros only without '-' and without a precision. */
    if ((sp->flags & (FMT_ZERO | FMT_LEFT)) == FMT_ZERO && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(sp->flags & FMT_LEFT))
        fmt_repeat(s, ' ', pad);
    fmt_write(s, prefix, strlen(prefix));
    fmt_repeat(s, '0', zeros);
    fmt_write(s, digits, (size_t)nd);
    if (sp->flags & FMT_LEFT)
        fmt_repeat(s, ' ', pad);
}

/* A string conversion: n bytes of p, padded with spaces to the width. */
static void fmt_str(fmt_sink_t *s, const fmt_spec_t *sp, const char *p, size_t n)
{
    int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

    if (!(sp->flags & FMT_LEFT))
        fmt_repeat(s, ' ', pad);
    fmt_write(s, p, n);
    if (sp->flags & FMT_LEFT)
        fmt_repeat(s, ' ', pad);
}

/* Fetches the argument of one parsed conversion and emits it. start..end is
 * the conversion as written, copied out when the letter is unknown. */
static void fmt_convert(fmt_sink_t *s, const fmt_spec_t *sp, va_list *ap,
                        const char *start, const char *end)
{
    switch (sp->conv) {
    case 'd':
    case 'i': {
        int64_t v = fmt_arg_signed(ap, sp->len);
        /* 0 - (uint64_t)v is |v| even for INT64_MIN. */
        fmt_int(s, sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
        break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        fmt_int(s, sp, fmt_arg_unsigned(ap, sp->len), false);
        break;
    case 'p':
        fmt_int(s, sp, (uintptr_t)va_arg(*ap, void *), false);
        break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        fmt_str(s, sp, &c, 1);
        break;
    }
    case 's': {
        const char *p = va_arg(*ap, const char *);
        if (!p)
            p = "(null)";
        fmt_str(s, sp, p, strnlen(p, sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec));
        break;
    }
    case '%':
        fmt_put(s, '%');
        break;
    default:
        fmt_write(s, start, (size_t)(end - start));
        break;
    }
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    fmt_sink_t s = {.buf = buf, .size = size, .len = 0};
    va_list args;

    va_copy(args, ap);
    for (const char *p = fmt; *p;) {
        if (*p != '%') {
            fmt_put(&s, *p++);
            continue;
        }
        const char *start = p;
        fmt_spec_t sp;
        p = fmt_parse(p + 1, &args, &sp);
        fmt_convert(&s, &sp, &args, start, p);
    }
    va_end(args);
    if (size > 0)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return s.len;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/*
 * Diagnostics: the table of error codes (include/dogma/error.def) and the
 * one function that turns an error record into text,
 *
 *   FILE:0x00001f: error: RULE (DETAIL[; func N, OPCODE at 0xOFFSET])
 *
 * It builds freestanding, so it formats numbers itself instead of calling
 * snprintf.
 */
#include <dogma/module.h>

typedef enum detail {
    DX_DETAIL_NONE,
    DX_DETAIL_BYTE,    /* actual: the byte found */
    DX_DETAIL_COUNT,   /* expected vs actual counts or values */
    DX_DETAIL_BOUND,   /* actual: a length; expected: the bytes left */
    DX_DETAIL_LIMIT,   /* actual: a value; expected: the limit */
    DX_DETAIL_SIZE,    /* expected: declared size; actual: bytes used */
    DX_DETAIL_INDEX,   /* actual: an index; expected: how many exist */
    DX_DETAIL_VALTYPE, /* expected/actual: value types (0xff: none) */
    DX_DETAIL_HEIGHT,  /* expected/actual: operand counts */
    DX_DETAIL_ARITY,   /* expected/actual: label arities */
    DX_DETAIL_SECTION, /* actual: this id; expected: the one before it */
    DX_DETAIL_OPCODE,  /* expected: prefix byte or 0; actual: opcode */
    DX_DETAIL_MINMAX,  /* expected: maximum; actual: minimum */
    DX_DETAIL_ALIGN,   /* expected: natural log2; actual: given log2 */
    DX_DETAIL_CAUSE,   /* actual: the code of the underlying rule */
    DX_DETAIL_TYPE,    /* actual: the value type found */
} detail_t;

static const struct {
    const char *name, *rule;
    uint8_t phase, detail;
} errs[DX_E_COUNT] = {
    [DX_OK] = {"OK", "no error", DX_PHASE_DECODE, DX_DETAIL_NONE},
#define DX_ERR(id, ph, rl, dt)                                                 \
    [DX_E_##id] = {#id, rl, DX_PHASE_##ph, DX_DETAIL_##dt},
#include <dogma/error.def>
#undef DX_ERR
};

static bool known(dx_err_t c) { return (unsigned)c < DX_E_COUNT; }

dx_phase_t dx_err_phase(dx_err_t c)
{
    return known(c) ? (dx_phase_t)errs[c].phase : DX_PHASE_DECODE;
}

const char *dx_err_rule(dx_err_t c) { return known(c) ? errs[c].rule : "?"; }
const char *dx_err_name(dx_err_t c) { return known(c) ? errs[c].name : "?"; }

const char *dx_phase_name(dx_phase_t p)
{
    static const char *const names[] = {"decode", "validate", "limit", "abi"};
    return (unsigned)p < 4 ? names[p] : "?";
}

static const char *const section_names[] = {
    "custom", "type", "import", "function", "table", "memory", "global",
    "export", "start", "element", "code", "data", "data count",
};

/* ---- a bounded text buffer ------------------------------------------------ */
typedef struct out {
    char *buf;
    size_t len, n; /* capacity, characters produced (may exceed len) */
} out_t;

static void put_c(out_t *o, char c)
{
    if (o->n + 1 < o->len)
        o->buf[o->n] = c;
    o->n++;
}

static void put_s(out_t *o, const char *s)
{
    while (*s)
        put_c(o, *s++);
}

static void put_u(out_t *o, uint64_t v)
{
    char tmp[21];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        put_c(o, tmp[--i]);
}

static void put_x(out_t *o, uint64_t v, int width)
{
    char tmp[17];
    int i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v || i < width);
    put_s(o, "0x");
    while (i)
        put_c(o, tmp[--i]);
}

static void put_type(out_t *o, uint64_t t)
{
    put_s(o, t == 0xff ? "nothing" : dx_valtype_name((dx_valtype_t)t));
}

static void put_section(out_t *o, uint64_t id)
{
    put_s(o, id < 13 ? section_names[id] : "?");
}

static void put_detail(out_t *o, const dx_error_t *e)
{
    uint64_t x = e->expected, a = e->actual;
    switch ((detail_t)errs[e->code].detail) {
    case DX_DETAIL_NONE: break;
    case DX_DETAIL_BYTE: put_s(o, "found "); put_x(o, a, 2); break;
    case DX_DETAIL_COUNT:
        put_s(o, "expected "); put_u(o, x); put_s(o, ", found "); put_u(o, a);
        break;
    case DX_DETAIL_BOUND:
        put_s(o, "length "); put_u(o, a); put_s(o, " with ");
        put_u(o, x); put_s(o, " bytes left");
        break;
    case DX_DETAIL_LIMIT:
        put_u(o, a); put_s(o, " exceeds the limit of "); put_u(o, x);
        break;
    case DX_DETAIL_SIZE:
        put_s(o, "declared "); put_u(o, x); put_s(o, " bytes, contents end after ");
        put_u(o, a);
        break;
    case DX_DETAIL_INDEX:
        put_s(o, "index "); put_u(o, a); put_s(o, ", "); put_u(o, x);
        put_s(o, " defined");
        break;
    case DX_DETAIL_VALTYPE:
        put_s(o, "expected "); put_type(o, x); put_s(o, ", found "); put_type(o, a);
        break;
    case DX_DETAIL_HEIGHT:
        put_s(o, "operand count: expected "); put_u(o, x); put_s(o, ", found ");
        put_u(o, a);
        break;
    case DX_DETAIL_ARITY:
        put_s(o, "label arity "); put_u(o, a); put_s(o, ", expected ");
        put_u(o, x);
        break;
    case DX_DETAIL_SECTION:
        put_s(o, "a "); put_section(o, a); put_s(o, " section after a ");
        put_section(o, x); put_s(o, " section");
        break;
    case DX_DETAIL_OPCODE:
        put_s(o, "opcode ");
        if (x) { /* expected holds the prefix byte */
            put_x(o, x, 2); put_c(o, ' '); put_u(o, a);
        } else {
            put_x(o, a, 2);
        }
        break;
    case DX_DETAIL_MINMAX:
        put_s(o, "minimum "); put_u(o, a); put_s(o, ", maximum "); put_u(o, x);
        break;
    case DX_DETAIL_CAUSE:
        put_s(o, known((dx_err_t)a) ? errs[a].rule : "?");
        break;
    case DX_DETAIL_TYPE: put_s(o, "found "); put_type(o, a); break;
    case DX_DETAIL_ALIGN:
        put_s(o, "alignment 2^"); put_u(o, a); put_s(o, ", natural 2^");
        put_u(o, x);
        break;
    }
}

size_t dx_err_render(const dx_error_t *e, const char *file, char *buf,
                     size_t len)
{
    out_t o = {buf, len, 0};
    if (file) {
        put_s(&o, file);
        put_c(&o, ':');
    }
    put_x(&o, e->offset, 6);
    put_s(&o, ": error: ");
    if (!known(e->code)) {
        put_s(&o, "unknown error code ");
        put_u(&o, (uint64_t)e->code);
    } else {
        put_s(&o, errs[e->code].rule);
        size_t before = o.n;
        put_s(&o, " (");
        size_t open = o.n;
        put_detail(&o, e);
        if (e->func != DX_NO_FUNC) {
            if (o.n != open)
                put_s(&o, "; ");
            put_s(&o, "func ");
            put_u(&o, e->func);
            if (e->insn != DX_NO_INSN && (unsigned)e->op < DX_OP_COUNT) {
                put_s(&o, ", ");
                put_s(&o, dx_opinfo[e->op].text);
                put_s(&o, " at ");
                put_x(&o, e->insn, 6);
            }
        }
        if (o.n == open)
            o.n = before; /* nothing to say: drop the " (" */
        else
            put_c(&o, ')');
    }
    if (len)
        buf[o.n < len ? o.n : len - 1] = 0;
    return o.n;
}

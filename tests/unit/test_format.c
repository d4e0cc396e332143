/*
 * Golden tests of the module decoder and validator (libabi/format/): for
 * every diagnostic code, a module built here byte by byte that breaks
 * exactly that rule, with the code and the offset of the offending byte
 * pinned. Offsets are taken with wb_pos() while the bad byte is written,
 * so each test says which byte it blames. The last case checks that every
 * code in error.def has a golden test.
 */
#include <stdlib.h>

#include <dogma/module.h>
#include <dogma/translate.h>

#include "ut.h"
#include "wbuild.h"

static bool hit[DX_E_COUNT];

static bool load(const uint8_t *p, size_t n, dx_module_t *m, dx_error_t *err,
                 dx_arena_t *ar)
{
    dx_arena_init_malloc(ar);
    return dx_module_load(p, n, ar, m, err);
}

/* Loads the built module and frees it; returns the verdict, with the
 * error and its rendering. */
static bool judge(wb_t *b, dx_error_t *err, char *msg, size_t len)
{
    dx_arena_t ar;
    dx_module_t m;
    bool ok = load(b->p, b->n, &m, err, &ar);
    dx_err_render(err, "t.wasm", msg, len);
    dx_arena_free(&ar);
    wb_free(b);
    return ok;
}

static void expect_err_at(wb_t *b, dx_err_t code, size_t at, int line)
{
    dx_error_t err;
    char msg[512];
    if (judge(b, &err, msg, sizeof msg))
        ut_fail(__FILE__, line, "module accepted; expected %s at 0x%zx",
                dx_err_name(code), at);
    if (err.code != code || err.offset != at)
        ut_fail(__FILE__, line, "expected %s at 0x%zx, got %s", dx_err_name(code),
                at, msg);
    hit[code] = true;
}
#define EXPECT_ERR(b, code, at) expect_err_at(b, code, at, __LINE__)

static void expect_ok_line(wb_t *b, int line)
{
    dx_error_t err;
    char msg[512];
    if (!judge(b, &err, msg, sizeof msg))
        ut_fail(__FILE__, line, "valid module rejected: %s", msg);
}
#define EXPECT_OK(b) expect_ok_line(b, __LINE__)

/* One function [params] -> [results]; its body is the bytes given, and
 * the bad byte is at body + bad_index. */
static void body_err(const char *params, const char *results, int flags,
                     const char *code, size_t len, size_t bad_index,
                     dx_err_t want, int line)
{
    wb_t b;
    wb_func_begin(&b, params, results, flags);
    size_t at = wb_pos(&b);
    wb_bytes(&b, code, len);
    wb_func_end(&b);
    expect_err_at(&b, want, at + bad_index, line);
}
#define BODY_ERR(p, r, fl, code, bad, want)                                    \
    body_err(p, r, fl, code, sizeof(code) - 1, bad, want, __LINE__)

static void body_ok(const char *params, const char *results, int flags,
                    const char *code, size_t len, int line)
{
    wb_t b;
    wb_func_begin(&b, params, results, flags);
    wb_bytes(&b, code, len);
    wb_func_end(&b);
    expect_ok_line(&b, line);
}
#define BODY_OK(p, r, fl, code) body_ok(p, r, fl, code, sizeof(code) - 1, __LINE__)

/* A module with one section whose payload is given; the bad byte is at
 * payload + bad_index. */
static void sec_err(uint8_t id, const char *payload, size_t len,
                    size_t bad_index, dx_err_t want, int line)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, id);
    size_t at = wb_pos(&b);
    wb_bytes(&b, payload, len);
    wb_close(&b);
    expect_err_at(&b, want, at + bad_index, line);
}
#define SEC_ERR(id, payload, bad, want)                                        \
    sec_err(id, payload, sizeof(payload) - 1, bad, want, __LINE__)

/* ---- the header and the section structure ------------------------------- */

UT_TEST(header)
{
    wb_t b;
    wb_init(&b);
    wb_bytes(&b, "\0asX\1\0\0\0", 8);
    EXPECT_ERR(&b, DX_E_MAGIC, 3);
    wb_init(&b);
    wb_bytes(&b, "\0asm\2\0\0\0", 8);
    EXPECT_ERR(&b, DX_E_VERSION, 4);
    wb_init(&b);
    wb_bytes(&b, "\0as", 3);
    EXPECT_ERR(&b, DX_E_UNEXPECTED_END, 3);
    wb_init(&b);
    wb_bytes(&b, "\0asm\1\0", 6);
    EXPECT_ERR(&b, DX_E_UNEXPECTED_END, 6);
    wb_module(&b);
    EXPECT_OK(&b); /* the empty module is valid */
}

UT_TEST(section_structure)
{
    wb_t b;
    wb_module(&b);
    wb_byte(&b, 13);
    wb_u(&b, 0);
    EXPECT_ERR(&b, DX_E_SECTION_ID, 8);

    wb_module(&b); /* a size beyond the end of the module */
    wb_byte(&b, 1);
    wb_u(&b, 5);
    wb_bytes(&b, "\x01\x60", 2);
    EXPECT_ERR(&b, DX_E_LENGTH, 9);

    wb_module(&b); /* function before type */
    wb_sec(&b, 3);
    wb_u(&b, 0);
    wb_close(&b);
    size_t at = wb_pos(&b);
    wb_sec(&b, 1);
    wb_u(&b, 0);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_SECTION_ORDER, at);

    wb_module(&b); /* a section twice */
    wb_sec(&b, 1);
    wb_u(&b, 0);
    wb_close(&b);
    at = wb_pos(&b);
    wb_sec(&b, 1);
    wb_u(&b, 0);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_SECTION_ORDER, at);

    SEC_ERR(1, "\x01\x60\x00\x00\xff", 4, DX_E_SECTION_SIZE);
    SEC_ERR(1, "\x01\x60\x02\x7f", 2, DX_E_LENGTH);
    SEC_ERR(1, "\x01\x60\x01\x7f", 4, DX_E_UNEXPECTED_END); /* end of section */
    SEC_ERR(1, "\x64\x60\x00\x00", 0, DX_E_LENGTH);
}

UT_TEST(leb128)
{
    SEC_ERR(1, "\x80\x80\x80\x80\x80\x00", 4, DX_E_LEB_TOO_LONG);
    SEC_ERR(1, "\x80\x80\x80\x80\x10", 4, DX_E_LEB_TOO_LARGE);
    /* The longest valid encodings are accepted. */
    BODY_OK("", "", 0, "\x41\xff\xff\xff\xff\x07\x1a"
                       "\x41\x80\x80\x80\x80\x78\x1a"
                       "\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x1a"
                       "\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f\x1a\x0b");
    /* s32: the fifth byte's unused bits must copy the sign */
    BODY_ERR("", "", 0, "\x41\xff\xff\xff\xff\x0f\x1a\x0b", 5, DX_E_LEB_TOO_LARGE);
    BODY_ERR("", "", 0, "\x41\x80\x80\x80\x80\x70\x1a\x0b", 5, DX_E_LEB_TOO_LARGE);
    /* s64: the tenth byte is 0x00 or 0x7f only */
    BODY_ERR("", "", 0, "\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01\x1a\x0b",
             10, DX_E_LEB_TOO_LARGE);
    BODY_ERR("", "", 0, "\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00\x1a\x0b",
             10, DX_E_LEB_TOO_LONG);
}

/* ---- types, imports, tables, memories, globals ----------------------------- */

UT_TEST(types)
{
    SEC_ERR(1, "\x01\x61\x00\x00", 1, DX_E_TYPE_FORM);
    SEC_ERR(1, "\x01\x60\x01\x7a\x00", 3, DX_E_VALTYPE);
    SEC_ERR(1, "\x01\x60\x01\x7b\x00", 3, DX_E_SIMD);
    SEC_ERR(1, "\x01\x60\x00\x01\x6b", 4, DX_E_VALTYPE); /* typed reference */
    wb_t b;
    wb_module(&b);
    wb_sec(&b, 1);
    wb_u(&b, 1);
    wb_byte(&b, 0x60);
    size_t at = wb_pos(&b);
    wb_u(&b, DX_MAX_PARAMS + 1);
    wb_fill(&b, 0x7f, DX_MAX_PARAMS + 1);
    wb_u(&b, 0);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_PARAMS, at);
    wb_module(&b);
    wb_sec(&b, 1);
    wb_bytes(&b, "\x01\x60\x00", 3);
    at = wb_pos(&b);
    wb_u(&b, DX_MAX_RESULTS + 1);
    wb_fill(&b, 0x7f, DX_MAX_RESULTS + 1);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_RESULTS, at);
}

UT_TEST(imports)
{
    SEC_ERR(2, "\x01\x01m\x01" "f\x04\x00", 5, DX_E_IMPORT_KIND);
    SEC_ERR(2, "\x01\x01\xff\x01" "f\x00\x00", 2, DX_E_UTF8);
    SEC_ERR(2, "\x01\x01m\x01" "f\x00\x00", 6, DX_E_UNKNOWN_TYPE); /* no types */
    SEC_ERR(2, "\x01\x01m\x01" "f\x03\x7f\x02", 7, DX_E_MUTABILITY);
    SEC_ERR(2, "\x02\x01m\x01" "a\x02\x00\x01\x01m\x01" "b\x02\x00\x01", 12,
            DX_E_MULTIPLE_MEMORIES);
}

UT_TEST(tables_and_memories)
{
    SEC_ERR(4, "\x01\x7f\x00\x00", 1, DX_E_REFTYPE);
    SEC_ERR(4, "\x01\x70\x01\x02\x01", 1, DX_E_LIMITS_MIN_MAX);
    SEC_ERR(4, "\x01\x70\x00\x81\xad\xe2\x04", 1, DX_E_LIMIT_TABLE_SIZE); /* 10000001 */
    SEC_ERR(5, "\x01\x03\x00\x00", 1, DX_E_LIMITS_FLAGS);
    SEC_ERR(5, "\x01\x04\x00", 1, DX_E_LIMITS_FLAGS); /* memory64 */
    SEC_ERR(5, "\x02\x00\x01\x00\x01", 0, DX_E_MULTIPLE_MEMORIES);
    SEC_ERR(5, "\x01\x00\x81\x80\x04", 1, DX_E_MEMORY_PAGES);
    SEC_ERR(5, "\x01\x01\x00\x81\x80\x04", 1, DX_E_MEMORY_PAGES);
    SEC_ERR(5, "\x01\x01\x02\x01", 1, DX_E_LIMITS_MIN_MAX);
}

UT_TEST(globals_and_constant_expressions)
{
    SEC_ERR(6, "\x01\x7f\x02\x41\x00\x0b", 2, DX_E_MUTABILITY);
    SEC_ERR(6, "\x01\x7f\x00\x41\x01\x41\x01\x6a\x0b", 7, DX_E_CONST_EXPR);
    SEC_ERR(6, "\x01\x7f\x00\x42\x00\x0b", 3, DX_E_TYPE_MISMATCH);
    SEC_ERR(6, "\x01\x7f\x00\x41\x01\x41\x01\x0b", 7, DX_E_STACK_HEIGHT);
    SEC_ERR(6, "\x01\x7f\x00\x0b", 3, DX_E_STACK_HEIGHT);
    SEC_ERR(6, "\x01\x7f\x00\x23\x00\x0b", 4, DX_E_UNKNOWN_GLOBAL);
    SEC_ERR(6, "\x01\x70\x00\xd2\x00\x0b", 4, DX_E_UNKNOWN_FUNC);
    SEC_ERR(6, "\x01\x7f\x00\x41\x00", 5, DX_E_UNEXPECTED_END);
    /* global.get of a mutable import is not constant */
    wb_t b;
    wb_module(&b);
    wb_section(&b, 2, "\x01\x01m\x01g\x03\x7f\x01", 8);
    wb_sec(&b, 6);
    wb_bytes(&b, "\x01\x7f\x00", 3);
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\x23\x00\x0b", 3);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_CONST_EXPR, at);
    /* ... but of an immutable import it is */
    wb_module(&b);
    wb_section(&b, 2, "\x01\x01m\x01g\x03\x7f\x00", 8);
    wb_section(&b, 6, "\x01\x7f\x00\x23\x00\x0b", 6);
    EXPECT_OK(&b);
}

/* ---- exports, start, elements, data ------------------------------------------ */

UT_TEST(exports_and_start)
{
    wb_t b;
    wb_module(&b);
    wb_section(&b, 1, "\x02\x60\x00\x00\x60\x01\x7f\x00", 8);
    wb_section(&b, 3, "\x02\x00\x01", 3);
    wb_sec(&b, 7);
    wb_bytes(&b, "\x02\x01" "a\x00\x00", 5);
    size_t dup = wb_pos(&b);
    wb_bytes(&b, "\x01" "a\x00\x01", 4);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_DUPLICATE_EXPORT, dup);

    wb_module(&b);
    wb_sec(&b, 7);
    wb_bytes(&b, "\x01\x01" "a", 3);
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\x04\x00", 2);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_EXPORT_KIND, at);

    wb_module(&b);
    wb_sec(&b, 7);
    wb_bytes(&b, "\x01\x01" "a\x02", 4);
    at = wb_pos(&b);
    wb_u(&b, 0);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_UNKNOWN_MEMORY, at);

    wb_module(&b); /* start: a function with a parameter */
    wb_section(&b, 1, "\x01\x60\x01\x7f\x00", 5);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_sec(&b, 8);
    at = wb_pos(&b);
    wb_u(&b, 0);
    wb_close(&b);
    wb_section(&b, 10, "\x01\x02\x00\x0b", 4);
    EXPECT_ERR(&b, DX_E_START_TYPE, at);
}

/* A module with a funcref table and one function, then the element
 * section payload given. */
static void elem_err(const char *payload, size_t len, size_t bad, dx_err_t want,
                     int line)
{
    wb_t b;
    wb_module(&b);
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_section(&b, 4, "\x01\x70\x00\x01", 4);
    wb_sec(&b, 9);
    size_t at = wb_pos(&b);
    wb_bytes(&b, payload, len);
    wb_close(&b);
    wb_section(&b, 10, "\x01\x02\x00\x0b", 4);
    if (want == DX_OK)
        expect_ok_line(&b, line);
    else
        expect_err_at(&b, want, at + bad, line);
}
#define ELEM_ERR(p, bad, want) elem_err(p, sizeof(p) - 1, bad, want, __LINE__)

UT_TEST(element_segments)
{
    /* every flags value, valid */
    ELEM_ERR("\x08"
             "\x00\x41\x00\x0b\x01\x00"             /* 0: active, funcs */
             "\x01\x00\x01\x00"                     /* 1: passive */
             "\x02\x00\x41\x00\x0b\x00\x01\x00"     /* 2: table 0, funcs */
             "\x03\x00\x01\x00"                     /* 3: declarative */
             "\x04\x41\x00\x0b\x01\xd2\x00\x0b"     /* 4: active, exprs */
             "\x05\x70\x01\xd0\x70\x0b"             /* 5: passive, exprs */
             "\x06\x00\x41\x00\x0b\x70\x01\xd2\x00\x0b" /* 6 */
             "\x07\x70\x01\xd2\x00\x0b",            /* 7: declarative */
             0, DX_OK);
    ELEM_ERR("\x01\x08\x00\x00", 1, DX_E_ELEM_KIND);
    ELEM_ERR("\x01\x01\x01\x00", 2, DX_E_ELEMKIND_BYTE);
    ELEM_ERR("\x01\x02\x01\x41\x00\x0b\x00\x00", 2, DX_E_UNKNOWN_TABLE);
    ELEM_ERR("\x01\x00\x41\x00\x0b\x01\x05", 6, DX_E_UNKNOWN_FUNC);
    ELEM_ERR("\x01\x00\x42\x00\x0b\x01\x00", 2, DX_E_TYPE_MISMATCH);
    ELEM_ERR("\x01\x06\x00\x41\x00\x0b\x6f\x00", 1, DX_E_TYPE_MISMATCH);
    ELEM_ERR("\x01\x05\x70\x01\xd0\x6f\x0b", 4, DX_E_TYPE_MISMATCH);
    ELEM_ERR("\x01\x01\x00\x81\xda\xc4\x04", 3, DX_E_LENGTH);
}

UT_TEST(data_segments)
{
    wb_t b;
    wb_module(&b);
    wb_section(&b, 5, "\x01\x00\x01", 3);
    wb_sec(&b, 11);
    wb_u(&b, 1);
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\x03\x00", 2);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_DATA_KIND, at);

    wb_module(&b); /* active, but no memory */
    wb_sec(&b, 11);
    wb_bytes(&b, "\x01\x02", 2);
    at = wb_pos(&b);
    wb_bytes(&b, "\x00\x41\x00\x0b\x00", 5);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_UNKNOWN_MEMORY, at);

    wb_module(&b); /* data count 2, one segment */
    wb_sec(&b, 12);
    wb_u(&b, 2);
    wb_close(&b);
    wb_sec(&b, 11);
    at = wb_pos(&b);
    wb_bytes(&b, "\x01\x01\x00", 3);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_DATA_COUNT, at);

    wb_module(&b); /* data count 1, no data section */
    wb_sec(&b, 12);
    wb_u(&b, 1);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_DATA_COUNT, wb_pos(&b));

    BODY_ERR("", "", 0, "\xfc\x09\x00\x0b", 0, DX_E_DATA_COUNT_NEEDED);
    BODY_ERR("", "", WB_DATA, "\xfc\x09\x01\x0b", 2, DX_E_UNKNOWN_DATA);
    BODY_OK("", "", WB_DATA | WB_MEM,
            "\x41\x00\x41\x00\x41\x02\xfc\x08\x00\x00\xfc\x09\x00\x0b");
}

UT_TEST(code_section)
{
    wb_t b;
    wb_module(&b); /* a function without a body */
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x01\x00", 2);
    EXPECT_ERR(&b, DX_E_FUNC_CODE_COUNT, wb_pos(&b));

    wb_module(&b); /* two bodies for one function */
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_sec(&b, 10);
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\x02\x02\x00\x0b\x02\x00\x0b", 7);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_FUNC_CODE_COUNT, at);

    wb_module(&b); /* too many locals */
    wb_section(&b, 1, "\x01\x60\x01\x7f\x00", 5);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_sec(&b, 10);
    wb_u(&b, 1);
    wb_open(&b);
    wb_u(&b, 1);
    at = wb_pos(&b);
    wb_u(&b, DX_MAX_LOCALS); /* plus the parameter: one too many */
    wb_bytes(&b, "\x7f\x0b", 2);
    wb_close(&b);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_TOO_MANY_LOCALS, at);

    wb_module(&b); /* a body larger than the limit */
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_sec(&b, 10);
    wb_u(&b, 1);
    at = wb_pos(&b);
    wb_u(&b, DX_MAX_BODY_SIZE + 1);
    wb_byte(&b, 0);
    wb_fill(&b, 0x01, DX_MAX_BODY_SIZE - 1);
    wb_byte(&b, 0x0b);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_BODY, at);
}

/* ---- instructions: decoding ---------------------------------------------------- */

UT_TEST(instruction_decoding)
{
    BODY_ERR("", "", 0, "\xff\x0b", 0, DX_E_OPCODE);
    BODY_ERR("", "", 0, "\x06\x0b", 0, DX_E_OPCODE); /* try: exceptions */
    BODY_ERR("", "", 0, "\xfc\x12\x0b", 0, DX_E_OPCODE);
    BODY_ERR("", "", 0, "\xfe\x00\x0b", 0, DX_E_OPCODE); /* atomics */
    BODY_ERR("", "", 0, "\xfd\x0c\x0b", 0, DX_E_SIMD);
    BODY_ERR("", "", WB_MEM, "\x3f\x01\x1a\x0b", 1, DX_E_ZERO_BYTE);
    BODY_ERR("", "", WB_MEM, "\x41\x00\x40\x80\x00\x1a\x0b", 3, DX_E_ZERO_BYTE);
    BODY_ERR("", "", 0, "\x01", 1, DX_E_END_EXPECTED);
    BODY_ERR("", "", 0, "\x0b\x01", 1, DX_E_BODY_TRAILING);
    BODY_ERR("", "", 0, "\x02\x40\x05\x0b\x0b", 2, DX_E_ELSE_WITHOUT_IF);
    BODY_ERR("", "", 0, "\x41\x00\x41\x00\x41\x00\x1c\x02\x7f\x7f\x1a\x0b", 7,
             DX_E_SELECT_ARITY);
    BODY_ERR("", "", 0, "\x02\x41\x0b\x0b", 1, DX_E_BLOCKTYPE);
    BODY_ERR("", "", 0, "\x02\x7b\x0b\x0b", 1, DX_E_SIMD);
    BODY_ERR("", "", 0, "\xd0\x7f\x1a\x0b", 1, DX_E_REFTYPE);
    BODY_ERR("", "", 0, "\x41", 1, DX_E_UNEXPECTED_END);
}

/* ---- instructions: validation ---------------------------------------------------- */

UT_TEST(index_rules)
{
    BODY_ERR("", "", 0, "\x10\x09\x0b", 1, DX_E_UNKNOWN_FUNC);
    BODY_ERR("", "", 0, "\x41\x00\x11\x00\x00\x0b", 4, DX_E_UNKNOWN_TABLE);
    BODY_ERR("", "", WB_TABLE, "\x41\x00\x11\x05\x00\x0b", 3, DX_E_UNKNOWN_TYPE);
    BODY_ERR("", "", 0, "\x41\x00\x28\x02\x00\x1a\x0b", 3, DX_E_UNKNOWN_MEMORY);
    BODY_ERR("", "", 0, "\x23\x03\x1a\x0b", 1, DX_E_UNKNOWN_GLOBAL);
    BODY_ERR("ii", "", 0, "\x20\x07\x1a\x0b", 1, DX_E_UNKNOWN_LOCAL);
    BODY_ERR("", "", 0, "\x0c\x05\x0b", 1, DX_E_UNKNOWN_LABEL);
    BODY_ERR("", "", 0, "\xfc\x0d\x00\x0b", 2, DX_E_UNKNOWN_ELEM);
    BODY_ERR("", "", 0, "\x02\x40\x41\x00\x0e\x01\x00\x02\x0b\x0b", 5,
             DX_E_UNKNOWN_LABEL);
    BODY_ERR("", "", WB_GLOBAL, "\x41\x00\x24\x00\x0b", 3, DX_E_IMMUTABLE_GLOBAL);
    BODY_ERR("", "", 0, "\xd2\x00\x1a\x0b", 1, DX_E_UNDECLARED_REF);
    BODY_OK("", "", WB_ELEM, "\xd2\x00\x1a\x0b");
    BODY_ERR("", "", WB_XTABLE, "\x41\x00\x11\x00\x00\x0b", 4,
             DX_E_TABLE_NOT_FUNCREF);
    BODY_ERR("", "", WB_MEM, "\x41\x00\x28\x03\x00\x1a\x0b", 3, DX_E_ALIGNMENT);
    BODY_OK("", "", WB_MEM, "\x41\x00\x28\x02\x00\x1a\x41\x00\x31\x00\x00\x1a\x0b");
}

UT_TEST(type_rules)
{
    BODY_ERR("", "", 0, "\x42\x00\x41\x00\x6a\x1a\x0b", 4, DX_E_TYPE_MISMATCH);
    BODY_ERR("", "", 0, "\x6a\x1a\x0b", 0, DX_E_TYPE_MISMATCH); /* empty stack */
    BODY_ERR("", "", 0, "\x41\x01\x0b", 2, DX_E_STACK_HEIGHT);
    BODY_ERR("", "i", 0, "\x0b", 0, DX_E_TYPE_MISMATCH);
    BODY_ERR("", "", 0, "\x02\x7f\x02\x40\x41\x00\x0e\x01\x00\x01\x0b\x41\x05\x0b\x1a\x0b",
             7, DX_E_ARITY_MISMATCH);
    /* if without else: its parameters must be its results */
    BODY_ERR("", "", 0, "\x41\x01\x04\x7f\x41\x01\x0b\x1a\x0b", 6, DX_E_TYPE_MISMATCH);
    /* untyped select of references */
    BODY_ERR("", "", 0, "\xd0\x70\xd0\x70\x41\x01\x1b\x1a\x0b", 6, DX_E_TYPE_MISMATCH);
    BODY_OK("", "", 0, "\xd0\x70\xd0\x70\x41\x01\x1c\x01\x70\x1a\x0b");
    /* unreachable code: the stack is polymorphic */
    BODY_OK("", "i", 0, "\x00\x6a\x0b");
    BODY_OK("", "", 0, "\x00\x1b\x1a\x0b");
    BODY_ERR("", "", 0, "\x00\x42\x00\x6a\x1a\x0b", 3, DX_E_TYPE_MISMATCH);
    /* br_table: labels of equal arity but different types, with a
     * concrete operand */
    BODY_ERR("", "", 0, "\x02\x7f\x02\x7d\x41\x00\x41\x00\x0e\x01\x00\x01\x0b\x1a"
             "\x41\x00\x0b\x1a\x0b", 8, DX_E_TYPE_MISMATCH);
    /* ... and in unreachable code they are fine */
    BODY_OK("", "", 0, "\x02\x7f\x02\x7d\x00\x0e\x01\x00\x01\x0b\x1a\x41\x00\x0b\x1a\x0b");
    /* an instruction that pops nothing before anything was pushed (found
     * by the fuzzer: the empty stack had no storage yet) */
    BODY_OK("", "", 0, "\x01\x0b");
}

UT_TEST(multi_value)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, 1); /* type 0: [] -> []; type 1: [i32 i64] -> [i64 i32] */
    wb_bytes(&b, "\x02\x60\x00\x00\x60\x02\x7f\x7e\x02\x7e\x7f", 11);
    wb_close(&b);
    wb_section(&b, 3, "\x01\x00", 2);
    wb_sec(&b, 10);
    wb_u(&b, 1);
    wb_open(&b);
    wb_bytes(&b, "\x00\x41\x01\x42\x02\x02\x01\x1a\x1a\x42\x03\x41\x04\x0b"
                 "\x1a\x1a\x41\x01\x42\x02\x03\x01\x1a\x1a\x42\x01\x41\x01\x0b"
                 "\x1a\x1a\x0b", 32);
    wb_close(&b);
    wb_close(&b);
    EXPECT_OK(&b);
}

UT_TEST(table_instructions)
{
    BODY_OK("", "", WB_TABLE | WB_ELEM,
            "\x41\x00\x25\x00\x1a"             /* table.get */
            "\x41\x00\xd0\x70\x26\x00"         /* table.set */
            "\xfc\x10\x00\x1a"                 /* table.size */
            "\xd0\x70\x41\x01\xfc\x0f\x00\x1a" /* table.grow */
            "\x41\x00\xd0\x70\x41\x01\xfc\x11\x00" /* table.fill */
            "\x41\x00\x41\x00\x41\x00\xfc\x0e\x00\x00" /* table.copy */
            "\x41\x00\x41\x00\x41\x01\xfc\x0c\x00\x00" /* table.init */
            "\xfc\x0d\x00\x0b");                /* elem.drop */
    BODY_ERR("", "", WB_XTABLE | WB_ELEM,
             "\x41\x00\x41\x00\x41\x01\xfc\x0c\x00\x00\x0b", 8, DX_E_TYPE_MISMATCH);
    BODY_ERR("", "", WB_XTABLE, "\x41\x00\xd0\x70\x26\x00\x0b", 4,
             DX_E_TYPE_MISMATCH);
}

/* Local types come from the declaration runs, looked up flat or, when a
 * small body declares many locals, by searching the runs: both ways agree. */
static void locals_case(uint32_t get, bool pad, dx_err_t want, int line)
{
    wb_t b;
    wb_func_begin(&b, "il", "", 0);
    b.p[b.n - 1] = 3; /* three runs instead of none */
    wb_u(&b, 10);
    wb_byte(&b, 0x7d); /* locals 2..11: f32 */
    wb_u(&b, 988);
    wb_byte(&b, 0x7c); /* 12..999: f64 */
    wb_u(&b, 1);
    wb_byte(&b, 0x7e); /* 1000: i64 */
    if (pad)           /* a long body: the flat table pays for itself */
        for (int i = 0; i < 300; i++)
            wb_byte(&b, 0x01);
    size_t at = wb_pos(&b);
    wb_byte(&b, 0x20);
    wb_u(&b, get);
    wb_bytes(&b, "\x7a\x1a\x0b", 3); /* i64.ctz: wants i64 */
    wb_func_end(&b);
    if (want == DX_OK)
        expect_ok_line(&b, line);
    else
        expect_err_at(&b, want, want == DX_E_UNKNOWN_LOCAL ? at + 1
                                : at + 1 + (get < 128 ? 1 : 2), line);
}

UT_TEST(local_lookup)
{
    for (int pad = 0; pad < 2; pad++) {
        locals_case(1, pad, DX_OK, __LINE__);
        locals_case(1000, pad, DX_OK, __LINE__);
        locals_case(2, pad, DX_E_TYPE_MISMATCH, __LINE__);
        locals_case(11, pad, DX_E_TYPE_MISMATCH, __LINE__);
        locals_case(999, pad, DX_E_TYPE_MISMATCH, __LINE__);
        locals_case(1001, pad, DX_E_UNKNOWN_LOCAL, __LINE__);
    }
}

/* ---- limits on instructions --------------------------------------------------------- */

UT_TEST(instruction_limits)
{
    wb_t b;
    wb_func_begin(&b, "", "", 0);
    size_t at = 0;
    for (uint32_t i = 0; i < DX_MAX_NESTING; i++) {
        at = wb_pos(&b);
        wb_bytes(&b, "\x02\x40", 2);
    }
    wb_fill(&b, 0x0b, DX_MAX_NESTING + 1);
    wb_func_end(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_NESTING, at); /* the body counts as one */

    wb_func_begin(&b, "", "", 0);
    for (uint32_t i = 0; i <= DX_MAX_STACK; i++) {
        at = wb_pos(&b);
        wb_bytes(&b, "\x41\x00", 2);
    }
    wb_byte(&b, 0x0b);
    wb_func_end(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_STACK, at);

    wb_func_begin(&b, "", "", 0);
    wb_bytes(&b, "\x41\x00\x0e", 3);
    at = wb_pos(&b);
    wb_u(&b, DX_MAX_BR_TABLE + 1);
    wb_fill(&b, 0, DX_MAX_BR_TABLE + 2);
    wb_byte(&b, 0x0b);
    wb_func_end(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_BR_TABLE, at);

    wb_func_begin(&b, "", "", 0); /* the largest br_table is fine */
    wb_bytes(&b, "\x41\x00\x0e", 3);
    wb_u(&b, DX_MAX_BR_TABLE);
    wb_fill(&b, 0, DX_MAX_BR_TABLE + 1);
    wb_byte(&b, 0x0b);
    wb_func_end(&b);
    EXPECT_OK(&b);
}

/* A count of n entries of which only min_size * n bytes of padding follow:
 * the limit must be reported before any entry is read. */
static void count_limit(uint8_t id, uint32_t n, size_t min_size, dx_err_t want,
                        int line)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, id);
    size_t at = wb_pos(&b);
    wb_u(&b, n);
    wb_fill(&b, 0, (size_t)n * min_size);
    wb_close(&b);
    expect_err_at(&b, want, at, line);
}

UT_TEST(module_limits)
{
    count_limit(1, DX_MAX_TYPES + 1, 3, DX_E_LIMIT_TYPES, __LINE__);
    count_limit(2, DX_MAX_IMPORTS + 1, 4, DX_E_LIMIT_IMPORTS, __LINE__);
    count_limit(3, DX_MAX_FUNCS + 1, 1, DX_E_LIMIT_FUNCS, __LINE__);
    count_limit(4, DX_MAX_TABLES + 1, 3, DX_E_LIMIT_TABLES, __LINE__);
    count_limit(6, DX_MAX_GLOBALS + 1, 3, DX_E_LIMIT_GLOBALS, __LINE__);
    count_limit(7, DX_MAX_EXPORTS + 1, 3, DX_E_LIMIT_EXPORTS, __LINE__);
    count_limit(9, DX_MAX_ELEMS + 1, 3, DX_E_LIMIT_ELEMS, __LINE__);
    count_limit(11, DX_MAX_DATAS + 1, 1, DX_E_LIMIT_DATAS, __LINE__);

    wb_t b;
    wb_module(&b); /* one passive segment of too many entries */
    wb_sec(&b, 9);
    wb_bytes(&b, "\x01\x01\x00", 3);
    size_t at = wb_pos(&b);
    wb_u(&b, DX_MAX_ELEM_SIZE + 1);
    wb_fill(&b, 0, DX_MAX_ELEM_SIZE + 1);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_ELEM_SIZE, at);

    size_t big = (size_t)DX_MAX_MODULE_SIZE + 1;
    uint8_t *p = malloc(big); /* never read: the size is checked first */
    UT_CHECK(p != NULL);
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    UT_CHECK(!load(p, big, &m, &err, &ar));
    dx_arena_free(&ar);
    free(p);
    UT_EQ(err.code, DX_E_TOO_LARGE);
    UT_EQ(err.offset, 0);
    hit[DX_E_TOO_LARGE] = true;
}

UT_TEST(section_limit)
{
    wb_t b;
    wb_module(&b);
    size_t at = 0;
    for (uint32_t i = 0; i <= DX_MAX_SECTIONS; i++) {
        at = wb_pos(&b);
        wb_bytes(&b, "\x00\x01\x00", 3); /* an empty custom section */
    }
    EXPECT_ERR(&b, DX_E_LIMIT_SECTIONS, at);
}

UT_TEST(review_findings)
{
    /* memory.init in a constant expression is not constant, whether or
     * not a data count section exists */
    SEC_ERR(6, "\x01\x7f\x00\xfc\x08\x00\x00\x0b", 3, DX_E_CONST_EXPR);
    /* an error in a body's local declarations names the function */
    wb_t b;
    wb_module(&b);
    wb_section(&b, 1, "\x01\x60\x00\x00", 4);
    wb_section(&b, 3, "\x02\x00\x00", 3);
    wb_sec(&b, 10);
    wb_bytes(&b, "\x02\x02\x00\x0b\x04\x01\x01", 7);
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\x7a\x0b", 2);
    wb_close(&b);
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    UT_CHECK(!load(b.p, b.n, &m, &err, &ar));
    dx_arena_free(&ar);
    UT_EQ(err.code, DX_E_VALTYPE);
    UT_EQ(err.offset, at);
    UT_EQ(err.func, 1);
    wb_free(&b);
}

/* ---- dogma.abi and dogma.proof ---------------------------------------------------------- */

static void abi_err(const char *payload, size_t len, size_t bad, dx_err_t want,
                    int line)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, 0);
    wb_str(&b, "dogma.abi");
    size_t at = wb_pos(&b);
    wb_bytes(&b, payload, len);
    wb_close(&b);
    expect_err_at(&b, want, at + bad, line);
}
#define ABI_ERR(p, bad, want) abi_err(p, sizeof(p) - 1, bad, want, __LINE__)

UT_TEST(dogma_abi_example)
{
    /* The example of spec/format.md section 4, byte for byte. */
    static const uint8_t mod[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x29, 0x09, 0x64, 0x6f, 0x67, 0x6d, 0x61, 0x2e, 0x61, 0x62, 0x69,
        0x01, 0x00, 0x02, 0x03,
        0x03, 0x00, 0x04, 0x63, 0x6f, 0x6d, 0x31, 0xf8, 0x07, 0x08,
        0x02, 0x00, 0x03, 0x69, 0x72, 0x71, 0x04,
        0x01, 0x01, 0x03, 0x6c, 0x6f, 0x67, 0x03, 0x6c, 0x6f, 0x67,
    };
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    bool ok = load(mod, sizeof mod, &m, &err, &ar);
    UT_CHECK(ok);
    UT_CHECK(m.abi.present);
    UT_EQ(m.abi.version, 1);
    UT_EQ(m.abi.strategy, DX_STRATEGY_CHECKED);
    UT_EQ(m.abi.ncaps, 3);
    UT_EQ(m.abi.caps[0].kind, DX_CAP_IOPORT);
    UT_EQ(m.abi.caps[0].a, 0x3f8);
    UT_EQ(m.abi.caps[0].b, 8);
    UT_EQ(m.abi.caps[1].kind, DX_CAP_IRQ);
    UT_EQ(m.abi.caps[1].a, 4);
    UT_EQ(m.abi.caps[2].kind, DX_CAP_CHANNEL);
    UT_CHECK(m.abi.caps[2].optional);
    UT_EQ(m.abi.caps[2].target.len, 3);
    UT_CHECK(!memcmp(m.abi.caps[2].target.ptr, "log", 3));
    dx_arena_free(&ar);
}

UT_TEST(dogma_abi_errors)
{
    ABI_ERR("\x02\x00\x00\x00", 0, DX_E_ABI_VERSION);
    ABI_ERR("\x01\x01\x00\x00", 1, DX_E_ABI_FLAGS);
    ABI_ERR("\x01\x00\x04\x00", 2, DX_E_ABI_STRATEGY);
    ABI_ERR("\x01\x00\x00\x01\x09\x00\x01" "a\x00", 4, DX_E_ABI_CAP_KIND);
    ABI_ERR("\x01\x00\x00\x01\x02\x02\x01" "a\x04", 5, DX_E_ABI_FLAGS);
    ABI_ERR("\x01\x00\x00\x01\x03\x00\x01" "a\xf8\x07\x00", 4, DX_E_ABI_CAP_RANGE);
    ABI_ERR("\x01\x00\x00\x01\x03\x00\x01" "a\xff\xff\x03\x02", 4, DX_E_ABI_CAP_RANGE);
    ABI_ERR("\x01\x00\x00\x01\x02\x00\x01" "a\x80\x02", 4, DX_E_ABI_CAP_RANGE);
    ABI_ERR("\x01\x00\x00\x01\x04\x00\x01" "a\x81\x20\x80\x20", 4, DX_E_ABI_CAP_RANGE);
    ABI_ERR("\x01\x00\x00\x01\x01\x00\x01" "a\x00", 4, DX_E_ABI_CAP_RANGE);
    ABI_ERR("\x01\x00\x00\x02\x02\x00\x01" "a\x01\x02\x00\x01" "a\x02", 9,
            DX_E_ABI_CAP_NAME);
    ABI_ERR("\x01\x00\x00\x00\x00", 4, DX_E_ABI_TRAILING);
    {   /* the sizes it reports are the section payload's */
        wb_t b;
        wb_module(&b);
        wb_sec(&b, 0);
        wb_str(&b, "dogma.abi");
        wb_bytes(&b, "\x01\x00\x00\x00\x00", 5);
        wb_close(&b);
        dx_arena_t ar;
        dx_module_t m;
        dx_error_t err;
        UT_CHECK(!load(b.p, b.n, &m, &err, &ar));
        dx_arena_free(&ar);
        wb_free(&b);
        UT_EQ(err.code, DX_E_ABI_TRAILING);
        UT_EQ(err.expected, 5);
        UT_EQ(err.actual, 4);
    }
    ABI_ERR("\x01\x00\x00\x01\x02\x00\x01\xff\x04", 7, DX_E_ABI_MALFORMED);
    ABI_ERR("\x01\x00\x00\x01\x02\x00\x01", 3, DX_E_ABI_MALFORMED);
}

UT_TEST(dogma_abi_limits_and_duplicates)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, 0);
    wb_str(&b, "dogma.abi");
    wb_bytes(&b, "\x01\x00\x00", 3);
    size_t at = wb_pos(&b);
    wb_u(&b, DX_MAX_CAPS + 1);
    for (uint32_t i = 0; i <= DX_MAX_CAPS; i++)
        wb_bytes(&b, "\x02\x00\x00\x01", 4);
    wb_close(&b);
    EXPECT_ERR(&b, DX_E_LIMIT_CAPS, at);

    const char *names[] = {"dogma.abi", "dogma.proof"};
    for (int k = 0; k < 2; k++) {
        wb_module(&b);
        wb_sec(&b, 0);
        wb_str(&b, names[k]);
        wb_bytes(&b, "\x01\x00\x00\x00", k ? 1 : 4);
        wb_close(&b);
        at = wb_pos(&b);
        wb_sec(&b, 0);
        wb_str(&b, names[k]);
        wb_bytes(&b, "\x01\x00\x00\x00", k ? 1 : 4);
        wb_close(&b);
        EXPECT_ERR(&b, DX_E_ABI_DUPLICATE, at);
    }
}

/* dx_module_load keeps the section's range only; its content is
 * dx_proof_decode's (test_proof.c). */
UT_TEST(dogma_proof_is_kept_unchecked)
{
    wb_t b;
    wb_module(&b);
    wb_sec(&b, 0);
    wb_str(&b, "dogma.proof");
    size_t at = wb_pos(&b);
    wb_bytes(&b, "\xde\xad\xbe\xef", 4);
    wb_close(&b);
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    UT_CHECK(load(b.p, b.n, &m, &err, &ar));
    UT_CHECK(m.has_proof);
    UT_EQ(m.proof.off, at);
    UT_EQ(m.proof.len, 4);
    UT_CHECK(!m.abi.present);
    UT_EQ(m.abi.version, DX_ABI_VERSION);
    dx_arena_free(&ar);
    wb_free(&b);
}

/* ---- rendering ---------------------------------------------------------------------- */

UT_TEST(render)
{
    dx_error_t e = {.code = DX_E_TYPE_MISMATCH, .func = 1, .offset = 0x2f,
                    .insn = 0x2f, .op = DX_OP_I32_ADD,
                    .expected = DX_T_I32, .actual = DX_T_I64};
    char buf[200];
    size_t n = dx_err_render(&e, "bad.wasm", buf, sizeof buf);
    UT_STREQ(buf, "bad.wasm:0x00002f: error: type mismatch (expected i32, "
                  "found i64; func 1, i32.add at 0x00002f)");
    UT_EQ(n, strlen(buf));
    /* truncation keeps the string terminated and reports the full length */
    char small[10];
    UT_EQ(dx_err_render(&e, "bad.wasm", small, sizeof small), n);
    UT_STREQ(small, "bad.wasm:");
    dx_error_t u = {.code = DX_E_UNEXPECTED_END, .func = DX_NO_FUNC, .offset = 3,
                    .insn = DX_NO_INSN};
    dx_err_render(&u, NULL, buf, sizeof buf);
    UT_STREQ(buf, "0x000003: error: unexpected end");
    dx_error_t l = {.code = DX_E_LENGTH, .func = DX_NO_FUNC, .offset = 0x12,
                    .insn = DX_NO_INSN, .expected = 3, .actual = 1000};
    dx_err_render(&l, "bad.wasm", buf, sizeof buf);
    UT_STREQ(buf, "bad.wasm:0x000012: error: length out of bounds "
                  "(length 1000 with 3 bytes left)");
    for (int c = 1; c < DX_E_COUNT; c++) {
        e.code = (dx_err_t)c;
        UT_CHECK(dx_err_render(&e, "x", buf, sizeof buf) < sizeof buf);
        UT_CHECK(strcmp(dx_err_rule(e.code), "?") != 0);
    }
}

bool dx_utf8_valid(const uint8_t *p, size_t len); /* format/reader.h */

UT_TEST(utf8)
{
    UT_CHECK(dx_utf8_valid((const uint8_t *)"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    UT_CHECK(!dx_utf8_valid((const uint8_t *)"\xc0\xaf", 2));         /* overlong */
    UT_CHECK(!dx_utf8_valid((const uint8_t *)"\xed\xa0\x80", 3));     /* surrogate */
    UT_CHECK(!dx_utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    UT_CHECK(!dx_utf8_valid((const uint8_t *)"\xe2\x82", 2));         /* cut short */
    UT_CHECK(!dx_utf8_valid((const uint8_t *)"\x80", 1));
}

/* The translator's one error of its own: code beyond opts.max_code (1 GiB
 * by default; here 64 bytes, which the prologue and 200 calls overrun). */
UT_TEST(translator_code_limit)
{
    wb_t b;
    wb_func_begin(&b, "", "", 0);
    for (int i = 0; i < 200; i++)
        wb_bytes(&b, "\x10\x00", 2); /* call 0 */
    wb_byte(&b, 0x0b);
    wb_func_end(&b);
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_module_t m;
    dx_error_t err;
    dx_x64_t x;
    UT_CHECK(dx_module_decode(b.p, b.n, &ar, &m, &err));
    dx_x64_opts_t o = { .strategy = DX_STRATEGY_GUARD, .max_code = 64 };
    UT_CHECK(!dx_x64_translate(&m, &o, &ar, &x, &err));
    UT_CHECK(err.code == DX_E_CODE_TOO_LARGE && err.func == 0);
    char msg[256];
    dx_err_render(&err, "t.wasm", msg, sizeof msg);
    UT_CHECK(strstr(msg, "translated code too large") != NULL);
    UT_CHECK(strstr(msg, "exceeds the limit of 64") != NULL);
    hit[DX_E_CODE_TOO_LARGE] = true;
    o.max_code = 0;
    UT_CHECK(dx_x64_translate(&m, &o, &ar, &x, &err));
    dx_arena_free(&ar);
    wb_free(&b);
}

/* Must stay the last case in this file: the cases run in file order. The
 * dogma.proof codes (PROOF_*) have theirs in test_proof.c. */
UT_TEST(zz_every_code_has_a_golden_test)
{
    for (int c = 1; c < DX_E_COUNT; c++)
        if (!hit[c] && strncmp(dx_err_name((dx_err_t)c), "PROOF_", 6) != 0)
            ut_fail(__FILE__, __LINE__, "no golden test for %s",
                    dx_err_name((dx_err_t)c));
}

/*
 * dogma-objdump: show what a Dogma module contains.
 *
 *   dogma-objdump [-h] [-x] [-d] FILE...
 *
 *   -h  the section table
 *   -x  the details: types, imports, functions, tables, memories, globals,
 *       exports, start, element and data segments, dogma.abi, dogma.proof
 *   -d  disassembly of every function body, with module byte offsets
 *
 * The module is decoded and validated first, as verifierd would, and its
 * dogma.proof section decoded and checked (not proved). An invalid
 * module is still shown as far as the decoder got, after its diagnostic,
 * and the exit status is 1; 0 when every module is valid, 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dogma/module.h>
#include <dogma/proof.h>

#include "disasm.h"
#include "file.h"

static const char *prog = "dogma-objdump";

static const char *const section_names[] = {
    "custom", "type", "import", "function", "table", "memory", "global",
    "export", "start", "element", "code", "data", "datacount",
};
static const char *const kind_names[] = {"func", "table", "memory", "global"};
static const char *const strategy_names[] = {"default", "guard", "checked",
                                             "proved"};
static const char *const cap_names[] = {"?", "channel", "irq", "ioport",
                                        "physmem"};

static void print_name(dx_name_t n) { printf("%.*s", (int)n.len, n.ptr); }

static void print_types(const dx_valtype_t *t, uint32_t n)
{
    putchar('[');
    for (uint32_t i = 0; i < n; i++)
        printf("%s%s", i ? " " : "", dx_valtype_name(t[i]));
    putchar(']');
}

static void print_limits(const dx_limits_t *l)
{
    printf("min %llu", (unsigned long long)l->min);
    if (l->has_max)
        printf(" max %llu", (unsigned long long)l->max);
}

/* ---- -h -------------------------------------------------------------------- */

static void show_sections(const dx_module_t *m)
{
    printf("\nSections:\n");
    for (uint32_t i = 0; i < m->nsections; i++) {
        const dx_section_t *s = &m->sections[i];
        printf("  %-9s at 0x%06zx  payload 0x%06zx..0x%06zx  %8zu bytes",
               section_names[s->id], s->offset, s->payload.off,
               s->payload.off + s->payload.len, s->payload.len);
        if (s->id == 0) {
            printf("  \"");
            print_name(s->name);
            putchar('"');
        }
        putchar('\n');
    }
}

/* ---- -x -------------------------------------------------------------------- */

static void show_types_and_imports(const dx_module_t *m)
{
    printf("\nTypes (%u):\n", m->ntypes);
    for (uint32_t i = 0; i < m->ntypes; i++) {
        printf("  type[%u] ", i);
        print_types(m->types[i].params, m->types[i].nparams);
        printf(" -> ");
        print_types(m->types[i].results, m->types[i].nresults);
        putchar('\n');
    }
    printf("\nImports (%u):\n", m->nimports);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const dx_import_t *im = &m->imports[i];
        printf("  %s[%u] ", kind_names[im->kind], im->index);
        print_name(im->module);
        putchar('.');
        print_name(im->field);
        if (im->kind == DX_EXT_FUNC && im->index < m->nfuncs)
            printf(" (type %u)", m->funcs[im->index].type);
        putchar('\n');
    }
}

static void show_funcs(const dx_module_t *m, const dx_name_t *names)
{
    printf("\nFunctions (%u, %u imported):\n", m->nfuncs, m->nfunc_imports);
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        const dx_func_t *f = &m->funcs[i];
        printf("  func[%u] type %u", i, f->type);
        if (names && names[i].ptr) {
            printf(" <");
            print_name(names[i]);
            putchar('>');
        }
        printf(" body 0x%06zx %zu bytes, %u locals\n", f->body.off, f->body.len,
               f->nlocals);
    }
}

static void show_tables_memories_globals(const dx_module_t *m)
{
    printf("\nTables (%u):\n", m->ntables);
    for (uint32_t i = 0; i < m->ntables; i++) {
        printf("  table[%u] %s ", i, dx_valtype_name(m->tables[i].elem));
        print_limits(&m->tables[i].limits);
        printf("%s\n", m->tables[i].imported ? " (imported)" : "");
    }
    printf("\nMemories (%u):\n", m->nmemories);
    for (uint32_t i = 0; i < m->nmemories; i++) {
        printf("  memory[%u] pages ", i);
        print_limits(&m->memories[i].limits);
        printf("%s\n", m->memories[i].imported ? " (imported)" : "");
    }
    printf("\nGlobals (%u):\n", m->nglobals);
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const dx_global_t *g = &m->globals[i];
        printf("  global[%u] %s %s", i, g->mutable_ ? "mut" : "const",
               dx_valtype_name(g->type));
        if (g->imported)
            printf(" (imported)\n");
        else
            printf(" init at 0x%06zx\n", g->init.off);
    }
}

static void show_exports(const dx_module_t *m)
{
    printf("\nExports (%u):\n", m->nexports);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const dx_export_t *e = &m->exports[i];
        printf("  %s[%u] \"", kind_names[e->kind], e->index);
        print_name(e->name);
        printf("\"\n");
    }
    if (m->has_start)
        printf("\nStart: func[%u]\n", m->start);
}

static void show_segments(const dx_module_t *m)
{
    static const char *const modes[] = {"active", "passive", "declarative"};
    printf("\nElement segments (%u):\n", m->nelems);
    for (uint32_t i = 0; i < m->nelems; i++) {
        const dx_elem_t *e = &m->elems[i];
        printf("  elem[%u] %s %s, %u %s", i, modes[e->mode],
               dx_valtype_name(e->type), e->count,
               e->exprs ? "expressions" : "functions");
        if (e->mode == DX_SEG_ACTIVE)
            printf(", table %u, offset expression at 0x%06zx", e->table,
                   e->offset_expr.off);
        putchar('\n');
    }
    printf("\nData segments (%u%s):\n", m->ndatas,
           m->has_datacount ? ", data count section present" : "");
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const dx_data_t *d = &m->datas[i];
        printf("  data[%u] %s, %zu bytes at 0x%06zx", i,
               d->mode == DX_SEG_ACTIVE ? "active" : "passive", d->bytes.len,
               d->bytes.off);
        if (d->mode == DX_SEG_ACTIVE)
            printf(", memory %u, offset expression at 0x%06zx", d->memory,
                   d->offset_expr.off);
        putchar('\n');
    }
}

static void show_dogma(const dx_module_t *m)
{
    const dx_abi_t *a = &m->abi;
    printf("\ndogma.abi: %s\n", a->present ? "present" : "absent (defaults)");
    printf("  version %u, memory strategy %s, %u capability requests\n",
           a->version, strategy_names[a->strategy & 3], a->ncaps);
    for (uint32_t i = 0; i < a->ncaps; i++) {
        const dx_capreq_t *c = &a->caps[i];
        printf("  cap[%u] handle %u %s \"", i, i + 1, cap_names[c->kind]);
        print_name(c->name);
        printf("\"%s", c->optional ? " (optional)" : "");
        switch (c->kind) {
        case DX_CAP_CHANNEL:
            printf(" service \"");
            print_name(c->target);
            putchar('"');
            break;
        case DX_CAP_IRQ: printf(" line %llu", (unsigned long long)c->a); break;
        case DX_CAP_IOPORT:
            printf(" ports 0x%llx..0x%llx", (unsigned long long)c->a,
                   (unsigned long long)(c->a + c->b - 1));
            break;
        case DX_CAP_PHYSMEM:
            printf(" 0x%llx, %llu bytes", (unsigned long long)c->a,
                   (unsigned long long)c->b);
            break;
        }
        putchar('\n');
    }
}

/* The annotations, formulas in infix. The encoding is checked; the claims
 * are not proved yet. */
static void print_exprs(const char *what, const dx_expr_t *e, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        printf("    %s ", what);
        dx_print_expr(stdout, &e[i]);
        putchar('\n');
    }
}

static void show_proof(const dx_module_t *m, const dx_proof_t *p,
                       const dx_name_t *names)
{
    if (!p->present) {
        printf("dogma.proof: absent\n");
        return;
    }
    printf("dogma.proof: %zu bytes at 0x%06zx, version %u, checked encoding "
           "(not yet proved)\n", m->proof.len, m->proof.off, p->version);
    printf("  %u lemmas, %u module invariants, %u global ranges, %u functions "
           "annotated, %u formulas\n", p->nlemmas, p->ninvariants, p->nranges,
           p->nfuncs, p->nformulas);
    for (uint32_t i = 0; i < p->nlemmas; i++) {
        printf("  lemma[%u] ", i);
        print_name(p->lemmas[i]);
        putchar('\n');
    }
    if (p->ninvariants || p->nranges)
        printf("  module:\n");
    print_exprs("invariant", p->invariants, p->ninvariants);
    for (uint32_t i = 0; i < p->nranges; i++) { /* unsigned, both included */
        const dx_grange_t *g = &p->ranges[i];
        printf("    range global %u: [%llu, %llu]\n", g->global,
               (unsigned long long)g->lo, (unsigned long long)g->hi);
    }
    for (uint32_t i = 0; i < p->nfuncs; i++) {
        const dx_funcproof_t *fp = &p->funcs[i];
        printf("  func[%u]", fp->func);
        if (names && names[fp->func].ptr) {
            printf(" <");
            print_name(names[fp->func]);
            putchar('>');
        }
        printf(":\n");
        print_exprs("pre ", fp->pre, fp->npre);
        print_exprs("post", fp->post, fp->npost);
        for (uint32_t l = 0; l < fp->nloops; l++) {
            char what[32];
            snprintf(what, sizeof what, "loop %u", fp->loops[l].loop);
            print_exprs(what, fp->loops[l].inv, fp->loops[l].ninv);
        }
        if (fp->nhints) {
            printf("    hints");
            for (uint32_t h = 0; h < fp->nhints; h++) {
                putchar(' ');
                print_name(p->lemmas[fp->hints[h]]);
            }
            putchar('\n');
        }
    }
}

/* ---- -d -------------------------------------------------------------------- */

static void print_bytes(const uint8_t *p, size_t n)
{
    size_t shown = n < 8 ? n : 8;
    for (size_t i = 0; i < shown; i++)
        printf("%02x ", p[i]);
    printf("%s%*s", n > shown ? "..." : "   ", (int)(3 * (8 - shown)), "");
}

static bool disasm_func(const dx_module_t *m, uint32_t func,
                        const dx_name_t *names, dx_code_t *c, dx_arena_t *ar)
{
    printf("\nfunc[%u]", func);
    if (names && names[func].ptr) {
        printf(" <");
        print_name(names[func]);
        putchar('>');
    }
    const dx_functype_t *t = dx_func_type(m, func);
    printf(" ");
    print_types(t->params, t->nparams);
    printf(" -> ");
    print_types(t->results, t->nresults);
    printf(":\n");
    dx_code_init(c, m, func, ar);
    int depth = 1;
    dx_insn_t in;
    dx_error_t err;
    while (dx_code_more(c)) {
        if (!dx_code_next(c, &in, &err)) {
            printf("  (undecodable from 0x%06zx)\n", err.offset);
            return false;
        }
        if (in.op == DX_OP_END || in.op == DX_OP_ELSE)
            depth--;
        printf(" %06zx: ", in.offset);
        print_bytes(m->bytes + in.offset, in.end - in.offset);
        printf("| %*s", 2 * (depth > 0 ? depth - 1 : 0), "");
        dx_print_insn(stdout, m, &in);
        putchar('\n');
        if (in.op == DX_OP_BLOCK || in.op == DX_OP_LOOP || in.op == DX_OP_IF ||
            in.op == DX_OP_ELSE)
            depth++;
    }
    return true;
}

static void show_code(const dx_module_t *m, const dx_name_t *names)
{
    dx_arena_t ar;
    dx_arena_init_malloc(&ar);
    dx_code_t c;
    memset(&c, 0, sizeof c);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (m->funcs[f].body.len)
            disasm_func(m, f, names, &c, &ar);
    dx_arena_free(&ar);
}

/* ---- main ------------------------------------------------------------------- */

enum { SHOW_H = 1, SHOW_X = 2, SHOW_D = 4 };

static int dump(const char *path, int what)
{
    size_t size;
    uint8_t *bytes = dx_read_file(prog, path, &size);
    if (!bytes)
        return 1;
    dx_arena_t ar;
    dx_module_t m;
    dx_error_t err;
    dx_arena_init_malloc(&ar);
    dx_proof_t proof;
    /* Any well-formed lemma name: the tools do not embed the library yet. */
    bool ok = dx_module_load(bytes, size, &ar, &m, &err) &&
              dx_proof_decode(&m, NULL, 0, &ar, &proof, &err);
    printf("%s: %s, %zu bytes\n", path, ok ? "valid Dogma module" : "INVALID", size);
    if (!ok) {
        char msg[512];
        dx_err_render(&err, path, msg, sizeof msg);
        printf("%s\n", msg);
        fprintf(stderr, "%s\n", msg);
    }
    dx_name_t *names = ok ? dx_func_names(&m) : NULL;
    if (what & SHOW_H)
        show_sections(&m);
    if (ok && (what & SHOW_X)) {
        show_types_and_imports(&m);
        show_funcs(&m, names);
        show_tables_memories_globals(&m);
        show_exports(&m);
        show_segments(&m);
        show_dogma(&m);
        show_proof(&m, &proof, names);
    }
    if (ok && (what & SHOW_D))
        show_code(&m, names);
    free(names);
    dx_arena_free(&ar);
    free(bytes);
    return ok ? 0 : 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [-h] [-x] [-d] FILE...\n"
            "  -h  section table\n"
            "  -x  types, imports, functions, tables, memories, globals,\n"
            "      exports, segments and the Dogma sections\n"
            "  -d  disassembly with module byte offsets\n"
            "  (no option: -h)\n"
            "exit status: 0 all valid, 1 some invalid or unreadable, 2 usage\n",
            prog);
}

int main(int argc, char **argv)
{
    int what = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        for (const char *p = argv[i] + 1; *p; p++) {
            switch (*p) {
            case 'h': what |= SHOW_H; break;
            case 'x': what |= SHOW_X; break;
            case 'd': what |= SHOW_D; break;
            default:
                fprintf(stderr, "%s: unknown option -%c\n", prog, *p);
                usage(stderr);
                return 2;
            }
        }
    }
    if (i == argc) {
        usage(stderr);
        return 2;
    }
    if (!what)
        what = SHOW_H;
    int rc = 0;
    for (; i < argc; i++)
        rc |= dump(argv[i], what);
    return rc;
}

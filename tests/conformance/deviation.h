/*
 * Known deviations of wabt 1.0.32 from the WebAssembly 2.0 specification,
 * recognised among the disagreements of the differential test.
 *
 * A disagreement is attributed to a known deviation only when it is
 * confirmed, not merely when libabi's error code looks right: the module is
 * repaired in the one way the deviation predicts (the missing `end` put
 * back, a block type re-encoded in its one-byte form, ...) and libabi must
 * then accept it; or, when wabt is the one that rejects, the module is
 * rewritten so that wabt's mistake cannot matter (its custom sections
 * removed, say) and wabt must then agree with libabi. Anything else stays
 * an unexplained disagreement.
 *
 * Recognising a deviation does not excuse it: differential still counts it
 * as a disagreement unless the run allows that deviation by name (--allow),
 * which the test registration does only for deviations that were reviewed
 * (README.md, "Intentional disagreements").
 */
#ifndef CONFORMANCE_DEVIATION_H
#define CONFORMANCE_DEVIATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dogma/module.h>

typedef enum cf_dev {
    CF_DEV_NONE = -1,
    CF_DEV_CUSTOM_SECTION, /* wabt rejects for a custom section */
    CF_DEV_TYPE_LEB,       /* wabt accepts over-long type encodings */
    CF_DEV_BODY_END,       /* wabt accepts a body that leaves blocks open */
    CF_DEV_CONST_END,      /* wabt accepts a constant expression without end */
    CF_DEV_EMPTY_OFFSET,   /* wabt accepts an empty segment offset */
    CF_DEV_DATACOUNT,      /* wabt accepts a data count without data section */
    CF_DEV_DATA_FLAGS,     /* wabt accepts data segment kinds 4..6 */
    CF_DEV_SELECT_TYPE,    /* wabt types select t's result as "any" */
    CF_DEV_SILENT_ERROR,   /* wabt prints an error yet exits 0 */
    CF_DEV_WABT_CRASH,     /* wabt crashes on a module libabi rejects */
    CF_DEV_COUNT
} cf_dev_t;

typedef struct cf_devinfo {
    const char *id;   /* the name --allow takes */
    const char *spec; /* the rule that decides, WebAssembly 2.0 */
    const char *what;
} cf_devinfo_t;

extern const cf_devinfo_t cf_devinfo[CF_DEV_COUNT];

int cf_dev_lookup(const char *id); /* -1 if unknown */

/* Runs wasm-validate on a module: its exit status, 256 + the signal if it
 * was killed. */
typedef int cf_wabt_fn(void *ctx, const uint8_t *b, size_t n);

/* One disagreement, as the differential test saw it. */
typedef struct cf_disagreement {
    const uint8_t *b;
    size_t n;
    int wabt_status;         /* as cf_wabt_fn returns it */
    bool wabt_printed_error; /* its stderr has an "error:" line */
    bool dx_ok;
    const dx_error_t *err;   /* when !dx_ok */
    cf_wabt_fn *wabt;        /* for the confirmations that ask wabt again */
    void *ctx;
} cf_disagreement_t;

/* The known deviation that explains d, confirmed; CF_DEV_NONE if none. */
cf_dev_t cf_dev_classify(const cf_disagreement_t *d);

#endif

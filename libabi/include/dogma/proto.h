/*
 * The system's service protocols: the messages verifierd, driverd and the
 * services exchange over channels (spec/services.md is the contract).
 * Plain fixed-width structs, the same on x86-64 and wasm32, little-endian;
 * every message fits one channel message (DOGMA_MSG_MAX_BYTES). Strings
 * inside are NUL-terminated and a receiver checks that they are.
 */
#ifndef DOGMA_PROTO_H
#define DOGMA_PROTO_H

#include <stdint.h>

#include <dogma/abi.h>

/* ---- verifierd ------------------------------------------------------------------
 * A client sends requests on its endpoint and gets one reply per request
 * on the same channel, in order. */
enum {
    VD_OP_LOAD = 1,    /* handles: [module region or view, grants...] */
    VD_OP_VERIFY = 2,  /* handles: [module region or view] */
    VD_OP_GRANT = 3,   /* handles: 1-4 grants for the next LOAD */
    VD_OP_CONNECT = 4, /* handles: [a new client endpoint] */
    VD_OP_DROP = 5,    /* let go of the grants GRANT sent for a LOAD that will not come */
};

#define VD_MAX_GRANTS 12  /* module grants per load (two more are the runtime's) */
#define VD_MODULE_MAX (64u << 20) /* bytes in a module verifierd takes */
#define VD_NAME 32
#define VD_DATA 168

typedef struct {
    uint32_t op;
    uint32_t flags;       /* VD_F_* */
    uint64_t offset;      /* LOAD, VERIFY: where the module starts in the region */
    uint64_t size;        /* and its size in bytes */
    uint32_t nargs;       /* LOAD: strings in data: args (argv[0] first), */
    uint32_t nenv;        /*   then environment entries K=V, */
    uint32_t nroles;      /*   then one role per granted handle of this message */
    uint32_t reserved;
    char name[VD_NAME];   /* LOAD: the process's name, for logs and ps; CONNECT:
                             whom the new client speaks for, for the log */
    char data[VD_DATA];
} vd_request_t;

enum {
    VD_F_INIT = 1,      /* LOAD: as process 1 (verifierd itself, once) */
};

/* Reply status: 0 accepted, VD_REJECTED (the module is invalid or asks for
 * what it may not have; text is the diagnostic), or -(dogma error code)
 * for a request verifierd could not serve. */
#define VD_REJECTED 1
#define VD_TEXT 176

typedef struct {
    int32_t status;
    uint32_t pid;            /* LOAD: the new process */
    uint64_t hash;           /* FNV-1a of the module's bytes */
    uint32_t module_bytes;
    uint32_t code_bytes;     /* translated code, the runtime included */
    uint32_t functions;
    uint32_t accesses;       /* memory accesses */
    uint32_t time_us;        /* decode, validate, prove, translate, lay out */
    uint32_t proved;         /* accesses proved in bounds: no run-time check */
    char text[VD_TEXT];      /* the diagnostic, or a one-line report */
} vd_reply_t;

_Static_assert(sizeof(vd_request_t) <= 256, "a request fits one message");
_Static_assert(sizeof(vd_reply_t) <= 256, "a reply fits one message");

/* ---- services in general ------------------------------------------------------
 * A service has one *connect endpoint* that driverd keeps for its whole
 * life, across restarts, and hands duplicates of to clients. A message on
 * it is either one-way (log lines) or carries, as its first handle, a
 * *reply endpoint*: the client made a channel and sent one end along; the
 * service answers on that channel (one reply, or a session). So no two
 * clients ever read from the same endpoint. */

/* ---- names: service name -> a connect endpoint --------------------------------- */
enum {
    NM_LOOKUP = 1,   /* handles: [reply endpoint]; reply: status + [connect endpoint] */
    NM_REGISTER = 2, /* driverd only (it holds the "names-admin" role's channel):
                        handles: [connect endpoint] */
};
typedef struct {
    uint32_t op;
    int32_t status;  /* in replies: 0 or -(dogma error); NOT_FOUND is -EMPTY */
    char name[24];
} nm_msg_t;

/* ---- log --------------------------------------------------------------------------
 * One-way on the connect endpoint: LG_LINE. With a reply endpoint:
 * LG_READ, answered with up to n LG_LINE messages (the newest last), then
 * LG_END. The log service also reads the kernel's log (klog_read). */
enum { LG_LINE = 1, LG_READ = 2, LG_END = 3 };
enum { LG_ERR = 0, LG_WARN = 1, LG_INFO = 2, LG_DEBUG = 3 };
typedef struct {
    uint32_t op;
    uint32_t level;    /* LG_ERR .. LG_DEBUG */
    uint64_t time_ns;  /* set by the log service */
    uint32_t n;        /* LG_READ: how many lines */
    char source[20];   /* who says it: a service name, or "kernel" */
    char text[216];
} lg_msg_t;

/* ---- console: the serial terminal -------------------------------------------------
 * CN_CONNECT on the connect endpoint with [session endpoint]. On a
 * session, the client sends bytes to print (raw, 1..256 per message) and
 * the console acknowledges each with a 0-byte message, as a stream
 * (sdk/include/dogma/stream.h); the console sends each input line the
 * user finishes (its text and the final '\n', or "\x03" for Ctrl-C) to
 * the newest session. */
enum { CN_CONNECT = 1 };

/* ---- driverd's supervisor requests (the "driverd" role) -----------------------------
 * Request/reply on a channel of the client's own. Lists come as one
 * message per item and then SV_END. */
enum {
    SV_PS = 1,       /* replies: SV_PROC per live process */
    SV_CAPS = 2,     /* arg: pid; replies: SV_CAP per handle it holds */
    SV_KILL = 3,     /* arg: pid; reply: SV_END with the status */
    SV_SERVICES = 4, /* replies: SV_SERVICE per manifest entry */
    SV_REBOOT = 5,   /* no reply: process 1 ends, the kernel resets */
};
enum { SV_PROC = 16, SV_CAP = 17, SV_SERVICE = 18, SV_END = 19 };
enum { SV_DOWN = 0, SV_RUNNING = 1, SV_BACKOFF = 2, SV_REFUSED = 3 };
typedef struct {
    uint32_t op;
    uint32_t arg;
} sv_request_t;
typedef struct {
    char name[20];
    char module[32];
    uint32_t state;       /* SV_DOWN .. SV_REFUSED */
    uint32_t pid;
    uint32_t restarts;
    uint32_t last_trap;   /* of the last end: the trap code, or 0 */
    int64_t last_status;  /* its exit status (-1 torn down) */
    uint32_t last_reason; /* its teardown reason */
    uint32_t reserved;
} sv_service_t;
typedef struct {
    uint32_t op;
    int32_t status;
    union {
        dogma_proc_info_t proc;
        dogma_cap_info_t cap;
        sv_service_t service;
    } u;
} sv_reply_t;

_Static_assert(sizeof(lg_msg_t) <= 256, "one message");
_Static_assert(sizeof(sv_reply_t) <= 256, "one message");

#endif

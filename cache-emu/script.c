/*
 * The Lua engine: one Lua 5.1 interpreter per server, the script cache, the
 * sandbox, the `redis` library and the RESP <-> Lua conversions, reproducing
 * Redis 7.0.15's eval.c, script.c and script_lua.c as seen from a client.
 *
 * The sandbox. Redis 7.0.15 runs a patched Lua whose tables can be made
 * read-only, and locks every table reachable from the globals: assigning a
 * global, or a field of `string`, `redis`, ... raises "Attempt to modify a
 * readonly table", and reading an unknown global raises "Script attempted to
 * access nonexistent global variable 'x'". Debian's stock Lua has no such
 * flag, so the same behaviour is built from metatables:
 *
 *   - the real globals table H holds every global; the thread's global table
 *     becomes an empty G whose metatable sends reads to H and refuses writes.
 *     H's own metatable raises the nonexistent-global error, so a global read
 *     that hits costs a table lookup and nothing more;
 *   - each library table (string, table, math, coroutine, cjson, bit, redis)
 *     is replaced in H by an empty proxy reading through to it and refusing
 *     writes; the string metatable's __metatable hides the real string table;
 *   - rawset, setmetatable, getmetatable, rawget, next, pairs and ipairs are
 *     replaced by versions that see through proxies (pairs(_G) lists the
 *     globals) and refuse to modify them, as Redis's refuse a read-only table.
 *
 * os, io, debug, print, loadfile, dofile, require, module, package, getfenv,
 * setfenv and newproxy are absent, as in Redis. loadstring and load parse
 * text only: a binary chunk fails as Redis's loader fails it ("unexpected
 * symbol near '<\27>'"), since bytecode can escape any sandbox.
 *
 * Libraries: cjson and bit from Debian's lua-cjson and lua-bitop; Redis's
 * struct and cmsgpack have no Debian package and are absent.
 *
 * A script runs inside lua_cpcall, so a Lua error anywhere (even out of
 * memory) unwinds to one place instead of Lua's panic handler. C frames in
 * between hold no resources of their own for that reason: the argument
 * vector of redis.call and the command client's buffer live in the engine.
 */
#include "cache-emu/script.h"

#ifdef CACHE_SCRIPT_HAVE_LUA

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <openssl/evp.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/info.h"
#include "cache-emu/resp_write.h"
#include "cache-emu/server.h"
#include "common/err.h"

/* Script flags: the shebang's, plus EVAL_COMPAT for a script without one. */
#define SF_EVAL_COMPAT (1u << 0)
#define SF_NO_WRITES   (1u << 1)
#define SF_ALLOW_OOM   (1u << 2)
#define SF_ALLOW_STALE (1u << 3)
#define SF_NO_CLUSTER  (1u << 4)
#define SF_ALLOW_XSLOT (1u << 5)

/* lua_gc(LUA_GCSTEP) every this many scripts, as Redis does to keep a full
 * collection from landing inside one script. */
#define GC_PERIOD 50
/* The REDIS_VERSION_NUM of 7.0.15. */
#define VERSION_NUM 0x0007000f
/* rand48 constants (POSIX drand48), the generator Redis gives math.random. */
#define RAND48_A    0x5DEECE66DULL
#define RAND48_C    0xBULL
#define RAND48_MASK ((1ULL << 48) - 1)
/* The state before any seeding: the X0 X1 X2 Redis's rand.c starts from. */
#define RAND48_INIT 0x1234ABCD330EULL
/* REDIS_LRAND48_MAX. */
#define RAND48_MAX INT32_MAX

static const char err_oom[] = "OOM command not allowed when used memory > 'maxmemory'.";
static const char err_oom_dashed[] = "-OOM command not allowed when used memory > 'maxmemory'.";

/* The commands Redis 7.0.15 marks noscript, by full name: refused from a
 * script even where this server's table lacks the flag. */
static const char *const noscript_names[] = {
    "acl|cat",
    "acl|deluser",
    "acl|dryrun",
    "acl|genpass",
    "acl|getuser",
    "acl|list",
    "acl|load",
    "acl|log",
    "acl|save",
    "acl|setuser",
    "acl|users",
    "acl|whoami",
    "auth",
    "bgrewriteaof",
    "bgsave",
    "blmove",
    "blpop",
    "brpop",
    "brpoplpush",
    "bzpopmax",
    "bzpopmin",
    "client|caching",
    "client|getname",
    "client|getredir",
    "client|id",
    "client|info",
    "client|kill",
    "client|list",
    "client|no-evict",
    "client|pause",
    "client|reply",
    "client|setname",
    "client|tracking",
    "client|trackinginfo",
    "client|unblock",
    "client|unpause",
    "cluster|reset",
    "config|get",
    "config|resetstat",
    "config|rewrite",
    "config|set",
    "debug",
    "discard",
    "eval",
    "eval_ro",
    "evalsha",
    "evalsha_ro",
    "exec",
    "failover",
    "fcall",
    "fcall_ro",
    "function|delete",
    "function|dump",
    "function|flush",
    "function|kill",
    "function|list",
    "function|load",
    "function|restore",
    "function|stats",
    "hello",
    "latency|doctor",
    "latency|graph",
    "latency|histogram",
    "latency|history",
    "latency|latest",
    "latency|reset",
    "module|list",
    "module|load",
    "module|loadex",
    "module|unload",
    "monitor",
    "multi",
    "psubscribe",
    "psync",
    "punsubscribe",
    "quit",
    "replconf",
    "replicaof",
    "reset",
    "role",
    "save",
    "script|debug",
    "script|exists",
    "script|flush",
    "script|kill",
    "script|load",
    "shutdown",
    "slaveof",
    "ssubscribe",
    "subscribe",
    "sunsubscribe",
    "sync",
    "unsubscribe",
    "unwatch",
    "wait",
    "watch",
};

struct cache_script;

/* The script being run: what redis.call needs to know about it. */
struct run {
    struct cache_script *eng;           /* owner */
    struct cache_client *c;             /* the caller, borrowed */
    char sha[CACHE_SCRIPT_SHA_LEN + 1]; /* the script's SHA1, lower case */
    const struct cache_resp_arg *keys;  /* KEYS, borrowed */
    size_t nkeys;                       /* entries in keys */
    const struct cache_resp_arg *args;  /* ARGV, borrowed */
    size_t nargs;                       /* entries in args */
    bool ro_cmd;                        /* called as EVAL_RO / EVALSHA_RO */
    bool read_only;                     /* writes refused (ro_cmd or no-writes) */
    bool allow_oom;                     /* shebang allow-oom */
    bool oom_at_start;                  /* over maxmemory when the script started */
    bool write_dirty;                   /* a write command already ran */
    int resp;                           /* redis.setresp(): 2 or 3 */
};

/* One server's engine. The interpreter is created on first use and again
 * after SCRIPT FLUSH; the rand48 state outlives both, as in Redis. */
struct cache_script {
    struct cache_server *srv;    /* owner, borrowed */
    struct cache_script *next;   /* engines list */
    lua_State *L;                /* owned; NULL until needed */
    int ref_globals;             /* registry ref: the real globals table H */
    int ref_scripts;             /* registry ref: sha -> compiled function */
    int ref_flags;               /* registry ref: sha -> SF_* (number) */
    struct cache_client *fake;   /* the client commands of scripts run as, owned */
    struct run *run;             /* the running script, NULL between scripts */
    bool in_call;                /* inside redis.call: no re-entry */
    struct cache_resp_arg *argv; /* redis.call's argument vector, owned */
    size_t argv_cap;             /* entries allocated in argv */
    uint64_t rand48;             /* math.random's generator state */
    size_t nscripts;             /* scripts cached */
    size_t cache_bytes;          /* their bodies plus index entries */
    unsigned gc_count;           /* scripts since the last GC step */
};

/* Engines of the servers of this process (one in the daemon; tests may make
 * more), found by server. */
static struct cache_script *engines;

static struct cache_script *engine_find(struct cache_server *srv)
{
    for (struct cache_script *e = engines; e; e = e->next)
        if (e->srv == srv)
            return e;
    return NULL;
}

/* ---- small helpers ---- */

static void sha1_hex(const void *p, size_t len, char out[CACHE_SCRIPT_SHA_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(p, len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
        memset(md, 0, 20);
    for (int i = 0; i < 20; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[CACHE_SCRIPT_SHA_LEN] = '\0';
}

static uint32_t rand48_next(uint64_t *x)
{
    *x = (RAND48_A * *x + RAND48_C) & RAND48_MASK;
    return (uint32_t)(*x >> 17);
}

static void rand48_seed(uint64_t *x, int32_t seed)
{
    *x = ((uint64_t)(uint32_t)seed << 16) | 0x330EULL;
}

/* (long long)d as x86 does it (cvttsd2si): LLONG_MIN for NaN and anything
 * out of range, which is what Redis's replies show for 1/0 and 1e30. */
static long long double_to_ll(double d)
{
    if (isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return LLONG_MIN;
    return (long long)d;
}

/* The engine stored as upvalue 1 of the redis.* closures. */
static struct cache_script *upvalue_engine(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/*
 * luaPushErrorBuff(): pushes {err="CODE msg"} for text s. "-CODE msg" keeps
 * its code; a text without the dash, or a dash without a space, gets "ERR".
 * CR and LF at either end of msg are trimmed.
 */
static void push_error_table(lua_State *L, const char *s, size_t len)
{
    const char *code = "ERR", *msg = s;
    size_t codelen = 3, msglen = len;
    if (len && s[0] == '-') {
        const char *sp = memchr(s, ' ', len);
        if (!sp) {
            msg = s + 1;
            msglen = len - 1;
        } else {
            code = s + 1;
            codelen = (size_t)(sp - s - 1);
            msg = sp + 1;
            msglen = len - (size_t)(sp + 1 - s);
        }
    }
    while (msglen && (msg[0] == '\r' || msg[0] == '\n')) {
        msg++;
        msglen--;
    }
    while (msglen && (msg[msglen - 1] == '\r' || msg[msglen - 1] == '\n'))
        msglen--;
    lua_createtable(L, 0, 2);
    lua_pushlstring(L, code, codelen);
    lua_pushliteral(L, " ");
    lua_pushlstring(L, msg, msglen);
    lua_concat(L, 3);
    lua_setfield(L, -2, "err");
}

static void push_error_cstr(lua_State *L, const char *s)
{
    push_error_table(L, s, strlen(s));
}

/* luaPushError() + luaError(): raises {err="ERR <s>"}. */
static int raise_error(lua_State *L, const char *s)
{
    push_error_cstr(L, s);
    return lua_error(L);
}

/* ---- RESP reply -> Lua value ---- */

/* Where the line starting at p ends (its '\r'), or NULL without a CRLF. */
static const char *line_end(const char *p, const char *end)
{
    while (p < end) {
        const char *r = memchr(p, '\r', (size_t)(end - p));
        if (!r || r + 1 >= end)
            return NULL;
        if (r[1] == '\n')
            return r;
        p = r + 1;
    }
    return NULL;
}

static bool parse_ll(const char *p, const char *e, long long *out)
{
    char buf[32];
    size_t n = (size_t)(e - p);
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end || errno)
        return false;
    *out = v;
    return true;
}

static void need_stack(lua_State *L, int n)
{
    if (!lua_checkstack(L, n))
        luaL_error(L, "reached lua stack limit");
}

/*
 * Parses the reply at p; pushes its Lua value when push is set (attributes
 * are parsed without pushing, as Redis hides them from scripts). Returns the
 * position after it, or NULL when the bytes are not one complete reply.
 */
static const char *reply_to_lua(lua_State *L, const char *p, const char *end, bool push)
{
    if (p >= end)
        return NULL;
    const char *e = line_end(p + 1, end);
    if (!e)
        return NULL;
    const char *body = p + 1;
    const char *next = e + 2;
    long long n = 0;
    if (push)
        need_stack(L, 4);
    switch (*p) {
    case '+':
        if (push) {
            lua_createtable(L, 0, 1);
            lua_pushlstring(L, body, (size_t)(e - body));
            lua_setfield(L, -2, "ok");
        }
        return next;
    case '-':
        if (push) {
            /* The dash is kept: push_error_table() reads the code after it. */
            push_error_table(L, p, (size_t)(e - p));
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "ignore_error_stats_update");
        }
        return next;
    case ':':
        if (!parse_ll(body, e, &n))
            return NULL;
        if (push)
            lua_pushnumber(L, (lua_Number)n);
        return next;
    case '_':
        if (push)
            lua_pushnil(L);
        return next;
    case '#':
        if (push)
            lua_pushboolean(L, e > body && *body == 't');
        return next;
    case ',': {
        char buf[64];
        size_t len = (size_t)(e - body);
        if (len >= sizeof(buf))
            return NULL;
        memcpy(buf, body, len);
        buf[len] = '\0';
        if (push) {
            lua_createtable(L, 0, 1);
            lua_pushnumber(L, strtod(buf, NULL));
            lua_setfield(L, -2, "double");
        }
        return next;
    }
    case '(':
        if (push) {
            lua_createtable(L, 0, 1);
            lua_pushlstring(L, body, (size_t)(e - body));
            lua_setfield(L, -2, "big_number");
        }
        return next;
    case '$':
    case '=':
        if (!parse_ll(body, e, &n))
            return NULL;
        if (n < 0) {
            if (push)
                lua_pushboolean(L, 0);
            return next;
        }
        if ((unsigned long long)n > (unsigned long long)(end - next) ||
            (size_t)(end - next) - (size_t)n < 2)
            return NULL;
        if (push) {
            if (*p == '$') {
                lua_pushlstring(L, next, (size_t)n);
            } else {
                /* "txt:payload": {verbatim_string={format="txt", string=payload}} */
                size_t fl = n >= 4 ? 3 : (size_t)n;
                size_t skip = n >= 4 ? 4 : (size_t)n;
                lua_createtable(L, 0, 1);
                lua_createtable(L, 0, 2);
                lua_pushlstring(L, next + skip, (size_t)n - skip);
                lua_setfield(L, -2, "string");
                lua_pushlstring(L, next, fl);
                lua_setfield(L, -2, "format");
                lua_setfield(L, -2, "verbatim_string");
            }
        }
        return next + n + 2;
    case '*':
    case '>':
    case '~':
    case '%':
    case '|': {
        if (!parse_ll(body, e, &n))
            return NULL;
        if (n < 0) {
            if (push)
                lua_pushboolean(L, 0);
            return next;
        }
        const char *q = next;
        if (*p == '|') {
            for (long long i = 0; i < n * 2 && q; i++)
                q = reply_to_lua(L, q, end, false);
            return q ? reply_to_lua(L, q, end, push) : NULL;
        }
        if (*p == '%' || *p == '~') {
            if (push) {
                lua_createtable(L, 0, 1);
                lua_createtable(L, 0, n > INT_MAX ? INT_MAX : (int)n);
            }
            for (long long i = 0; i < n && q; i++) {
                q = reply_to_lua(L, q, end, push);
                if (q && *p == '%')
                    q = reply_to_lua(L, q, end, push);
                else if (q && push)
                    lua_pushboolean(L, 1);
                if (q && push)
                    lua_settable(L, -3);
            }
            if (q && push)
                lua_setfield(L, -2, *p == '%' ? "map" : "set");
            return q;
        }
        if (push)
            lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
        for (long long i = 0; i < n && q; i++) {
            q = reply_to_lua(L, q, end, push);
            if (q && push)
                lua_rawseti(L, -2, (int)(i + 1));
        }
        return q;
    }
    default:
        return NULL;
    }
}

ssize_t cache_script_push_reply(struct lua_State *L, const char *p, size_t len)
{
    int top = lua_gettop(L);
    const char *q = reply_to_lua(L, p, p + len, true);
    if (!q) {
        lua_settop(L, top);
        return DD_ERR;
    }
    return (ssize_t)(q - p);
}

/* ---- Lua value -> RESP reply ---- */

static void mark_oom(struct cache_client *c, int rc)
{
    if (rc != DD_OK)
        c->flags |= CACHE_CLIENT_REPLY_OOM;
}

/*
 * The error replies a script produces. text is written as is, a leading '-'
 * included ("--x" for a script's {err='-x'}), and "" as a bare "-": what
 * Redis's addReplyErrorLength() sends. count: whether the reply counts in
 * total_error_replies and errorstats (not when the command inside the script
 * already counted it: Redis's ignore_error_stats_update).
 */
static void reply_error_text(struct cache_client *c, const char *text, size_t len, bool count)
{
    int rc;
    if (len == 0) {
        rc = dd_buf_append(&c->out, "-\r\n", 3);
    } else if (text[0] == '-') {
        char *dashed = malloc(len + 1);
        if (!dashed) {
            mark_oom(c, DD_ENOMEM);
            return;
        }
        dashed[0] = '-';
        memcpy(dashed + 1, text, len);
        rc = cache_resp_write_error(&c->out, dashed, len + 1);
        free(dashed);
    } else {
        rc = cache_resp_write_error(&c->out, text, len);
    }
    mark_oom(c, rc);
    if (count) {
        c->srv->stats.total_error_replies++;
        cache_info_record_error(c->srv, text, len);
    }
}

/* A copy of s with CR and LF as spaces (status replies, big numbers); NULL
 * on ENOMEM. Caller frees. */
static char *crlf_to_spaces(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++)
        d[i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    d[len] = '\0';
    return d;
}

/* Pushes t[name] (raw) for the table at idx and returns its type. */
static int raw_field(lua_State *L, int idx, const char *name)
{
    lua_pushstring(L, name);
    lua_rawget(L, idx < 0 ? idx - 1 : idx);
    return lua_type(L, -1);
}

/* Writes the error table at the top (not popped) as c's reply. */
static void reply_error_table(struct cache_client *c, lua_State *L)
{
    lua_getfield(L, -1, "err");
    size_t len = 0;
    const char *msg = lua_isstring(L, -1) ? lua_tolstring(L, -1, &len) : "";
    /* Redis copies with sdsnew(): the text ends at a NUL. */
    len = strnlen(msg, len);
    lua_getfield(L, -2, "ignore_error_stats_update");
    bool ignore = lua_isboolean(L, -1) && lua_toboolean(L, -1);
    lua_pop(L, 1);
    reply_error_text(c, msg, len, !ignore);
    lua_pop(L, 1);
}

static void lua_to_reply(struct cache_client *c, lua_State *L, int script_resp)
{
    if (!lua_checkstack(L, 4)) {
        cache_reply_error(c, "ERR reached lua stack limit");
        lua_pop(L, 1);
        return;
    }
    size_t len;
    const char *s;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, -1, &len);
        cache_reply_bulk(c, s, len);
        break;
    case LUA_TBOOLEAN:
        if (script_resp == 2) {
            if (lua_toboolean(L, -1))
                cache_reply_ll(c, 1);
            else
                cache_reply_null(c);
        } else {
            cache_reply_bool(c, lua_toboolean(L, -1));
        }
        break;
    case LUA_TNUMBER:
        cache_reply_ll(c, double_to_ll(lua_tonumber(L, -1)));
        break;
    case LUA_TTABLE: {
        if (raw_field(L, -1, "err") == LUA_TSTRING) {
            lua_pop(L, 1);
            reply_error_table(c, L);
            break;
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "ok") == LUA_TSTRING) {
            s = lua_tolstring(L, -1, &len);
            len = strnlen(s, len);
            mark_oom(c, cache_resp_write_simple(&c->out, s, len));
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "double") == LUA_TNUMBER) {
            cache_reply_double(c, lua_tonumber(L, -1));
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "big_number") == LUA_TSTRING) {
            s = lua_tolstring(L, -1, &len);
            char *d = crlf_to_spaces(s, len);
            mark_oom(c, d ? cache_resp_write_bignum(&c->out, c->proto, d, len) : DD_ENOMEM);
            free(d);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "verbatim_string") == LUA_TTABLE) {
            if (raw_field(L, -1, "format") == LUA_TSTRING) {
                size_t flen;
                const char *f = lua_tolstring(L, -1, &flen);
                if (raw_field(L, -2, "string") == LUA_TSTRING) {
                    char ext[4] = "txt";
                    if (flen >= 3)
                        memcpy(ext, f, 3);
                    s = lua_tolstring(L, -1, &len);
                    mark_oom(c, cache_resp_write_verbatim(&c->out, c->proto, ext, s, len));
                    lua_pop(L, 4);
                    return;
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "map") == LUA_TTABLE) {
            size_t h = cache_reply_defer(c), n = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pushvalue(L, -2);
                lua_to_reply(c, L, script_resp); /* the key */
                lua_to_reply(c, L, script_resp); /* the value */
                n++;
            }
            cache_reply_defer_set(c, h, 'm', n);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        if (raw_field(L, -1, "set") == LUA_TTABLE) {
            size_t h = cache_reply_defer(c), n = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pop(L, 1);
                lua_pushvalue(L, -1);
                lua_to_reply(c, L, script_resp);
                n++;
            }
            cache_reply_defer_set(c, h, 's', n);
            lua_pop(L, 2);
            return;
        }
        lua_pop(L, 1);
        /* An array: elements 1, 2, ... up to the first nil. */
        size_t h = cache_reply_defer(c), n = 0;
        for (int j = 1;; j++) {
            lua_rawgeti(L, -1, j);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                break;
            }
            lua_to_reply(c, L, script_resp);
            n++;
        }
        cache_reply_defer_set(c, h, 'a', n);
        break;
    }
    default:
        cache_reply_null(c);
    }
    lua_pop(L, 1);
}

void cache_script_write_reply(struct cache_client *c, struct lua_State *L, int script_resp)
{
    lua_to_reply(c, L, script_resp);
}

/* ---- the redis library ---- */

/* Whether cmd is one a script may not run (Redis's noscript flag). */
static bool cmd_noscript(const struct cache_command *cmd)
{
    if (cmd->flags & CACHE_CMD_NOSCRIPT)
        return true;
    char name[96];
    cache_command_fullname(cmd, name, sizeof(name));
    for (size_t i = 0; i < DD_ARRAY_LEN(noscript_names); i++)
        if (strcmp(noscript_names[i], name) == 0)
            return true;
    return false;
}

/*
 * luaArgsToRedisArgv(): the arguments on L's stack as the engine's argv.
 * Numbers become "%.17g" strings (Lua's own conversion loses precision);
 * anything but strings and numbers is refused. The strings stay on the
 * stack, which keeps argv's pointers valid. Pushes the error table and
 * returns 0 on failure, else the argument count.
 */
static int lua_args_to_argv(lua_State *L, struct cache_script *eng)
{
    int argc = lua_gettop(L);
    if (argc == 0) {
        push_error_cstr(L, "Please specify at least one argument for this redis lib call");
        return 0;
    }
    if ((size_t)argc > eng->argv_cap) {
        size_t ncap = (size_t)argc < 16 ? 16 : (size_t)argc;
        struct cache_resp_arg *n = realloc(eng->argv, ncap * sizeof(*n));
        if (!n) {
            push_error_cstr(L, "out of memory");
            return 0;
        }
        eng->argv = n;
        eng->argv_cap = ncap;
    }
    for (int j = 1; j <= argc; j++) {
        int t = lua_type(L, j);
        if (t == LUA_TNUMBER) {
            char dbuf[64];
            int n = snprintf(dbuf, sizeof(dbuf), "%.17g", (double)lua_tonumber(L, j));
            lua_pushlstring(L, dbuf, (size_t)n);
            lua_replace(L, j);
        } else if (t != LUA_TSTRING) {
            lua_settop(L, 0);
            push_error_cstr(L, "Lua redis lib command arguments must be strings or integers");
            return 0;
        }
        size_t len;
        eng->argv[j - 1].ptr = lua_tolstring(L, j, &len);
        eng->argv[j - 1].len = len;
    }
    return argc;
}

/* lookupCommand(): the command, or its subcommand for containers; NULL when
 * unknown. */
static const struct cache_command *lookup_argv(const struct cache_resp_arg *argv, size_t argc)
{
    const struct cache_command *cmd = cache_command_lookup(argv[0].ptr, argv[0].len);
    if (!cmd)
        return NULL;
    if (cmd->subcommands && argc >= 2)
        cmd = cache_command_sub_lookup(cmd, argv[1].ptr, argv[1].len);
    return cmd;
}

static bool arity_ok(const struct cache_command *cmd, size_t argc)
{
    return (cmd->arity > 0 && (size_t)cmd->arity == argc) ||
           (cmd->arity < 0 && argc >= (size_t)-cmd->arity);
}

/* scriptCall()'s checks, in Redis's order; NULL when cmd may run. */
static const char *script_call_refusal(struct run *r, const struct cache_command *cmd, size_t argc)
{
    if (!cmd || (!cmd->fn && !(cmd->subcommands && argc < 2)))
        return "Unknown Redis command called from script";
    if (!arity_ok(cmd, argc) || !cmd->fn)
        return "Wrong number of args calling Redis command from script";
    if (cmd_noscript(cmd))
        return "This Redis command is not allowed from script";
    if (r->read_only && (cmd->flags & (CACHE_CMD_WRITE | CACHE_CMD_MAY_REPLICATE)))
        return "Write commands are not allowed from read-only scripts.";
    if (!r->allow_oom && r->oom_at_start && !r->write_dirty && (cmd->flags & CACHE_CMD_DENYOOM))
        return err_oom;
    return NULL;
}

/*
 * redis.call / redis.pcall: runs the command with the engine's client and
 * hands its reply to the script. call raises an error reply; pcall returns
 * it as {err=...}. Errors Redis raises before running the command (unknown,
 * arity, noscript, read-only) take the same two ways.
 */
static int redis_generic_call(lua_State *L, bool raise)
{
    struct cache_script *eng = upvalue_engine(L);
    struct run *r = eng->run;
    if (!r)
        return raise_error(L, "redis.call/pcall can only be called inside a script invocation");
    if (eng->in_call) {
        push_error_cstr(L, "luaRedisGenericCommand() recursive call detected. Are you doing "
                           "funny stuff with Lua debug hooks?");
        return 1;
    }
    int argc = lua_args_to_argv(L, eng);
    if (argc == 0)
        return raise ? lua_error(L) : 1;
    struct cache_client *fake = eng->fake;
    const struct cache_command *cmd = lookup_argv(eng->argv, (size_t)argc);
    const char *why = script_call_refusal(r, cmd, (size_t)argc);
    if (why) {
        lua_settop(L, 0);
        if (why == err_oom)
            push_error_table(L, err_oom_dashed, strlen(err_oom_dashed));
        else
            push_error_cstr(L, why);
        return raise ? lua_error(L) : 1;
    }
    if (cmd->flags & CACHE_CMD_WRITE)
        r->write_dirty = true;
    eng->in_call = true;
    dd_buf_reset(&fake->out);
    fake->argv = eng->argv;
    fake->argc = (size_t)argc;
    fake->flags &= ~CACHE_CLIENT_REPLY_OOM;
    (void)cache_server_call(fake, cmd);
    fake->argv = NULL;
    fake->argc = 0;
    eng->in_call = false;
    lua_settop(L, 0);
    if (fake->out.len == 0 || (fake->flags & CACHE_CLIENT_REPLY_OOM)) {
        fake->flags &= ~CACHE_CLIENT_REPLY_OOM;
        dd_buf_reset(&fake->out);
        push_error_cstr(L, "out of memory");
        return raise ? lua_error(L) : 1;
    }
    bool is_error = fake->out.data[0] == '-';
    if (reply_to_lua(L, fake->out.data, fake->out.data + fake->out.len, true) == NULL) {
        dd_buf_reset(&fake->out);
        push_error_cstr(L, "the command's reply could not be read");
        return raise ? lua_error(L) : 1;
    }
    if (fake->out.cap > 64 * 1024)
        dd_buf_release(&fake->out);
    else
        dd_buf_reset(&fake->out);
    if (raise && is_error)
        return lua_error(L);
    return 1;
}

static int l_redis_call(lua_State *L)
{
    return redis_generic_call(L, true);
}

static int l_redis_pcall(lua_State *L)
{
    return redis_generic_call(L, false);
}

/* redis.sha1hex(s). */
static int l_redis_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error(L, "wrong number of arguments");
    size_t len = 0;
    const char *s = lua_tolstring(L, 1, &len);
    char hex[CACHE_SCRIPT_SHA_LEN + 1];
    sha1_hex(s ? s : "", s ? len : 0, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* redis.error_reply(s): {err=s}, with Redis's code rules. */
static int l_redis_error_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_error_cstr(L, "wrong number or type of arguments");
        return 1;
    }
    const char *s = lua_tostring(L, -1);
    if (s[0] == '-') {
        push_error_table(L, s, strlen(s));
    } else {
        lua_pushliteral(L, "-");
        lua_pushstring(L, s);
        lua_concat(L, 2);
        size_t len;
        const char *d = lua_tolstring(L, -1, &len);
        push_error_table(L, d, len);
    }
    return 1;
}

/* redis.status_reply(s): {ok=s}. */
static int l_redis_status_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_error_cstr(L, "wrong number or type of arguments");
        return 1;
    }
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "ok");
    return 1;
}

/* redis.log(level, ...): checked like Redis, then dropped (cache-emu keeps
 * no Redis log file). */
static int l_redis_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2)
        return raise_error(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, -argc))
        return raise_error(L, "First argument must be a number (log level).");
    long long level = double_to_ll(lua_tonumber(L, -argc));
    if (level < 0 || level > 3)
        return raise_error(L, "Invalid debug level.");
    return 0;
}

/* redis.setresp(2|3): the protocol redis.call's commands answer in. */
static int l_redis_setresp(lua_State *L)
{
    struct cache_script *eng = upvalue_engine(L);
    if (!eng->run)
        return raise_error(L, "redis.setresp can only be called inside a script invocation");
    if (lua_gettop(L) != 1)
        return raise_error(L, "redis.setresp() requires one argument.");
    long long resp = double_to_ll(lua_tonumber(L, 1));
    if (resp != 2 && resp != 3)
        return raise_error(L, "RESP version must be 2 or 3.");
    eng->run->resp = resp;
    eng->fake->proto = resp == 3 ? CACHE_RESP3 : CACHE_RESP2;
    return 0;
}

/* redis.set_repl(flags): checked, no effect (no replication here). */
static int l_redis_set_repl(lua_State *L)
{
    struct cache_script *eng = upvalue_engine(L);
    if (!eng->run)
        return raise_error(L, "redis.set_repl can only be called inside a script invocation");
    if (lua_gettop(L) != 1)
        return raise_error(L, "redis.set_repl() requires two arguments.");
    long long flags = double_to_ll(lua_tonumber(L, -1));
    if (flags & ~3LL)
        return raise_error(
            L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    return 0;
}

/* redis.replicate_commands(): always on since Redis 7.0. */
static int l_redis_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

/* redis.breakpoint(): false outside the Lua debugger, which cache-emu lacks. */
static int l_redis_breakpoint(lua_State *L)
{
    lua_pushboolean(L, 0);
    return 1;
}

/* redis.debug(...): prints only in the Lua debugger. */
static int l_redis_debug(lua_State *L)
{
    (void)L;
    return 0;
}

/* redis.acl_check_cmd(cmd, ...): every known command is allowed (no ACLs). */
static int l_redis_acl_check_cmd(lua_State *L)
{
    struct cache_script *eng = upvalue_engine(L);
    if (!eng->run)
        return raise_error(L, "redis.acl_check_cmd can only be called inside a script invocation");
    int argc = lua_args_to_argv(L, eng);
    if (argc == 0)
        return lua_error(L);
    const struct cache_command *cmd = lookup_argv(eng->argv, (size_t)argc);
    lua_settop(L, 0);
    if (!cmd || !arity_ok(cmd, (size_t)argc))
        return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, 1);
    return 1;
}

/* math.random, on the rand48 sequence Redis uses (not libc's rand). */
static int l_math_random(lua_State *L)
{
    struct cache_script *eng = upvalue_engine(L);
    if (!eng->run)
        return luaL_error(L, "math.random can only be called inside a script invocation");
    lua_Number r = (lua_Number)(rand48_next(&eng->rand48) % RAND48_MAX) / (lua_Number)RAND48_MAX;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int l_math_randomseed(lua_State *L)
{
    struct cache_script *eng = upvalue_engine(L);
    if (!eng->run)
        return luaL_error(L, "math.randomseed can only be called inside a script invocation");
    rand48_seed(&eng->rand48, (int32_t)luaL_checkint(L, 1));
    return 0;
}

/* Redis's pcall: like Lua's, but an error table with a string err field is
 * handed back as that string (Redis 7's errors are tables; scripts written
 * for older versions expect strings). */
static int l_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int argc = lua_gettop(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1))
                lua_replace(L, -2);
            else
                lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

/*
 * The error handler of every script: the function and line the error came
 * from (the caller's when a C function raised it), and an error that is not
 * already a table becomes {err="ERR <tostring(err)>"}. Upvalue 1 is the
 * original tostring.
 */
static int l_err_handler(lua_State *L)
{
    lua_Debug ar;
    bool have = lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar);
    if (have && strcmp(ar.what, "C") == 0)
        have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "Sl", &ar);
    lua_settop(L, 1);
    if (!lua_istable(L, 1)) {
        lua_createtable(L, 0, 3);
        lua_pushliteral(L, "ERR ");
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_concat(L, 2);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
    }
    if (have) {
        lua_pushliteral(L, "source");
        lua_pushstring(L, ar.source);
        lua_rawset(L, 1);
        lua_pushliteral(L, "line");
        lua_pushnumber(L, ar.currentline);
        lua_rawset(L, 1);
    }
    return 1;
}

/* ---- loading chunks: text only ---- */

/* A reader over one buffer that yields " " first when the buffer starts like
 * a binary chunk, so Lua parses it as text and fails the way Redis's Lua
 * (which has no bytecode loader) does. */
struct buf_reader {
    const char *p; /* the chunk, borrowed */
    size_t len;    /* its length */
    int stage;     /* 0: nothing given yet, 1: space given, 2: done */
};

static const char *buf_reader_read(lua_State *L, void *ud, size_t *size)
{
    (void)L;
    struct buf_reader *r = ud;
    if (r->stage == 0 && r->len && r->p[0] == LUA_SIGNATURE[0]) {
        r->stage = 1;
        *size = 1;
        return " ";
    }
    if (r->stage == 2 || r->len == 0) {
        *size = 0;
        return NULL;
    }
    r->stage = 2;
    *size = r->len;
    return r->p;
}

static int load_text(lua_State *L, const char *p, size_t len, const char *chunkname)
{
    struct buf_reader r = { p, len, 0 };
    return lua_load(L, buf_reader_read, &r, chunkname);
}

/* loadstring(s [, chunkname]). */
static int l_loadstring(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *chunkname = luaL_optstring(L, 2, s);
    if (load_text(L, s, len, chunkname) == 0)
        return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

/* load(func [, chunkname]): pieces from func, first byte checked as above. */
struct fn_reader {
    int stage; /* 0: nothing read, 1: a space owed before the first piece, 2: plain */
};

static const char *fn_reader_read(lua_State *L, void *ud, size_t *size)
{
    struct fn_reader *r = ud;
    if (r->stage == 1) {
        r->stage = 2;
        return lua_tolstring(L, 3, size);
    }
    luaL_checkstack(L, 2, "too many nested functions");
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    if (!lua_isstring(L, -1))
        luaL_error(L, "reader function must return a string");
    lua_replace(L, 3);
    const char *s = lua_tolstring(L, 3, size);
    if (r->stage == 0) {
        r->stage = 2;
        if (*size && s[0] == LUA_SIGNATURE[0]) {
            r->stage = 1;
            *size = 1;
            return " ";
        }
    }
    return s;
}

static int l_load(lua_State *L)
{
    const char *cname = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 3);
    struct fn_reader r = { 0 };
    if (lua_load(L, fn_reader_read, &r, cname) == 0)
        return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

/* ---- read-only tables ---- */

/* Pushes the real table behind the proxy at idx, or nil when not a proxy. */
static void push_real(lua_State *L, int idx)
{
    lua_pushvalue(L, idx);
    lua_rawget(L, lua_upvalueindex(1));
}

/* The table to read for argument 1: the proxied table or itself. Leaves it
 * at index 1. */
static void see_through(lua_State *L)
{
    if (!lua_istable(L, 1))
        return;
    push_real(L, 1);
    if (lua_istable(L, -1))
        lua_replace(L, 1);
    else
        lua_pop(L, 1);
}

static bool is_proxy(lua_State *L, int idx)
{
    push_real(L, idx);
    bool p = !lua_isnil(L, -1);
    lua_pop(L, 1);
    return p;
}

/* __newindex of read-only tables: the error at the script's line. */
static int l_readonly_newindex(lua_State *L)
{
    return luaL_error(L, "Attempt to modify a readonly table");
}

/* Reading a global that does not exist. */
static int l_missing_global(lua_State *L)
{
    if (lua_gettop(L) != 2)
        return luaL_error(L, "Wrong number of arguments to luaProtectedTableError");
    if (!lua_isstring(L, -1))
        return luaL_error(L,
                          "Second argument to luaProtectedTableError must be a string or number");
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                      lua_tostring(L, -1));
}

static int l_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_proxy(L, 1)) {
        lua_pushliteral(L, "Attempt to modify a readonly table");
        return lua_error(L);
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int l_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    see_through(L);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int l_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    see_through(L);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* pairs(t): next (upvalue 2), t, nil. */
static int l_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int l_ipairs_aux(lua_State *L)
{
    int i = luaL_checkint(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    see_through(L);
    i++;
    lua_pushinteger(L, i);
    lua_rawgeti(L, 1, i);
    return lua_isnil(L, -1) ? 0 : 2;
}

/* ipairs(t): the iterator (upvalue 2), t, 0. */
static int l_ipairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int l_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (is_proxy(L, 1)) {
        lua_pushliteral(L, "Attempt to modify a readonly table");
        return lua_error(L);
    }
    if (luaL_getmetafield(L, 1, "__metatable"))
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* getmetatable(v): a proxy shows what Redis's table would (upvalue 2 maps
 * proxy -> shown metatable; nil when none). */
static int l_getmetatable(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_istable(L, 1) && is_proxy(L, 1)) {
        lua_pushvalue(L, 1);
        lua_rawget(L, lua_upvalueindex(2));
        return 1;
    }
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_getmetafield(L, 1, "__metatable");
    return 1;
}

/* Replaces the table at the top with a read-only proxy of it, recorded in
 * the proxies table at pidx (absolute). */
static void make_proxy(lua_State *L, int pidx)
{
    int real = lua_gettop(L);
    lua_newtable(L); /* the proxy */
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_pushvalue(L, real);
    lua_rawset(L, pidx);
    lua_replace(L, real);
}

/* A global function closing over the proxies table and maybe one more value
 * (at the top when extra is set, popped). */
static void set_wrapper(lua_State *L, int hidx, const char *name, lua_CFunction fn, int pidx,
                        bool extra)
{
    lua_pushvalue(L, pidx);
    if (extra)
        lua_pushvalue(L, -2);
    lua_pushcclosure(L, fn, extra ? 2 : 1);
    lua_setfield(L, hidx, name);
    if (extra)
        lua_pop(L, 1);
}

/* ---- building the interpreter ---- */

static void open_lib(lua_State *L, const char *name, lua_CFunction fn, bool set_global)
{
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, set_global ? 1 : 0);
    if (set_global) {
        if (lua_istable(L, -1))
            lua_setglobal(L, name);
        else
            lua_pop(L, 1);
    }
}

static void set_engine_fn(lua_State *L, struct cache_script *eng, const char *name,
                          lua_CFunction fn)
{
    lua_pushlightuserdata(L, eng);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

static void set_number(lua_State *L, const char *name, lua_Number v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

/* The redis table, left on the stack. */
static void push_redis_table(lua_State *L, struct cache_script *eng)
{
    lua_newtable(L);
    set_engine_fn(L, eng, "call", l_redis_call);
    set_engine_fn(L, eng, "pcall", l_redis_pcall);
    set_engine_fn(L, eng, "log", l_redis_log);
    set_number(L, "LOG_DEBUG", 0);
    set_number(L, "LOG_VERBOSE", 1);
    set_number(L, "LOG_NOTICE", 2);
    set_number(L, "LOG_WARNING", 3);
    set_number(L, "REDIS_VERSION_NUM", VERSION_NUM);
    lua_pushliteral(L, "7.0.15");
    lua_setfield(L, -2, "REDIS_VERSION");
    set_engine_fn(L, eng, "setresp", l_redis_setresp);
    set_engine_fn(L, eng, "sha1hex", l_redis_sha1hex);
    set_engine_fn(L, eng, "error_reply", l_redis_error_reply);
    set_engine_fn(L, eng, "status_reply", l_redis_status_reply);
    set_engine_fn(L, eng, "set_repl", l_redis_set_repl);
    set_number(L, "REPL_NONE", 0);
    set_number(L, "REPL_AOF", 1);
    set_number(L, "REPL_SLAVE", 2);
    set_number(L, "REPL_REPLICA", 2);
    set_number(L, "REPL_ALL", 3);
    set_engine_fn(L, eng, "replicate_commands", l_redis_replicate_commands);
    set_engine_fn(L, eng, "breakpoint", l_redis_breakpoint);
    set_engine_fn(L, eng, "debug", l_redis_debug);
    set_engine_fn(L, eng, "acl_check_cmd", l_redis_acl_check_cmd);
}

/* Runs under lua_cpcall with the engine: libraries, the redis table, the
 * sandbox, and the registry tables the engine keeps refs to. */
static int init_protected(lua_State *L)
{
    struct cache_script *eng = lua_touserdata(L, 1);
    lua_settop(L, 0);
    open_lib(L, "", luaopen_base, false);
    open_lib(L, LUA_TABLIBNAME, luaopen_table, false);
    open_lib(L, LUA_STRLIBNAME, luaopen_string, false);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math, false);
    open_lib(L, "cjson", luaopen_cjson, true);
    open_lib(L, "bit", luaopen_bit, true);

    /* From here the old globals table is H, the one the sandbox hides. */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    int h = lua_gettop(L);
    static const char *const removed[] = { "print",   "loadfile", "dofile", "getfenv",
                                           "setfenv", "newproxy", "module", "require",
                                           "package", "os",       "io",     "debug" };
    for (size_t i = 0; i < DD_ARRAY_LEN(removed); i++) {
        lua_pushnil(L);
        lua_setfield(L, h, removed[i]);
    }
    lua_newtable(L); /* proxy -> real */
    int proxies = lua_gettop(L);
    lua_newtable(L); /* proxy -> shown metatable */
    int shown = lua_gettop(L);

    lua_pushcfunction(L, l_pcall);
    lua_setfield(L, h, "pcall");
    lua_pushcfunction(L, l_loadstring);
    lua_setfield(L, h, "loadstring");
    lua_pushcfunction(L, l_load);
    lua_setfield(L, h, "load");
    set_wrapper(L, h, "rawset", l_rawset, proxies, false);
    set_wrapper(L, h, "rawget", l_rawget, proxies, false);
    set_wrapper(L, h, "setmetatable", l_setmetatable, proxies, false);
    lua_pushvalue(L, shown);
    set_wrapper(L, h, "getmetatable", l_getmetatable, proxies, true);
    set_wrapper(L, h, "next", l_next, proxies, false);
    lua_getfield(L, h, "next");
    set_wrapper(L, h, "pairs", l_pairs, proxies, true);
    lua_pushvalue(L, proxies);
    lua_pushcclosure(L, l_ipairs_aux, 1);
    set_wrapper(L, h, "ipairs", l_ipairs, proxies, true);

    lua_getfield(L, h, "math");
    set_engine_fn(L, eng, "random", l_math_random);
    set_engine_fn(L, eng, "randomseed", l_math_randomseed);
    lua_pop(L, 1);

    push_redis_table(L, eng);
    lua_setfield(L, h, "redis");

    lua_getfield(L, h, "tostring");
    lua_pushcclosure(L, l_err_handler, 1);
    lua_setfield(L, h, "__redis__err__handler");

    /* Library tables behind read-only proxies. */
    static const char *const libs[] = { "string", "table", "math", "coroutine",
                                        "cjson",  "bit",   "redis" };
    for (size_t i = 0; i < DD_ARRAY_LEN(libs); i++) {
        lua_getfield(L, h, libs[i]);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        make_proxy(L, proxies);
        lua_setfield(L, h, libs[i]);
    }
    /* getmetatable("") shows {__index = <string proxy>}, read-only. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_createtable(L, 0, 1);
        lua_getfield(L, h, "string");
        lua_setfield(L, -2, "__index");
        make_proxy(L, proxies);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* The new global table G: empty, reads go to H, writes fail. */
    lua_newtable(L);
    int g = lua_gettop(L);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, h);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, g);
    lua_pushvalue(L, g);
    lua_pushvalue(L, h);
    lua_rawset(L, proxies);
    /* getmetatable(_G) shows an empty read-only table. */
    lua_pushvalue(L, g);
    lua_newtable(L);
    make_proxy(L, proxies);
    lua_rawset(L, shown);
    lua_pushvalue(L, g);
    lua_setfield(L, h, "_G");
    /* H raises the nonexistent-global error for what it does not have. */
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, l_missing_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, h);

    lua_pushvalue(L, g);
    lua_replace(L, LUA_GLOBALSINDEX);

    lua_pushvalue(L, h);
    eng->ref_globals = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    eng->ref_scripts = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    eng->ref_flags = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    return 0;
}

static void engine_close_lua(struct cache_script *eng)
{
    if (eng->L) {
        lua_close(eng->L);
        eng->L = NULL;
    }
    eng->nscripts = 0;
    eng->cache_bytes = 0;
    eng->gc_count = 0;
}

/* The engine's interpreter, created when missing; false on ENOMEM. */
static bool engine_lua(struct cache_script *eng)
{
    if (eng->L)
        return true;
    eng->L = luaL_newstate();
    if (!eng->L)
        return false;
    if (lua_cpcall(eng->L, init_protected, eng) != 0) {
        engine_close_lua(eng);
        return false;
    }
    return true;
}

/* srv's engine, created on first use; NULL on ENOMEM. */
static struct cache_script *engine_get(struct cache_server *srv)
{
    struct cache_script *eng = engine_find(srv);
    if (eng)
        return eng;
    eng = calloc(1, sizeof(*eng));
    struct cache_client *fake = calloc(1, sizeof(*fake));
    if (!eng || !fake) {
        free(eng);
        free(fake);
        return NULL;
    }
    fake->fd = -1;
    fake->srv = srv;
    fake->proto = CACHE_RESP2;
    fake->authenticated = true;
    /* Like a client inside EXEC, a script's commands never block. */
    fake->flags = CACHE_CLIENT_IN_EXEC;
    fake->db = cache_keyspace_db(srv->ks, 0);
    eng->srv = srv;
    eng->fake = fake;
    eng->rand48 = RAND48_INIT;
    eng->next = engines;
    engines = eng;
    return eng;
}

void cache_script_release(struct cache_server *srv)
{
    for (struct cache_script **pp = &engines; *pp; pp = &(*pp)->next) {
        struct cache_script *eng = *pp;
        if (eng->srv != srv)
            continue;
        *pp = eng->next;
        engine_close_lua(eng);
        dd_buf_release(&eng->fake->out);
        free(eng->fake);
        free(eng->argv);
        free(eng);
        return;
    }
}

/* ---- the script cache ---- */

/*
 * evalExtractShebangFlags(): "#!lua [flags=a,b]" on the first line sets the
 * script's flags (and ends eval compatibility mode); *skip is the length of
 * that line without its newline, which stays so line numbers keep counting
 * from the shebang. Returns NULL, or the error text (static or in errbuf).
 */
static const char *parse_shebang(const char *body, size_t len, unsigned *flags, size_t *skip,
                                 char *errbuf, size_t errlen)
{
    *flags = SF_EVAL_COMPAT;
    *skip = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!')
        return NULL;
    const char *nl = memchr(body, '\n', len);
    /* Redis reads the body as a C string: a NUL ends the search too. */
    const char *nul = memchr(body, '\0', len);
    if (!nl || (nul && nul < nl))
        return "ERR Invalid script shebang";
    size_t line = (size_t)(nl - body);
    /* sdssplitargs() on the line: words, with "..." and '...' quoting. */
    char *words = malloc(line + 1);
    if (!words)
        return "ERR out of memory";
    size_t nw = 0, wl = 0, i = 0;
    size_t starts[64];
    const char *err = NULL;
    while (i < line && !err) {
        while (i < line && isspace((unsigned char)body[i]))
            i++;
        if (i >= line)
            break;
        if (nw == DD_ARRAY_LEN(starts)) {
            err = "ERR Invalid script shebang";
            break;
        }
        starts[nw++] = wl;
        char q = 0;
        if (body[i] == '"' || body[i] == '\'')
            q = body[i++];
        for (;;) {
            if (i >= line) {
                if (q)
                    err = "ERR Invalid script shebang";
                break;
            }
            char ch = body[i];
            if (q && ch == q) {
                i++;
                if (i < line && !isspace((unsigned char)body[i]))
                    err = "ERR Invalid script shebang";
                break;
            }
            if (!q && isspace((unsigned char)ch))
                break;
            if (q && ch == '\\' && i + 1 < line) {
                char e = body[i + 1];
                if (q == '"') {
                    ch = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
                    i++;
                } else if (e == '\'') {
                    ch = e;
                    i++;
                }
            }
            words[wl++] = ch;
            i++;
        }
        words[wl++] = '\0';
    }
    if (!err && nw == 0)
        err = "ERR Invalid script shebang";
    if (!err && strcmp(words + starts[0], "#!lua") != 0) {
        snprintf(errbuf, errlen, "ERR Unexpected engine in script shebang: %s", words + starts[0]);
        err = errbuf;
    }
    unsigned f = 0;
    for (size_t w = 1; w < nw && !err; w++) {
        const char *word = words + starts[w];
        if (strncmp(word, "flags=", 6) != 0) {
            snprintf(errbuf, errlen, "ERR Unknown lua shebang option: %s", word);
            err = errbuf;
            break;
        }
        const char *p = word + 6;
        if (!*p)
            continue;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            static const struct {
                const char *name;
                unsigned flag;
            } defs[] = { { "no-writes", SF_NO_WRITES },
                         { "allow-oom", SF_ALLOW_OOM },
                         { "allow-stale", SF_ALLOW_STALE },
                         { "no-cluster", SF_NO_CLUSTER },
                         { "allow-cross-slot-keys", SF_ALLOW_XSLOT } };
            size_t d;
            for (d = 0; d < DD_ARRAY_LEN(defs); d++)
                if (strlen(defs[d].name) == n && !strncmp(defs[d].name, p, n))
                    break;
            if (d == DD_ARRAY_LEN(defs)) {
                snprintf(errbuf, errlen, "ERR Unexpected flag in script shebang: %.*s", (int)n, p);
                err = errbuf;
                break;
            }
            f |= defs[d].flag;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    free(words);
    if (err)
        return err;
    *flags = f;
    *skip = line;
    return NULL;
}

/* jemalloc's size class for an n-byte request (Redis's allocator). */
static size_t je_size(size_t n)
{
    if (n <= 8)
        return 8;
    if (n <= 128)
        return (n + 15) & ~(size_t)15;
    size_t lg = 0;
    for (size_t v = n - 1; v > 1; v >>= 1)
        lg++;
    size_t delta = (size_t)1 << (lg - 2);
    return (n + delta - 1) & ~(delta - 1);
}

/*
 * What one cached script adds to Redis 7.0.15's used_memory_scripts_eval:
 * 104 bytes for its SHA key and dict entry, plus the body as a string
 * object (16) and an sds (header, bytes, NUL) in jemalloc's size classes.
 * Measured: bodies of 10, 50, 300 and 1000 bytes count 136, 184, 440, 1144.
 */
static size_t script_cache_bytes(size_t len)
{
    size_t hdr = len < 256 ? 3 : len < 65536 ? 5 : 9;
    return 104 + 16 + je_size(hdr + len + 1);
}

/* The compile step's context (lua_cpcall hands over one pointer). */
struct compile_job {
    struct cache_script *eng;           /* the engine */
    const char *body;                   /* the script, borrowed */
    size_t len;                         /* its length */
    char sha[CACHE_SCRIPT_SHA_LEN + 1]; /* its SHA1 */
    bool found;                         /* out: it was cached already */
    char *err;                          /* out: error text, malloc'd */
};

static void job_error(struct compile_job *j, const char *prefix, const char *msg)
{
    size_t n = strlen(prefix) + strlen(msg) + 1;
    j->err = malloc(n);
    if (j->err)
        snprintf(j->err, n, "%s%s", prefix, msg);
}

/* Looks the SHA up and compiles and caches the body when absent. Leaves the
 * stack empty. */
static int compile_protected(lua_State *L)
{
    struct compile_job *j = lua_touserdata(L, 1);
    struct cache_script *eng = j->eng;
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_scripts);
    lua_pushstring(L, j->sha);
    lua_rawget(L, 1);
    j->found = !lua_isnil(L, -1);
    if (j->found) {
        lua_settop(L, 0);
        return 0;
    }
    lua_pop(L, 1);
    unsigned flags;
    size_t skip;
    char ebuf[256];
    const char *serr = parse_shebang(j->body, j->len, &flags, &skip, ebuf, sizeof(ebuf));
    if (serr) {
        job_error(j, "", serr);
        lua_settop(L, 0);
        return 0;
    }
    if (load_text(L, j->body + skip, j->len - skip, "@user_script") != 0) {
        job_error(j, "ERR Error compiling script (new function): ", lua_tostring(L, -1));
        lua_settop(L, 0);
        return 0;
    }
    lua_pushstring(L, j->sha);
    lua_insert(L, -2);
    lua_rawset(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_flags);
    lua_pushstring(L, j->sha);
    lua_pushnumber(L, flags);
    lua_rawset(L, -3);
    eng->nscripts++;
    eng->cache_bytes += script_cache_bytes(j->len);
    lua_settop(L, 0);
    return 0;
}

/* 0 (cached, j->sha set), DD_EINVAL (j->err set), DD_ENOMEM. */
static int compile(struct cache_script *eng, struct compile_job *j)
{
    if (!engine_lua(eng))
        return DD_ENOMEM;
    j->eng = eng;
    sha1_hex(j->body, j->len, j->sha);
    j->err = NULL;
    if (lua_cpcall(eng->L, compile_protected, j) != 0) {
        lua_settop(eng->L, 0);
        free(j->err);
        j->err = NULL;
        return DD_ENOMEM;
    }
    if (j->err)
        return DD_EINVAL;
    return DD_OK;
}

int cache_script_load(struct cache_server *srv, const void *body, size_t len, char *sha, char **err)
{
    *err = NULL;
    struct cache_script *eng = engine_get(srv);
    if (!eng)
        return DD_ENOMEM;
    struct compile_job j = { .body = body, .len = len };
    int rc = compile(eng, &j);
    if (rc == DD_EINVAL && !j.err)
        rc = DD_ENOMEM;
    if (rc == DD_EINVAL)
        *err = j.err;
    else if (rc == DD_OK)
        memcpy(sha, j.sha, CACHE_SCRIPT_SHA_LEN + 1);
    return rc;
}

/* sha[0..len) in lower case into out when it can be a SHA1; false if not. */
static bool normalize_sha(const void *sha, size_t len, char out[CACHE_SCRIPT_SHA_LEN + 1])
{
    if (len != CACHE_SCRIPT_SHA_LEN)
        return false;
    const char *s = sha;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[len] = '\0';
    return true;
}

struct lookup_job {
    struct cache_script *eng;           /* the engine */
    char sha[CACHE_SCRIPT_SHA_LEN + 1]; /* lower case */
    bool found;                         /* out */
};

static int lookup_protected(lua_State *L)
{
    struct lookup_job *j = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->eng->ref_scripts);
    lua_pushstring(L, j->sha);
    lua_rawget(L, 1);
    j->found = !lua_isnil(L, -1);
    lua_settop(L, 0);
    return 0;
}

bool cache_script_exists(struct cache_server *srv, const void *sha, size_t len)
{
    struct cache_script *eng = engine_find(srv);
    struct lookup_job j = { .eng = eng };
    if (!eng || !eng->L || !eng->nscripts || !normalize_sha(sha, len, j.sha))
        return false;
    if (lua_cpcall(eng->L, lookup_protected, &j) != 0) {
        lua_settop(eng->L, 0);
        return false;
    }
    return j.found;
}

void cache_script_flush(struct cache_server *srv)
{
    struct cache_script *eng = engine_find(srv);
    if (eng)
        engine_close_lua(eng);
}

size_t cache_script_count(struct cache_server *srv)
{
    struct cache_script *eng = engine_find(srv);
    return eng ? eng->nscripts : 0;
}

size_t cache_script_lua_memory(struct cache_server *srv)
{
    struct cache_script *eng = engine_find(srv);
    if (!eng || !eng->L)
        return 0;
    return (size_t)lua_gc(eng->L, LUA_GCCOUNT, 0) * 1024;
}

size_t cache_script_cache_memory(struct cache_server *srv)
{
    struct cache_script *eng = engine_find(srv);
    return eng ? eng->cache_bytes : 0;
}

/* ---- running a script ---- */

/* Sets H[name] to an array of the arguments. */
static void set_global_array(lua_State *L, int h, const char *name, const struct cache_resp_arg *a,
                             size_t n)
{
    lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushlstring(L, a[i].ptr, a[i].len);
        lua_rawseti(L, -2, (int)(i + 1));
    }
    lua_setfield(L, h, name);
}

/* The reply to a script that failed: the handler's table on top. */
static void reply_script_failure(struct run *r, lua_State *L)
{
    struct cache_client *c = r->c;
    if (!lua_istable(L, -1)) {
        const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
        cache_reply_errorf(c, "ERR Error running script %s, %.100s", r->sha, msg);
        return;
    }
    size_t mlen = 0, slen = 0, llen = 0;
    lua_getfield(L, -1, "err");
    const char *msg = lua_isstring(L, -1) ? lua_tolstring(L, -1, &mlen) : NULL;
    lua_getfield(L, -2, "source");
    const char *source = lua_isstring(L, -1) ? lua_tolstring(L, -1, &slen) : NULL;
    lua_getfield(L, -3, "line");
    const char *line = lua_isstring(L, -1) ? lua_tolstring(L, -1, &llen) : NULL;
    lua_getfield(L, -4, "ignore_error_stats_update");
    bool ignore = lua_isboolean(L, -1) && lua_toboolean(L, -1);
    if (!msg) {
        /* Redis 7.0.15 crashes here (error({}) and the like); answer sanely. */
        msg = "ERR unknown error";
        mlen = strlen(msg);
    }
    mlen = strnlen(msg, mlen);
    struct dd_buf b;
    dd_buf_init(&b);
    int rc = dd_buf_append(&b, msg, mlen);
    if (rc == DD_OK && line && source)
        rc = dd_buf_printf(&b, " script: %s, on %.*s:%.*s.", r->sha, (int)strnlen(source, slen),
                           source, (int)strnlen(line, llen), line);
    if (rc == DD_OK)
        reply_error_text(c, b.data, b.len, !ignore);
    else
        mark_oom(c, rc);
    dd_buf_release(&b);
    lua_pop(L, 4);
}

/*
 * Everything EVAL does once numkeys is known, under lua_cpcall: find or
 * compile the script, the flag checks, KEYS and ARGV, the call with the error
 * handler, and the reply. At the conversion the stack holds exactly the
 * handler and the result, as in Redis, so a self-referencing table nests to
 * the same depth before "reached lua stack limit".
 */
static int eval_protected(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    struct cache_script *eng = r->eng;
    struct cache_client *c = r->c;
    lua_settop(L, 0);

    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_scripts);
    lua_pushstring(L, r->sha);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1)) {
        cache_reply_error(c, "NOSCRIPT No matching script. Please use EVAL.");
        lua_settop(L, 0);
        return 0;
    }
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_flags);
    lua_pushstring(L, r->sha);
    lua_rawget(L, -2);
    unsigned flags = (unsigned)lua_tonumber(L, -1);
    lua_settop(L, 0);

    bool compat = flags & SF_EVAL_COMPAT;
    if (r->ro_cmd && !compat && !(flags & SF_NO_WRITES)) {
        cache_reply_error(c, "ERR Can not execute a script with write flag using *_ro command.");
        return 0;
    }
    struct cache_server *srv = c->srv;
    r->oom_at_start =
        srv->opts.maxmemory > 0 && cache_server_used_memory(srv) > (size_t)srv->opts.maxmemory;
    if (!compat && !(flags & (SF_NO_WRITES | SF_ALLOW_OOM)) && r->oom_at_start) {
        cache_reply_error(c, err_oom);
        return 0;
    }
    r->read_only = r->ro_cmd || (flags & SF_NO_WRITES);
    r->allow_oom = flags & SF_ALLOW_OOM;
    r->resp = 2;
    eng->fake->proto = CACHE_RESP2;
    eng->fake->db = c->db;
    eng->in_call = false;

    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_globals);
    set_global_array(L, 1, "KEYS", r->keys, r->nkeys);
    set_global_array(L, 1, "ARGV", r->args, r->nargs);
    lua_settop(L, 0);

    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_globals);
    lua_getfield(L, 1, "__redis__err__handler");
    lua_replace(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, eng->ref_scripts);
    lua_pushstring(L, r->sha);
    lua_rawget(L, -2);
    lua_replace(L, 2);
    eng->run = r;
    int err = lua_pcall(L, 0, 1, 1);
    eng->run = NULL;
    if (++eng->gc_count == GC_PERIOD) {
        lua_gc(L, LUA_GCSTEP, GC_PERIOD);
        eng->gc_count = 0;
    }
    if (err)
        reply_script_failure(r, L);
    else
        lua_to_reply(c, L, r->resp);
    lua_settop(L, 0);
    return 0;
}

int cache_script_eval(struct cache_client *c, const struct cache_resp_arg *script, bool by_sha,
                      bool read_only, const struct cache_resp_arg *keys, size_t nkeys,
                      const struct cache_resp_arg *args, size_t nargs)
{
    struct cache_script *eng = engine_get(c->srv);
    if (!eng || !engine_lua(eng)) {
        cache_reply_error(c, "ERR out of memory");
        return DD_ENOMEM;
    }
    struct run r = { .eng = eng,
                     .c = c,
                     .keys = keys,
                     .nkeys = nkeys,
                     .args = args,
                     .nargs = nargs,
                     .ro_cmd = read_only };
    if (by_sha) {
        if (!normalize_sha(script->ptr, script->len, r.sha)) {
            cache_reply_error(c, "NOSCRIPT No matching script. Please use EVAL.");
            return DD_OK;
        }
    } else {
        struct compile_job j = { .body = script->ptr, .len = script->len };
        int rc = compile(eng, &j);
        if (rc == DD_EINVAL && j.err) {
            cache_reply_error(c, j.err);
            free(j.err);
            return DD_OK;
        }
        if (rc != DD_OK) {
            cache_reply_error(c, "ERR out of memory");
            return DD_ENOMEM;
        }
        memcpy(r.sha, j.sha, sizeof(r.sha));
    }
    size_t mark = c->out.len;
    int status = lua_cpcall(eng->L, eval_protected, &r);
    eng->run = NULL;
    eng->in_call = false;
    dd_buf_reset(&eng->fake->out);
    eng->fake->argv = NULL;
    eng->fake->argc = 0;
    if (status != 0) {
        /* Out of memory inside Lua: whatever was half written goes. */
        lua_settop(eng->L, 0);
        c->out.len = mark;
        cache_reply_error(c, "ERR out of memory");
        return DD_ENOMEM;
    }
    return DD_OK;
}

#else /* !CACHE_SCRIPT_HAVE_LUA */

#include <stdlib.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "common/err.h"

static const char err_no_lua[] = "ERR scripting is unavailable: cache-emu was built without Lua";

int cache_script_eval(struct cache_client *c, const struct cache_resp_arg *script, bool by_sha,
                      bool read_only, const struct cache_resp_arg *keys, size_t nkeys,
                      const struct cache_resp_arg *args, size_t nargs)
{
    (void)script;
    (void)by_sha;
    (void)read_only;
    (void)keys;
    (void)nkeys;
    (void)args;
    (void)nargs;
    cache_reply_error(c, err_no_lua);
    return DD_OK;
}

int cache_script_load(struct cache_server *srv, const void *body, size_t len, char *sha, char **err)
{
    (void)srv;
    (void)body;
    (void)len;
    (void)sha;
    *err = strdup(err_no_lua);
    return *err ? DD_EINVAL : DD_ENOMEM;
}

bool cache_script_exists(struct cache_server *srv, const void *sha, size_t len)
{
    (void)srv;
    (void)sha;
    (void)len;
    return false;
}

void cache_script_flush(struct cache_server *srv)
{
    (void)srv;
}

size_t cache_script_count(struct cache_server *srv)
{
    (void)srv;
    return 0;
}

size_t cache_script_lua_memory(struct cache_server *srv)
{
    (void)srv;
    return 0;
}

size_t cache_script_cache_memory(struct cache_server *srv)
{
    (void)srv;
    return 0;
}

void cache_script_release(struct cache_server *srv)
{
    (void)srv;
}

ssize_t cache_script_push_reply(struct lua_State *L, const char *p, size_t len)
{
    (void)L;
    (void)p;
    (void)len;
    return DD_ERR;
}

void cache_script_write_reply(struct cache_client *c, struct lua_State *L, int script_resp)
{
    (void)L;
    (void)script_resp;
    cache_reply_error(c, err_no_lua);
}

#endif /* CACHE_SCRIPT_HAVE_LUA */

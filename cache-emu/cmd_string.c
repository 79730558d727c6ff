/*
 * The string commands (Redis's t_string.c and the bit commands of bitops.c
 * that need nothing beyond a byte array): GET/SET and their variants, the
 * counters, ranges and SETBIT/GETBIT/BITCOUNT, with Redis 7.0's argument
 * order, error texts and TTL rules.
 *
 * TTL rules, as Redis applies them: a command that replaces the value
 * (SET without KEEPTTL, SETEX, GETSET, MSET, MSETNX) drops the key's TTL;
 * one that changes the value (APPEND, SETRANGE, SETBIT, INCR and friends,
 * INCRBYFLOAT) keeps it. Values changed in place go through t_string.c so
 * that OBJECT ENCODING reports what Redis would.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cache-emu/cmd.h"
#include "cache-emu/command.h"
#include "cache-emu/db.h"
#include "cache-emu/expire.h"
#include "cache-emu/server.h"
#include "cache-emu/t_string.h"
#include "common/err.h"

/* ---- shared helpers ---- */

static struct cache_keyspace *ks_of(struct cache_client *c)
{
    return c->srv->ks;
}

/* "ERR invalid expire time in '<cmd>' command" (addReplyErrorExpireTime). */
static void reply_invalid_expire(struct cache_client *c)
{
    char name[64] = "set";
    if (c->cmd)
        cache_command_fullname(c->cmd, name, sizeof(name));
    cache_reply_errorf(c, "ERR invalid expire time in '%s' command", name);
}

/* Redis compares option words as C strings: the argument's bytes up to its
 * first NUL must equal word (lower case) ignoring case, so "nx\0junk" is NX. */
static bool opt_is(const struct cache_resp_arg *a, const char *word)
{
    size_t i = 0;
    for (;; i++) {
        char ch = i < a->len ? a->ptr[i] : '\0';
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch != word[i])
            return false;
        if (ch == '\0')
            return true;
    }
}

/* checkStringLength(): false after replying when a string of size + append
 * bytes would exceed proto-max-bulk-len. */
static bool check_string_length(struct cache_client *c, unsigned long long size,
                                unsigned long long append)
{
    unsigned long long max = (unsigned long long)c->srv->opts.proto_max_bulk_len;
    if (size > max || append > max - size) {
        cache_reply_error(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return false;
    }
    return true;
}

/* Stores argv value val under key as SET does (judged as tryObjectEncoding
 * would, kept inline by the db when short), dropping the TTL unless
 * keep_ttl. 0, or DD_ENOMEM with nothing changed. */
static int store_value(struct cache_client *c, const struct cache_resp_arg *key,
                       const struct cache_resp_arg *val, bool keep_ttl)
{
    int rc = cache_db_set_string(c->db, key->ptr, key->len, val->ptr, val->len, keep_ttl,
                                 cache_now_ms(c->srv), NULL);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, key);
    return DD_OK;
}

/*
 * Makes data[0..len) the value of key, whose current value is o (NULL when
 * the key is absent), keeping its TTL, with origin enc. A same-length value
 * stored inline is overwritten where it is (INCR from 10 to 11 moves
 * nothing); otherwise the value is stored anew the compact way. *stored
 * (when not NULL) gets the object as stored. 0, or DD_ENOMEM.
 */
static int put_value(struct cache_client *c, const struct cache_resp_arg *key, struct cache_obj *o,
                     const void *data, size_t len, enum cache_string_enc enc,
                     struct cache_obj **stored)
{
    if (o && !o->free && o->len == len) {
        if (len)
            memcpy(o->ptr, data, len);
    } else {
        int rc = cache_db_set_string(c->db, key->ptr, key->len, data, len, o != NULL,
                                     cache_now_ms(c->srv), &o);
        if (rc != DD_OK)
            return rc;
    }
    if (stored)
        *stored = o;
    return cache_string_set_enc(ks_of(c), o, enc);
}

/* Adds key (known to be absent) as len zero bytes, a raw string of the
 * exact size as Redis creates for SETRANGE and SETBIT; *stored gets it as
 * stored. 0, or DD_ENOMEM. */
static int add_zeros(struct cache_client *c, const struct cache_resp_arg *key, size_t len,
                     struct cache_obj **stored)
{
    struct cache_keyspace *ks = ks_of(c);
    struct cache_obj *o = cache_string_new(ks, NULL, len, CACHE_STRING_ENC_RAW);
    if (!o)
        return DD_ENOMEM;
    int rc = cache_db_set(c->db, key->ptr, key->len, o, false, cache_now_ms(c->srv), stored);
    if (rc != DD_OK)
        cache_obj_free(ks, o);
    return rc;
}

/* ---- SET and its options ---- */

#define SET_NX      0x001
#define SET_XX      0x002
#define SET_GET     0x004
#define SET_KEEPTTL 0x008
#define SET_PERSIST 0x010
#define SET_EX      0x020
#define SET_PX      0x040
#define SET_EXAT    0x080
#define SET_PXAT    0x100
#define SET_ANY_TTL (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/*
 * parseExtendedStringArgumentsOrReply(): the options of SET (from argv[3])
 * or GETEX (from argv[2], for_set false). Redis's acceptance rules, kept as
 * they are: an option may repeat (the last expire value wins), the expire
 * flags exclude each other, KEEPTTL and PERSIST, NX excludes XX, and an
 * expire flag with no value after it is a syntax error. *expire_idx gets
 * the argv index of the expire value (0 when none).
 */
static bool parse_set_options(struct cache_client *c, bool for_set, unsigned *flags,
                              size_t *expire_idx)
{
    *flags = 0;
    *expire_idx = 0;
    for (size_t j = for_set ? 3 : 2; j < c->argc; j++) {
        const struct cache_resp_arg *a = &c->argv[j];
        bool has_next = j + 1 < c->argc;
        unsigned f = *flags;
        if (opt_is(a, "nx") && !(f & SET_XX) && for_set) {
            *flags |= SET_NX;
        } else if (opt_is(a, "xx") && !(f & SET_NX) && for_set) {
            *flags |= SET_XX;
        } else if (opt_is(a, "get") && for_set) {
            *flags |= SET_GET;
        } else if (opt_is(a, "keepttl") && !(f & (SET_PERSIST | SET_ANY_TTL)) && for_set) {
            *flags |= SET_KEEPTTL;
        } else if (opt_is(a, "persist") && !for_set && !(f & (SET_KEEPTTL | SET_ANY_TTL))) {
            *flags |= SET_PERSIST;
        } else if (opt_is(a, "ex") && has_next &&
                   !(f & (SET_KEEPTTL | SET_PERSIST | SET_PX | SET_EXAT | SET_PXAT))) {
            *flags |= SET_EX;
            *expire_idx = ++j;
        } else if (opt_is(a, "px") && has_next &&
                   !(f & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_EXAT | SET_PXAT))) {
            *flags |= SET_PX;
            *expire_idx = ++j;
        } else if (opt_is(a, "exat") && has_next &&
                   !(f & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_PX | SET_PXAT))) {
            *flags |= SET_EXAT;
            *expire_idx = ++j;
        } else if (opt_is(a, "pxat") && has_next &&
                   !(f & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_PX | SET_EXAT))) {
            *flags |= SET_PXAT;
            *expire_idx = ++j;
        } else {
            cache_reply_syntax(c);
            return false;
        }
    }
    return true;
}

/*
 * getExpireMillisecondsOrReply(): argv[idx] as an absolute unix time in ms.
 * The value must be positive; seconds are scaled; EX/PX are relative to the
 * command's time. An overflow anywhere is an invalid expire time.
 */
static bool parse_expire(struct cache_client *c, size_t idx, unsigned flags, int64_t *when_ms)
{
    long long v;
    if (!cache_arg_ll(c, idx, &v))
        return false;
    bool seconds = (flags & (SET_EX | SET_EXAT)) != 0;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
        reply_invalid_expire(c);
        return false;
    }
    if (seconds)
        v *= 1000;
    if (flags & (SET_EX | SET_PX)) {
        long long now = cache_now_ms(c->srv);
        if (now > 0 && v > LLONG_MAX - now) {
            reply_invalid_expire(c);
            return false;
        }
        v += now;
    }
    if (v <= 0) {
        reply_invalid_expire(c);
        return false;
    }
    *when_ms = v;
    return true;
}

/* getGenericCommand(): replies the value of argv[1] (null when absent);
 * false after replying WRONGTYPE. */
static bool reply_current_value(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_null(c);
        return true;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return false;
    cache_reply_bulk(c, o->ptr, o->len);
    return true;
}

enum set_reply {
    SET_REPLY_OK,  /* +OK / null when NX or XX refused */
    SET_REPLY_INT, /* SETNX: :1 / :0 */
};

/* setGenericCommand(): the heart of SET, SETNX, SETEX and PSETEX. */
static int set_generic(struct cache_client *c, unsigned flags, const struct cache_resp_arg *key,
                       const struct cache_resp_arg *val, size_t expire_idx, enum set_reply rk)
{
    int64_t when = 0;
    if (expire_idx && !parse_expire(c, expire_idx, flags, &when))
        return DD_OK;
    if ((flags & SET_GET) && !reply_current_value(c))
        return DD_OK;
    bool found = cache_lookup_write(c, key) != NULL;
    if (((flags & SET_NX) && found) || ((flags & SET_XX) && !found)) {
        if (flags & SET_GET)
            return DD_OK;
        if (rk == SET_REPLY_INT)
            cache_reply_ll(c, 0);
        else
            cache_reply_null(c);
        return DD_OK;
    }
    int rc = store_value(c, key, val, (flags & SET_KEEPTTL) != 0);
    if (rc != DD_OK)
        return rc;
    if (expire_idx) {
        rc = cache_expire_set(c->db, key->ptr, key->len, when, cache_now_ms(c->srv));
        if (rc != DD_OK && rc != DD_ENOENT)
            return rc;
    }
    if (flags & SET_GET)
        return DD_OK;
    if (rk == SET_REPLY_INT)
        cache_reply_ll(c, 1);
    else
        cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_set(struct cache_client *c)
{
    unsigned flags;
    size_t expire_idx;
    if (!parse_set_options(c, true, &flags, &expire_idx))
        return DD_OK;
    return set_generic(c, flags, &c->argv[1], &c->argv[2], expire_idx, SET_REPLY_OK);
}

static int cache_cmd_setnx(struct cache_client *c)
{
    return set_generic(c, SET_NX, &c->argv[1], &c->argv[2], 0, SET_REPLY_INT);
}

static int cache_cmd_setex(struct cache_client *c)
{
    return set_generic(c, SET_EX, &c->argv[1], &c->argv[3], 2, SET_REPLY_OK);
}

static int cache_cmd_psetex(struct cache_client *c)
{
    return set_generic(c, SET_PX, &c->argv[1], &c->argv[3], 2, SET_REPLY_OK);
}

/* ---- reads and read-then-write ---- */

static int cache_cmd_get(struct cache_client *c)
{
    reply_current_value(c);
    return DD_OK;
}

/* GETEX: the value, then the TTL change; an EXAT/PXAT already past deletes
 * the key (after the value was replied). */
static int cache_cmd_getex(struct cache_client *c)
{
    unsigned flags;
    size_t expire_idx;
    if (!parse_set_options(c, false, &flags, &expire_idx))
        return DD_OK;
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_read(c, key);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    int64_t when = 0;
    if (expire_idx && !parse_expire(c, expire_idx, flags, &when))
        return DD_OK;
    cache_reply_bulk(c, o->ptr, o->len);
    int64_t now = cache_now_ms(c->srv);
    if ((flags & (SET_EXAT | SET_PXAT)) && when <= now) {
        cache_db_delete(c->db, key->ptr, key->len, now);
    } else if (expire_idx) {
        int rc = cache_expire_set(c->db, key->ptr, key->len, when, now);
        if (rc == DD_ENOMEM)
            return rc;
        cache_signal_modified(c, key);
    } else if (flags & SET_PERSIST) {
        if (cache_expire_remove(c->db, key->ptr, key->len) == DD_OK)
            cache_signal_modified(c, key);
    }
    return DD_OK;
}

static int cache_cmd_getdel(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_read(c, key);
    if (!o) {
        cache_reply_null(c);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    cache_reply_bulk(c, o->ptr, o->len);
    cache_db_delete(c->db, key->ptr, key->len, cache_now_ms(c->srv));
    return DD_OK;
}

static int cache_cmd_getset(struct cache_client *c)
{
    if (!reply_current_value(c))
        return DD_OK;
    return store_value(c, &c->argv[1], &c->argv[2], false);
}

static int cache_cmd_mget(struct cache_client *c)
{
    cache_reply_array(c, c->argc - 1);
    for (size_t j = 1; j < c->argc; j++) {
        struct cache_obj *o = cache_lookup_read(c, &c->argv[j]);
        if (o && o->type == CACHE_TYPE_STRING)
            cache_reply_bulk(c, o->ptr, o->len);
        else
            cache_reply_null(c);
    }
    return DD_OK;
}

/* MSET and MSETNX: pairs; an even argc is an arity error Redis reports
 * itself (the table's -3 lets "MSET a b c" through). */
static int mset_generic(struct cache_client *c, bool nx)
{
    if (c->argc % 2 == 0) {
        cache_reply_arity(c);
        return DD_OK;
    }
    if (nx) {
        for (size_t j = 1; j < c->argc; j += 2) {
            if (cache_lookup_write(c, &c->argv[j])) {
                cache_reply_ll(c, 0);
                return DD_OK;
            }
        }
    }
    for (size_t j = 1; j < c->argc; j += 2) {
        int rc = store_value(c, &c->argv[j], &c->argv[j + 1], false);
        if (rc != DD_OK)
            return rc;
    }
    if (nx)
        cache_reply_ll(c, 1);
    else
        cache_reply_ok(c);
    return DD_OK;
}

static int cache_cmd_mset(struct cache_client *c)
{
    return mset_generic(c, false);
}

static int cache_cmd_msetnx(struct cache_client *c)
{
    return mset_generic(c, true);
}

static int cache_cmd_strlen(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    cache_reply_ll(c, o ? (long long)o->len : 0);
    return DD_OK;
}

/* ---- in-place changes ---- */

static int cache_cmd_append(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1], *val = &c->argv[2];
    struct cache_obj *o = cache_lookup_write(c, key);
    size_t total;
    if (!o) {
        int rc = put_value(c, key, NULL, val->ptr, val->len, CACHE_STRING_ENC_AUTO, NULL);
        if (rc != DD_OK)
            return rc;
        total = val->len;
    } else {
        if (!cache_check_type(c, o, CACHE_TYPE_STRING))
            return DD_OK;
        if (!check_string_length(c, o->len, val->len))
            return DD_OK;
        int rc = cache_string_append(ks_of(c), o, val->ptr, val->len);
        if (rc != DD_OK)
            return rc;
        total = o->len;
    }
    cache_signal_modified(c, key);
    cache_reply_ll(c, (long long)total);
    return DD_OK;
}

/* GETRANGE / SUBSTR: Redis's index rules, inclusive end, never an error for
 * a range outside the string (an empty bulk instead, also for a missing key). */
static int cache_cmd_getrange(struct cache_client *c)
{
    long long start, end;
    if (!cache_arg_ll(c, 2, &start) || !cache_arg_ll(c, 3, &end))
        return DD_OK;
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_bulk(c, "", 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    long long len = (long long)o->len;
    if (start < 0 && end < 0 && start > end) {
        cache_reply_bulk(c, "", 0);
        return DD_OK;
    }
    if (start < 0)
        start = len + start;
    if (end < 0)
        end = len + end;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= len)
        end = len - 1;
    if (start > end || len == 0)
        cache_reply_bulk(c, "", 0);
    else
        cache_reply_bulk(c, (const char *)o->ptr + start, (size_t)(end - start + 1));
    return DD_OK;
}

static int cache_cmd_setrange(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (!cache_arg_ll(c, 2, &offset))
        return DD_OK;
    if (offset < 0) {
        cache_reply_error(c, "ERR offset is out of range");
        return DD_OK;
    }
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!o) {
        /* Setting nothing on a missing key creates nothing. */
        if (val->len == 0) {
            cache_reply_ll(c, 0);
            return DD_OK;
        }
        if (!check_string_length(c, (unsigned long long)offset, val->len))
            return DD_OK;
        int rc = add_zeros(c, key, (size_t)offset + val->len, &o);
        if (rc != DD_OK)
            return rc;
    } else {
        if (!cache_check_type(c, o, CACHE_TYPE_STRING))
            return DD_OK;
        if (val->len == 0) {
            cache_reply_ll(c, (long long)o->len);
            return DD_OK;
        }
        if (!check_string_length(c, (unsigned long long)offset, val->len))
            return DD_OK;
        int rc = cache_string_grow_zero(ks_of(c), o, (size_t)offset + val->len);
        if (rc != DD_OK)
            return rc;
    }
    memcpy((char *)o->ptr + offset, val->ptr, val->len);
    cache_signal_modified(c, key);
    cache_reply_ll(c, (long long)o->len);
    return DD_OK;
}

/* ---- counters ---- */

static int incr_generic(struct cache_client *c, long long incr)
{
    const struct cache_resp_arg *key = &c->argv[1];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    long long v = 0;
    if (o && !cache_string_to_ll(o->ptr, o->len, &v)) {
        cache_reply_not_int(c);
        return DD_OK;
    }
    if ((incr < 0 && v < 0 && incr < LLONG_MIN - v) ||
        (incr > 0 && v > 0 && incr > LLONG_MAX - v)) {
        cache_reply_error(c, "ERR increment or decrement would overflow");
        return DD_OK;
    }
    v += incr;
    char buf[CACHE_STRING_LL_MAX];
    size_t n = cache_string_from_ll(buf, sizeof(buf), v);
    int rc = put_value(c, key, o, buf, n, CACHE_STRING_ENC_AUTO, NULL);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, key);
    cache_reply_ll(c, v);
    return DD_OK;
}

static int cache_cmd_incr(struct cache_client *c)
{
    return incr_generic(c, 1);
}

static int cache_cmd_decr(struct cache_client *c)
{
    return incr_generic(c, -1);
}

static int cache_cmd_incrby(struct cache_client *c)
{
    long long incr;
    if (!cache_arg_ll(c, 2, &incr))
        return DD_OK;
    return incr_generic(c, incr);
}

static int cache_cmd_decrby(struct cache_client *c)
{
    long long decr;
    if (!cache_arg_ll(c, 2, &decr))
        return DD_OK;
    if (decr == LLONG_MIN) {
        cache_reply_error(c, "ERR decrement would overflow");
        return DD_OK;
    }
    return incr_generic(c, -decr);
}

/* INCRBYFLOAT: long double arithmetic and Redis's human-friendly format;
 * the result is a plain string (embstr, never int), like Redis's. */
static int cache_cmd_incrbyfloat(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1], *arg = &c->argv[2];
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    long double v = 0, incr;
    if ((o && !cache_string_to_long_double(o->ptr, o->len, &v)) ||
        !cache_string_to_long_double(arg->ptr, arg->len, &incr)) {
        cache_reply_not_float(c);
        return DD_OK;
    }
    v += incr;
    if (isnan(v) || isinf(v)) {
        cache_reply_error(c, "ERR increment would produce NaN or Infinity");
        return DD_OK;
    }
    char buf[CACHE_STRING_LD_MAX];
    size_t n = cache_string_from_long_double(buf, sizeof(buf), v);
    int rc = put_value(c, key, o, buf, n, CACHE_STRING_ENC_PLAIN, NULL);
    if (rc != DD_OK)
        return rc;
    cache_signal_modified(c, key);
    cache_reply_bulk(c, buf, n);
    return DD_OK;
}

/* ---- bits ---- */

/* getBitOffsetFromArgument() without the '#' form (BITFIELD's): a canonical
 * non-negative integer whose byte lies within proto-max-bulk-len. */
static bool parse_bit_offset(struct cache_client *c, size_t idx, unsigned long long *out)
{
    long long v;
    const struct cache_resp_arg *a = &c->argv[idx];
    if (!cache_string_to_ll(a->ptr, a->len, &v) || v < 0 ||
        (v >> 3) >= c->srv->opts.proto_max_bulk_len) {
        cache_reply_error(c, "ERR bit offset is not an integer or out of range");
        return false;
    }
    *out = (unsigned long long)v;
    return true;
}

static int cache_cmd_setbit(struct cache_client *c)
{
    const struct cache_resp_arg *key = &c->argv[1];
    unsigned long long off;
    if (!parse_bit_offset(c, 2, &off))
        return DD_OK;
    long long on;
    const struct cache_resp_arg *a = &c->argv[3];
    if (!cache_string_to_ll(a->ptr, a->len, &on) || (on & ~1LL)) {
        cache_reply_error(c, "ERR bit is not an integer or out of range");
        return DD_OK;
    }
    size_t byte = (size_t)(off >> 3);
    struct cache_obj *o = cache_lookup_write(c, key);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    bool dirty = false;
    if (!o) {
        int rc = add_zeros(c, key, byte + 1, &o);
        if (rc != DD_OK)
            return rc;
        dirty = true;
    } else {
        size_t old = o->len;
        int rc = cache_string_grow_zero(ks_of(c), o, byte + 1);
        if (rc != DD_OK)
            return rc;
        dirty = o->len != old;
    }
    unsigned char *p = o->ptr;
    unsigned bit = 7 - (unsigned)(off & 7);
    int was = (p[byte] >> bit) & 1;
    if (dirty || was != on) {
        p[byte] = (unsigned char)((p[byte] & ~(1u << bit)) | ((unsigned)on << bit));
        cache_signal_modified(c, key);
    }
    cache_reply_ll(c, was);
    return DD_OK;
}

static int cache_cmd_getbit(struct cache_client *c)
{
    unsigned long long off;
    if (!parse_bit_offset(c, 2, &off))
        return DD_OK;
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    int bit = 0;
    size_t byte = (size_t)(off >> 3);
    if (o && byte < o->len)
        bit = (((const unsigned char *)o->ptr)[byte] >> (7 - (off & 7))) & 1;
    cache_reply_ll(c, bit);
    return DD_OK;
}

static long long popcount(const unsigned char *p, size_t n)
{
    long long count = 0;
    for (size_t i = 0; i < n; i++)
        count += __builtin_popcount(p[i]);
    return count;
}

/* BITCOUNT key [start end [BYTE|BIT]]: the key is looked up before the
 * range is parsed, so a missing key answers 0 whatever the arguments. */
static int cache_cmd_bitcount(struct cache_client *c)
{
    struct cache_obj *o = cache_lookup_read(c, &c->argv[1]);
    if (!o) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    if (!cache_check_type(c, o, CACHE_TYPE_STRING))
        return DD_OK;
    const unsigned char *p = o->ptr;
    long long len = (long long)o->len, start, end;
    unsigned char first_mask = 0, last_mask = 0;
    if (c->argc == 4 || c->argc == 5) {
        if (!cache_arg_ll(c, 2, &start) || !cache_arg_ll(c, 3, &end))
            return DD_OK;
        if (start < 0 && end < 0 && start > end) {
            cache_reply_ll(c, 0);
            return DD_OK;
        }
        bool isbit = false;
        if (c->argc == 5) {
            if (opt_is(&c->argv[4], "bit")) {
                isbit = true;
            } else if (!opt_is(&c->argv[4], "byte")) {
                cache_reply_syntax(c);
                return DD_OK;
            }
        }
        long long total = isbit ? len * 8 : len;
        if (start < 0)
            start = total + start;
        if (end < 0)
            end = total + end;
        if (start < 0)
            start = 0;
        if (end < 0)
            end = 0;
        if (end >= total)
            end = total - 1;
        if (isbit && start <= end) {
            /* Whole bytes are counted, then the bits of the edge bytes that
             * lie outside the range are taken off again. */
            first_mask = (unsigned char)(~((1u << (8 - (start & 7))) - 1) & 0xFF);
            last_mask = (unsigned char)((1u << (7 - (end & 7))) - 1);
            start >>= 3;
            end >>= 3;
        }
    } else if (c->argc == 2) {
        start = 0;
        end = len - 1;
    } else {
        cache_reply_syntax(c);
        return DD_OK;
    }
    if (start > end) {
        cache_reply_ll(c, 0);
        return DD_OK;
    }
    long long count = popcount(p + start, (size_t)(end - start + 1));
    if (first_mask)
        count -= __builtin_popcount(p[start] & first_mask);
    if (last_mask)
        count -= __builtin_popcount(p[end] & last_mask);
    cache_reply_ll(c, count);
    return DD_OK;
}

/* ---- the table ---- */

#define W  CACHE_CMD_WRITE
#define R  CACHE_CMD_READONLY
#define DO CACHE_CMD_DENYOOM
#define F  CACHE_CMD_FAST

/* Redis 7.0.15's COMMAND INFO / COMMAND DOCS for each row. */
const struct cache_command cache_cmds_string[] = {
    { "get", 2, R | F, cache_cmd_get, 1, 1, 1, "string", "1.0.0", "Get the value of a key",
      "read string fast", NULL },
    { "set", -3, W | DO, cache_cmd_set, 1, 1, 1, "string", "1.0.0", "Set the string value of a key",
      "write string slow", NULL },
    { "setnx", 3, W | DO | F, cache_cmd_setnx, 1, 1, 1, "string", "1.0.0",
      "Set the value of a key, only if the key does not exist", "write string fast", NULL },
    { "setex", 4, W | DO, cache_cmd_setex, 1, 1, 1, "string", "2.0.0",
      "Set the value and expiration of a key", "write string slow", NULL },
    { "psetex", 4, W | DO, cache_cmd_psetex, 1, 1, 1, "string", "2.6.0",
      "Set the value and expiration in milliseconds of a key", "write string slow", NULL },
    { "getex", -2, W | F, cache_cmd_getex, 1, 1, 1, "string", "6.2.0",
      "Get the value of a key and optionally set its expiration", "write string fast", NULL },
    { "getdel", 2, W | F, cache_cmd_getdel, 1, 1, 1, "string", "6.2.0",
      "Get the value of a key and delete the key", "write string fast", NULL },
    { "getset", 3, W | DO | F, cache_cmd_getset, 1, 1, 1, "string", "1.0.0",
      "Set the string value of a key and return its old value", "write string fast", NULL },
    { "mget", -2, R | F, cache_cmd_mget, 1, -1, 1, "string", "1.0.0",
      "Get the values of all the given keys", "read string fast", NULL },
    { "mset", -3, W | DO, cache_cmd_mset, 1, -1, 2, "string", "1.0.1",
      "Set multiple keys to multiple values", "write string slow", NULL },
    { "msetnx", -3, W | DO, cache_cmd_msetnx, 1, -1, 2, "string", "1.0.1",
      "Set multiple keys to multiple values, only if none of the keys exist", "write string slow",
      NULL },
    { "append", 3, W | DO | F, cache_cmd_append, 1, 1, 1, "string", "2.0.0",
      "Append a value to a key", "write string fast", NULL },
    { "strlen", 2, R | F, cache_cmd_strlen, 1, 1, 1, "string", "2.2.0",
      "Get the length of the value stored in a key", "read string fast", NULL },
    { "getrange", 4, R, cache_cmd_getrange, 1, 1, 1, "string", "2.4.0",
      "Get a substring of the string stored at a key", "read string slow", NULL },
    { "substr", 4, R, cache_cmd_getrange, 1, 1, 1, "string", "1.0.0",
      "Get a substring of the string stored at a key", "read string slow", NULL },
    { "setrange", 4, W | DO, cache_cmd_setrange, 1, 1, 1, "string", "2.2.0",
      "Overwrite part of a string at key starting at the specified offset", "write string slow",
      NULL },
    { "incr", 2, W | DO | F, cache_cmd_incr, 1, 1, 1, "string", "1.0.0",
      "Increment the integer value of a key by one", "write string fast", NULL },
    { "decr", 2, W | DO | F, cache_cmd_decr, 1, 1, 1, "string", "1.0.0",
      "Decrement the integer value of a key by one", "write string fast", NULL },
    { "incrby", 3, W | DO | F, cache_cmd_incrby, 1, 1, 1, "string", "1.0.0",
      "Increment the integer value of a key by the given amount", "write string fast", NULL },
    { "decrby", 3, W | DO | F, cache_cmd_decrby, 1, 1, 1, "string", "1.0.0",
      "Decrement the integer value of a key by the given number", "write string fast", NULL },
    { "incrbyfloat", 3, W | DO | F, cache_cmd_incrbyfloat, 1, 1, 1, "string", "2.6.0",
      "Increment the float value of a key by the given amount", "write string fast", NULL },
    { "setbit", 4, W | DO, cache_cmd_setbit, 1, 1, 1, "bitmap", "2.2.0",
      "Sets or clears the bit at offset in the string value stored at key", "write bitmap slow",
      NULL },
    { "getbit", 3, R | F, cache_cmd_getbit, 1, 1, 1, "bitmap", "2.2.0",
      "Returns the bit value at offset in the string value stored at key", "read bitmap fast",
      NULL },
    { "bitcount", -2, R, cache_cmd_bitcount, 1, 1, 1, "bitmap", "2.6.0",
      "Count set bits in a string", "read bitmap slow", NULL },
    { NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

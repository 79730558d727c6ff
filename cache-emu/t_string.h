/*
 * String values: how cache-emu keeps a string's bytes, which of Redis's
 * three encodings ("int", "embstr", "raw") OBJECT ENCODING reports for it,
 * and the number conversions the string commands share (Redis's string2ll,
 * string2ld, ll2string and the human-friendly ld2string of INCRBYFLOAT).
 *
 * Redis decides a string's encoding from how the value was produced, not
 * only from its bytes: SET and friends run tryObjectEncoding() ("int" when
 * the bytes are a canonical long long of at most 20 characters, else
 * "embstr" up to 44 bytes, else "raw"); INCRBYFLOAT builds a plain string
 * ("embstr"/"raw" by size, never "int"); APPEND, SETRANGE and SETBIT leave
 * a "raw" string whatever its size; COPY duplicates the encoding.
 *
 * Most values are stored the compact way db.c offers (short strings inside
 * their key's entry, no header) and are judged from their bytes as SET
 * would judge them, which is right for everything SET-like. Only a value
 * whose origin says otherwise (enum cache_string_enc) gets a block made
 * here, with a small header in front of its bytes that records the origin.
 *
 * The header also carries the allocated capacity, so APPEND and SETRANGE
 * grow a value in place with sds's greedy policy (double below 1 MB, then
 * +1 MB) instead of copying it on every call. Its obj->ptr points at the
 * bytes themselves (followed by a NUL not counted in obj->len), so any code
 * reads every string alike as ptr/len; only freeing goes through obj->free.
 */
#ifndef CACHE_T_STRING_H
#define CACHE_T_STRING_H

#include <stdbool.h>
#include <stddef.h>

#include "cache-emu/db.h"

/* OBJ_ENCODING_EMBSTR_SIZE_LIMIT: the longest string Redis embeds in its object. */
#define CACHE_STRING_EMBSTR_MAX 44
/* OBJ_SHARED_INTEGERS: 0..9999 are shared objects (OBJECT REFCOUNT 2147483647). */
#define CACHE_STRING_SHARED_INTEGERS 10000
/* OBJ_SHARED_REFCOUNT as OBJECT REFCOUNT reports it. */
#define CACHE_STRING_SHARED_REFCOUNT 2147483647LL
/* MAX_LONG_DOUBLE_CHARS: the longest text string2ld() accepts, and more than
 * the longest cache_string_from_long_double() writes. */
#define CACHE_STRING_LD_MAX 5120
/* LONG_STR_SIZE: enough for any long long with its sign and a NUL. */
#define CACHE_STRING_LL_MAX 21

/* How a string value came to be, which fixes its OBJECT ENCODING. */
enum cache_string_enc {
    CACHE_STRING_ENC_AUTO = 0, /* tryObjectEncoding(): int / embstr / raw from the bytes */
    CACHE_STRING_ENC_PLAIN,    /* createStringObject(): embstr up to 44 bytes, raw above */
    CACHE_STRING_ENC_RAW,      /* raw whatever the size (APPEND, SETRANGE, SETBIT) */
    CACHE_STRING_ENC_INT_OWN,  /* int, an unshared copy (COPY of an int) */
};

/* ---- conversions (Redis's util.c semantics) ---- */

/* string2ll(): true when s[0..len) is exactly a canonical decimal long long
 * (no spaces, no '+', no leading zeros, no "-0") and stores it in *out. */
bool cache_string_to_ll(const char *s, size_t len, long long *out);
/* string2ld(): true when s[0..len) is a long double strtold() reads whole
 * (no leading space, not NaN, no overflow; "inf" is accepted). */
bool cache_string_to_long_double(const char *s, size_t len, long double *out);
/* ll2string(): writes v in decimal with a NUL; returns its length. cap must
 * be at least CACHE_STRING_LL_MAX. */
size_t cache_string_from_ll(char *buf, size_t cap, long long v);
/* ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.')
 * trimmed, "-0" written as "0", infinities as "inf"/"-inf". Returns the
 * length (NUL written too), 0 when cap (>= CACHE_STRING_LD_MAX is always
 * enough) is too small. */
size_t cache_string_from_long_double(char *buf, size_t cap, long double v);

/* ---- objects ---- */

/* A new string object holding a copy of data[0..len) with encoding origin
 * enc; the caller owns it until it is stored. NULL when out of memory. */
struct cache_obj *cache_string_new(struct cache_keyspace *ks, const void *data, size_t len,
                                   enum cache_string_enc enc);
/* A copy of string object src as COPY makes it (same OBJECT ENCODING,
 * never a shared integer); src is borrowed, the caller owns the result.
 * NULL when out of memory. */
struct cache_obj *cache_string_dup(struct cache_keyspace *ks, const struct cache_obj *src);
/* The origin a COPY of src has (it keeps src's OBJECT ENCODING). */
enum cache_string_enc cache_string_dup_enc(const struct cache_obj *src);
/* OBJECT ENCODING of a string object: "int", "embstr" or "raw" (static). */
const char *cache_string_encoding(const struct cache_obj *obj);
/* OBJECT REFCOUNT: CACHE_STRING_SHARED_REFCOUNT for a value Redis would hold
 * as one of its shared integers (shared_ok: maxmemory is 0 or the policy
 * is neither LRU nor LFU), else 1. obj is borrowed. */
long long cache_string_refcount(const struct cache_obj *obj, bool shared_ok);

/* ---- in-place changes of a stored string object (obj borrowed from the db) ---- */

/* APPEND: adds data[0..len) at the end; obj becomes raw. 0, or DD_ENOMEM
 * with obj unchanged. */
int cache_string_append(struct cache_keyspace *ks, struct cache_obj *obj, const void *data,
                        size_t len);
/* Records that obj's value has origin enc. A value whose bytes already
 * imply what enc means (a non-numeric PLAIN, a long RAW ...) is left where
 * it is, so the compact inline strings of db.c stay inline; otherwise obj
 * gets a block of its own. 0, or DD_ENOMEM with obj unchanged. */
int cache_string_set_enc(struct cache_keyspace *ks, struct cache_obj *obj,
                         enum cache_string_enc enc);
/* Makes obj at least len bytes long, padding with zero bytes, and raw, so
 * that the caller may write obj->ptr[0..len) (SETRANGE, SETBIT). 0, or
 * DD_ENOMEM with obj unchanged. */
int cache_string_grow_zero(struct cache_keyspace *ks, struct cache_obj *obj, size_t len);

#endif

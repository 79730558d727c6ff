/*
 * RESP reply writers: typed values -> the bytes Redis 7.0 sends, for RESP2
 * and RESP3 clients alike.
 *
 * A connection speaks RESP2 until HELLO 3; every writer whose bytes differ
 * between the two takes the protocol version and downgrades RESP3 types the
 * way Redis does (null -> $-1, set -> array, map -> flat array of 2n,
 * double -> bulk string, boolean -> integer, verbatim and big number -> bulk).
 *
 * Every writer appends to a struct dd_buf (borrowed) and returns 0 or
 * DD_ENOMEM; on DD_ENOMEM the buffer is left exactly as it was, so a reply is
 * never half written. String arguments are borrowed and binary-safe.
 */
#ifndef CACHE_RESP_WRITE_H
#define CACHE_RESP_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* The protocol versions HELLO negotiates. */
enum cache_resp_proto { CACHE_RESP2 = 2, CACHE_RESP3 = 3 };

/* Room for any long long in decimal plus the NUL ("-9223372036854775808"). */
#define CACHE_LL_STR_SIZE 21

/*
 * Redis's ll2string: v in decimal into dst (dstlen bytes, NUL-terminated).
 * Returns the length without the NUL, or 0 when dstlen is too small (dst is
 * then "" if dstlen > 0).
 */
size_t cache_ll2string(char *dst, size_t dstlen, long long v);

/* "+<s>\r\n". CR and LF in s become spaces, keeping the stream parseable. */
int cache_resp_write_simple(struct dd_buf *b, const char *s, size_t len);

/*
 * The one function that writes an error reply: "-<text>\r\n". text is the
 * exact Redis text with its code and without the dash, e.g.
 * "ERR Protocol error: invalid bulk length" or "WRONGTYPE Operation against a
 * key holding the wrong kind of value" (a leading '-' is tolerated, not
 * doubled; empty text writes "-ERR"). CR and LF become spaces, as Redis's
 * addReplyErrorFormat() does, since a peer's bytes often end up in errors.
 */
int cache_resp_write_error(struct dd_buf *b, const char *text, size_t len);
/* Formats the text with printf rules, then writes it through
 * cache_resp_write_error(). */
int cache_resp_write_errorf(struct dd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ":<v>\r\n". */
int cache_resp_write_integer(struct dd_buf *b, long long v);
/* "$<len>\r\n<p>\r\n". */
int cache_resp_write_bulk(struct dd_buf *b, const void *p, size_t len);
/* A bulk string holding v in decimal (addReplyBulkLongLong). */
int cache_resp_write_bulk_ll(struct dd_buf *b, long long v);
/* The null reply: RESP2 null bulk "$-1\r\n", RESP3 "_\r\n". */
int cache_resp_write_null(struct dd_buf *b, enum cache_resp_proto proto);
/* The null array: RESP2 "*-1\r\n", RESP3 "_\r\n". */
int cache_resp_write_null_array(struct dd_buf *b, enum cache_resp_proto proto);

/* Aggregate headers; the caller then writes n elements (2n for a map: key,
 * value, key, value...). n above LLONG_MAX (2n for a RESP2 map) is DD_ERANGE. */
int cache_resp_write_array(struct dd_buf *b, size_t n);
/* RESP3 "~<n>", RESP2 "*<n>". */
int cache_resp_write_set(struct dd_buf *b, enum cache_resp_proto proto, size_t n);
/* RESP3 "%<n>", RESP2 "*<2n>" (the pairs flattened). */
int cache_resp_write_map(struct dd_buf *b, enum cache_resp_proto proto, size_t n);
/* RESP3 "><n>"; RESP2 "*<n>", as Redis sends pub/sub messages to RESP2
 * clients. */
int cache_resp_write_push(struct dd_buf *b, enum cache_resp_proto proto, size_t n);

/*
 * addReplyDouble(): "%.17g" (1.1 is "1.1000000000000001"), infinities as
 * "inf"/"-inf", any NaN as "nan". RESP3 ",<d>\r\n"; RESP2 the same text as a
 * bulk string.
 */
int cache_resp_write_double(struct dd_buf *b, enum cache_resp_proto proto, double d);
/* RESP3 "#t\r\n"/"#f\r\n"; RESP2 ":1\r\n"/":0\r\n". */
int cache_resp_write_bool(struct dd_buf *b, enum cache_resp_proto proto, bool v);
/*
 * Verbatim string: RESP3 "=<len+4>\r\n<ext>:<p>\r\n" where ext is exactly
 * three characters ("txt", "mkd"; else DD_EINVAL); RESP2 a bulk of p alone.
 */
int cache_resp_write_verbatim(struct dd_buf *b, enum cache_resp_proto proto, const char *ext,
                              const void *p, size_t len);
/* Big number (digits as text, not checked): RESP3 "(<digits>\r\n"; RESP2 a
 * bulk string of the digits. */
int cache_resp_write_bignum(struct dd_buf *b, enum cache_resp_proto proto, const char *digits,
                            size_t len);

#endif

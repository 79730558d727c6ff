/*
 * The RESP request parser: bytes a Redis client sends -> one command's argv.
 *
 * cache-emu must accept exactly what Redis 7.0 accepts and refuse the rest
 * with Redis's words, because clients and test suites match on them. Both
 * request forms Redis reads are handled: RESP multibulk ("*<n>\r\n" then n
 * "$<len>\r\n<bytes>\r\n") and inline commands (one line split on blanks with
 * Redis's quoting, what telnet and redis-cli's inline mode send).
 *
 * Calling convention (picohttpparser's, with the state of a half-read command
 * kept so that a long multibulk arriving in pieces is not re-parsed from the
 * start on every read):
 *
 *   buf/len are the connection's unconsumed input, starting at the first byte
 *   of the request being parsed. cache_resp_parse() returns
 *     n > 0      one request is complete and occupies buf[0..n); the caller
 *                runs it (unless argc is 0) and drops those n bytes;
 *     DD_AGAIN   incomplete: call again with the same bytes plus more (they
 *                may have moved to another address);
 *     DD_ERR     a protocol error; cache_resp_parser_error() holds the exact
 *                reply text ("ERR Protocol error: ..."). Redis answers it and
 *                closes the connection; the parser stays failed;
 *     DD_ENOMEM  no memory for the argv array; nothing consumed, may be retried;
 *     DD_EINVAL  the caller broke the convention (fewer bytes than last time).
 *
 * Zero copy: argv entries point into buf, except inline arguments that used
 * quotes or escapes, which point into the parser's scratch space. Either way
 * they are valid until the next cache_resp_parse() call on this parser or
 * until the caller changes those bytes of buf, whichever comes first.
 */
#ifndef CACHE_RESP_PARSE_H
#define CACHE_RESP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* PROTO_INLINE_MAX_SIZE: how far a header or inline line may run without its
 * terminator before Redis gives up on it. */
#define CACHE_RESP_INLINE_MAX (64 * 1024)
/* The largest "*<n>" Redis 7.0 accepts (INT_MAX; 1024*1024 was Redis 2.x-6.x). */
#define CACHE_RESP_MULTIBULK_MAX 2147483647LL
/* proto-max-bulk-len's default, 512 MB. */
#define CACHE_RESP_BULK_MAX_DEFAULT (512LL * 1024 * 1024)
/* Limits for a connection that still has to AUTH (Redis 7.0.15, Debian). */
#define CACHE_RESP_UNAUTH_MULTIBULK_MAX 10
#define CACHE_RESP_UNAUTH_BULK_MAX      16384

/* One argument: len bytes at ptr, binary-safe, not NUL-terminated. */
struct cache_resp_arg {
    const char *ptr; /* borrowed: into the caller's buf or the parser's scratch */
    size_t len;      /* bytes at ptr */
};

struct cache_resp_parser;

/* A parser for one connection, with the defaults of a fresh Redis client
 * (proto-max-bulk-len 512 MB, authenticated). Caller frees; NULL on ENOMEM. */
struct cache_resp_parser *cache_resp_parser_new(void);
/* Frees p and its argv and scratch. NULL is a no-op. */
void cache_resp_parser_free(struct cache_resp_parser *p);

/* Forgets any half-read request and a protocol error; keeps the settings. */
void cache_resp_parser_reset(struct cache_resp_parser *p);

/* proto-max-bulk-len (CONFIG SET may change it between calls). */
void cache_resp_parser_set_max_bulk_len(struct cache_resp_parser *p, long long max);

/* true while the connection must still AUTH (requirepass set): multibulk
 * counts above 10 and bulks above 16384 bytes are then protocol errors. */
void cache_resp_parser_set_unauthenticated(struct cache_resp_parser *p, bool unauthenticated);

/*
 * Parses the next request from buf[0..len) (buf borrowed, read only). On a
 * return n > 0, *argv (borrowed from p, see the validity rule above) and
 * *argc describe the command; argc is 0 for requests Redis skips (an empty
 * inline line, "*0", "*-1"). Other returns leave argv and argc untouched.
 */
ssize_t cache_resp_parse(struct cache_resp_parser *p, const char *buf, size_t len,
                         const struct cache_resp_arg **argv, size_t *argc);

/* After DD_ERR: the reply text, e.g. "ERR Protocol error: invalid bulk length"
 * (no '-', no CRLF), NUL-terminated, borrowed from p; *len (if not NULL) gets
 * its length. "" when there was no error. */
const char *cache_resp_parser_error(const struct cache_resp_parser *p, size_t *len);

/*
 * Redis's string2ll: s[0..len) is a canonical decimal long long (optional
 * '-', no '+', no leading zeros, no blanks, "-0" refused, at most 20 chars).
 * Returns true and sets *out (if not NULL) when it is. The parser judges
 * every count and length this way, and commands parse integers with it.
 */
bool cache_string2ll(const char *s, size_t len, long long *out);

#endif

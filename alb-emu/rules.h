/*
 * alb_rules: which rule of a listener a request matches.
 *
 * A listener's rules are tried in ascending priority and the first whose
 * conditions all hold wins; when none does, the default rule (DefaultActions)
 * applies. Within a rule, conditions are ANDed; within a condition, values
 * are ORed. The comparison rules are ALB's ("Listener rules for your
 * Application Load Balancer", "Condition types for listener rules"):
 *
 *   host-header          host name without the port, case-insensitive, * and ?
 *   path-pattern         the path only (no query), case-sensitive, * and ?
 *   http-header          name case-insensitive; each occurrence of the header
 *                        is tried in order; values case-insensitive, * and ?
 *   http-request-method  exact, case-sensitive
 *   query-string         key=value pairs of the query, either side omitted
 *                        meaning "any"; case-insensitive; * and ?; "\*" and
 *                        "\?" are literal; %XX escapes decoded on both sides
 *   source-ip            the connection's source address in any CIDR block
 *   RegexValues          POSIX extended regex, searched anywhere in the value
 *
 * Everything works on a read-only view of the request; nothing here
 * allocates except a regex match on a value longer than 1 KiB.
 */
#ifndef ALB_RULES_H
#define ALB_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/socket.h>

#include "alb-emu/config.h"

/*
 * Returns the index-th value (0-based, in request order) of the header named
 * name (case-insensitive), with its length in *len, or NULL when there is no
 * such occurrence. The result is borrowed from the request and need not be
 * NUL-terminated; leading/trailing whitespace should already be trimmed.
 */
typedef const char *(*alb_header_fn)(void *ctx, const char *name, size_t index, size_t *len);

/* What the matcher may look at in a request. All pointers are borrowed and
 * need not be NUL-terminated; lengths count bytes. */
struct alb_request_view {
    const char *method; /* request method, e.g. "GET" */
    size_t method_len;
    const char *host; /* Host header value as received, may end in ":port"; NULL = none */
    size_t host_len;
    const char *path; /* the path only, e.g. "/api/x" (see alb_request_split_target) */
    size_t path_len;
    const char *query; /* raw query without the '?', NULL = none */
    size_t query_len;
    alb_header_fn header;          /* header lookup; NULL = no headers */
    void *header_ctx;              /* passed to header */
    const struct sockaddr *source; /* peer address of the client connection; NULL = unknown */
};

/* Wildcard comparison options. */
#define ALB_WILDCARD_ICASE   1u /* ASCII case-insensitive */
#define ALB_WILDCARD_ESCAPES 2u /* "\*" and "\?" in the pattern are literal */
#define ALB_WILDCARD_DECODE  4u /* decode %XX in pattern and text before comparing */

/*
 * Whether text matches pattern, where '*' matches zero or more characters
 * and '?' exactly one, over the whole text. Runs in O(len(pattern) *
 * len(text)) at worst, without recursion. Both buffers are borrowed.
 */
bool alb_wildcard_match(const char *pattern, size_t plen, const char *text, size_t tlen,
                        unsigned flags);

/* Whether one condition holds for req (both borrowed). */
bool alb_condition_matches(const struct alb_condition *cond, const struct alb_request_view *req);

/* Whether every condition of rule holds for req; the default rule always matches. */
bool alb_rule_matches(const struct alb_rule *rule, const struct alb_request_view *req);

/* The rule of listener that handles req: the lowest-priority rule that
 * matches, else the listener's default rule. Never NULL; borrowed from the
 * listener. */
const struct alb_rule *alb_rules_match(const struct alb_listener *listener,
                                       const struct alb_request_view *req);

/*
 * Splits a request-target into path and query. Origin-form "/p?q" and
 * absolute-form "http://host:port/p?q" (the authority is skipped; an empty
 * path becomes "/") are handled; a fragment is dropped. Outputs point into
 * target (borrowed); *query is NULL when there is no '?'.
 */
void alb_request_split_target(const char *target, size_t len, const char **path, size_t *path_len,
                              const char **query, size_t *query_len);

/* The length of host without a trailing ":port" ("[v6]:port" keeps the
 * brackets' content only: *start is set past '['). Both outputs borrowed. */
void alb_host_strip_port(const char *host, size_t len, const char **start, size_t *out_len);

#endif

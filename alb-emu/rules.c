/*
 * Rule matching for alb-emu listeners (see rules.h).
 *
 * Wildcard matching is the classic greedy two-pointer algorithm: walk the
 * pattern and the text together; at a '*' remember where it was and where the
 * text stood; on a mismatch go back to just after the last '*' and let it
 * swallow one more text character. Only the last '*' ever needs revisiting,
 * because anything an earlier star could absorb the later one can too, so
 * the match is linear in practice and O(n*m) at worst, with no recursion for
 * a hostile pattern or path to exploit.
 *
 * The pattern and the text are read a "character" at a time through two
 * small readers, so the query-string rules (escapes, %XX decoding) change
 * how characters are read without a second copy of the algorithm or any
 * buffer for decoded text.
 */
#include "alb-emu/rules.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

enum tok_kind { TOK_LIT, TOK_STAR, TOK_QMARK };

struct tok {
    enum tok_kind kind;
    unsigned char ch; /* TOK_LIT: the character */
    size_t next;      /* position after the token */
};

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One character of s at i: a %XX escape is one character when decoding;
 * a malformed escape stays a literal '%'. */
static unsigned char read_char(const char *s, size_t len, size_t i, bool decode, size_t *next)
{
    unsigned char c = (unsigned char)s[i];
    if (decode && c == '%' && i + 2 < len) {
        int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
        if (hi >= 0 && lo >= 0) {
            *next = i + 3;
            return (unsigned char)(hi * 16 + lo);
        }
    }
    *next = i + 1;
    return c;
}

static struct tok read_tok(const char *p, size_t plen, size_t i, unsigned flags)
{
    struct tok t;
    if ((flags & ALB_WILDCARD_ESCAPES) && p[i] == '\\' && i + 1 < plen &&
        (p[i + 1] == '*' || p[i + 1] == '?')) {
        t.kind = TOK_LIT;
        t.ch = (unsigned char)p[i + 1];
        t.next = i + 2;
        return t;
    }
    if (p[i] == '*' || p[i] == '?') {
        t.kind = p[i] == '*' ? TOK_STAR : TOK_QMARK;
        t.ch = 0;
        t.next = i + 1;
        return t;
    }
    /* A decoded "%2A" is a literal star, not a wildcard. */
    t.kind = TOK_LIT;
    t.ch = read_char(p, plen, i, (flags & ALB_WILDCARD_DECODE) != 0, &t.next);
    return t;
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

bool alb_wildcard_match(const char *pattern, size_t plen, const char *text, size_t tlen,
                        unsigned flags)
{
    bool icase = (flags & ALB_WILDCARD_ICASE) != 0, decode = (flags & ALB_WILDCARD_DECODE) != 0;
    size_t p = 0, t = 0, star_p = SIZE_MAX, star_t = 0;
    while (t < tlen) {
        if (p < plen) {
            struct tok k = read_tok(pattern, plen, p, flags);
            if (k.kind == TOK_STAR) {
                star_p = k.next;
                star_t = t;
                p = k.next;
                continue;
            }
            size_t tnext;
            unsigned char c = read_char(text, tlen, t, decode, &tnext);
            if (k.kind == TOK_QMARK || (icase ? fold(k.ch) == fold(c) : k.ch == c)) {
                p = k.next;
                t = tnext;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        /* Let the last star absorb one more text character and retry. */
        read_char(text, tlen, star_t, decode, &star_t);
        t = star_t;
        p = star_p;
    }
    while (p < plen) {
        struct tok k = read_tok(pattern, plen, p, flags);
        if (k.kind != TOK_STAR)
            return false;
        p = k.next;
    }
    return true;
}

/* regexec needs a NUL-terminated string; views are not. */
static bool regex_search(const void *re, const char *s, size_t len)
{
    char small[1024];
    char *buf = len < sizeof(small) ? small : malloc(len + 1);
    if (!buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    bool ok = regexec((const regex_t *)re, buf, 0, NULL, 0) == 0;
    if (buf != small)
        free(buf);
    return ok;
}

/* Whether any of the condition's Values (wildcards) or RegexValues match s. */
static bool match_values(const struct alb_condition *cond, const char *s, size_t len,
                         unsigned flags)
{
    for (size_t i = 0; i < cond->n_values; i++)
        if (alb_wildcard_match(cond->values[i], strlen(cond->values[i]), s, len, flags))
            return true;
    const regex_t *re = cond->regex;
    for (size_t i = 0; i < cond->n_regex_values; i++)
        if (regex_search(&re[i], s, len))
            return true;
    return false;
}

void alb_host_strip_port(const char *host, size_t len, const char **start, size_t *out_len)
{
    *start = host;
    *out_len = len;
    if (len > 0 && host[0] == '[') {
        const char *close = memchr(host, ']', len);
        if (close) {
            *start = host + 1;
            *out_len = (size_t)(close - host - 1);
        }
        return;
    }
    /* "host:port"; a bare IPv6 address (several colons) has no port. */
    const char *colon = memchr(host, ':', len);
    if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - host)))
        *out_len = (size_t)(colon - host);
}

/* A query-string condition: any of its pairs found among the parameters. */
static bool match_query(const struct alb_condition *cond, const char *q, size_t qlen)
{
    const unsigned flags = ALB_WILDCARD_ICASE | ALB_WILDCARD_ESCAPES | ALB_WILDCARD_DECODE;
    size_t i = 0;
    while (i <= qlen && q) {
        size_t end = i;
        while (end < qlen && q[end] != '&')
            end++;
        if (end > i) {
            const char *param = q + i;
            size_t plen = end - i;
            const char *eq = memchr(param, '=', plen);
            size_t klen = eq ? (size_t)(eq - param) : plen;
            const char *val = eq ? eq + 1 : param + plen;
            size_t vlen = eq ? plen - klen - 1 : 0;
            for (size_t k = 0; k < cond->n_query_pairs; k++) {
                const struct alb_query_pair *qp = &cond->query_pairs[k];
                if (qp->key && !alb_wildcard_match(qp->key, strlen(qp->key), param, klen, flags))
                    continue;
                if (qp->value &&
                    !alb_wildcard_match(qp->value, strlen(qp->value), val, vlen, flags))
                    continue;
                return true;
            }
        }
        i = end + 1;
    }
    return false;
}

static bool match_source_ip(const struct alb_condition *cond, const struct sockaddr *sa)
{
    struct alb_addr a;
    if (!sa || alb_addr_from_sockaddr(sa, &a) != DD_OK)
        return false;
    for (size_t i = 0; i < cond->n_values; i++)
        if (alb_cidr_contains(&cond->source_ips[i], &a))
            return true;
    return false;
}

bool alb_condition_matches(const struct alb_condition *cond, const struct alb_request_view *req)
{
    switch (cond->field) {
    case ALB_CONDITION_HOST_HEADER: {
        if (!req->host)
            return false;
        const char *h;
        size_t hlen;
        alb_host_strip_port(req->host, req->host_len, &h, &hlen);
        return match_values(cond, h, hlen, ALB_WILDCARD_ICASE);
    }
    case ALB_CONDITION_PATH_PATTERN:
        return req->path && match_values(cond, req->path, req->path_len, 0);
    case ALB_CONDITION_HTTP_HEADER:
        if (!req->header)
            return false;
        for (size_t i = 0;; i++) {
            size_t len;
            const char *v = req->header(req->header_ctx, cond->http_header_name, i, &len);
            if (!v)
                return false;
            if (match_values(cond, v, len, ALB_WILDCARD_ICASE))
                return true;
        }
    case ALB_CONDITION_HTTP_REQUEST_METHOD:
        for (size_t i = 0; i < cond->n_values; i++)
            if (strlen(cond->values[i]) == req->method_len &&
                memcmp(cond->values[i], req->method, req->method_len) == 0)
                return true;
        return false;
    case ALB_CONDITION_QUERY_STRING:
        return req->query && match_query(cond, req->query, req->query_len);
    case ALB_CONDITION_SOURCE_IP:
        return match_source_ip(cond, req->source);
    }
    return false;
}

bool alb_rule_matches(const struct alb_rule *rule, const struct alb_request_view *req)
{
    for (size_t i = 0; i < rule->n_conditions; i++)
        if (!alb_condition_matches(&rule->conditions[i], req))
            return false;
    return true;
}

const struct alb_rule *alb_rules_match(const struct alb_listener *listener,
                                       const struct alb_request_view *req)
{
    for (size_t i = 0; i < listener->n_rules; i++)
        if (alb_rule_matches(&listener->rules[i], req))
            return &listener->rules[i];
    return &listener->default_rule;
}

static bool prefix_icase(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (fold((unsigned char)s[i]) != (unsigned char)prefix[i])
            return false;
    return true;
}

void alb_request_split_target(const char *target, size_t len, const char **path, size_t *path_len,
                              const char **query, size_t *query_len)
{
    const char *s = target;
    size_t n = len;
    const char *hash = memchr(s, '#', n);
    if (hash)
        n = (size_t)(hash - s);
    size_t skip = prefix_icase(s, n, "http://") ? 7 : prefix_icase(s, n, "https://") ? 8 : 0;
    if (skip) {
        size_t i = skip;
        while (i < n && s[i] != '/' && s[i] != '?')
            i++;
        s += i;
        n -= i;
    }
    const char *q = memchr(s, '?', n);
    size_t plen = q ? (size_t)(q - s) : n;
    if (plen == 0) {
        /* "http://host" or "http://host?x": the path is "/". */
        *path = "/";
        *path_len = 1;
    } else {
        *path = s;
        *path_len = plen;
    }
    if (q) {
        *query = q + 1;
        *query_len = n - plen - 1;
    } else {
        *query = NULL;
        *query_len = 0;
    }
}

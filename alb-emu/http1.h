/*
 * alb_h1: the HTTP/1.x message-head parser and chunked-body scanner of the
 * alb-emu data plane, with ALB's limits and framing rules.
 *
 * Like picohttpparser, nothing here allocates or keeps a pointer: a parse
 * fills a caller's struct whose strings point into the caller's buffer, and
 * returns the head's length, DD_AGAIN when the head is not complete yet, or
 * DD_ERR with the reason in the struct. Heads are short, so an incomplete
 * head is parsed again from its start when more bytes arrive.
 *
 * ALB's rules (user guide "Troubleshoot your Application Load Balancers",
 * "HTTP headers and Application Load Balancers"; aws/http-desync-guardian,
 * the classifier ALB runs on every request):
 *
 *   request line or one header line > 16 KiB          400
 *   whole head > 64 KiB                               400
 *   obs-fold (a line starting with SP/HT)             400 (multi-line headers unsupported)
 *   NUL, bare CR, CTL in the method/target/version    400 (Severe: BadHeader, BadUri, ...)
 *   whitespace between a header name and its colon    400
 *   Content-Length not a decimal number               400 (BadContentLength)
 *   Content-Length values that differ                 400 (MultipleContentLength)
 *   Content-Length together with Transfer-Encoding    400 (never forwarded: smuggling shape)
 *   Transfer-Encoding other than chunked / identity   501 (user guide, HTTP 501)
 *   chunked twice, or not the final coding            400 (MultipleTransferEncodingChunked)
 *   Transfer-Encoding in an HTTP/1.0 request          400
 *   HTTP/1.1 without Host, or several Host headers    400
 *
 * Requests the classifier calls Ambiguous but that frame unambiguously
 * (identical duplicate Content-Length, a body on GET/HEAD) are flagged
 * ALB_H1_AMBIGUOUS: the proxy forwards them and closes both connections
 * afterwards, ALB's defensive mode. Lines may end in a bare LF (nginx and
 * ALB accept it); the proxy re-writes every line it forwards with CRLF.
 *
 * Responses (the target's) follow the same grammar; anything malformed is a
 * 502 for the proxy. Their body framing follows RFC 9112 section 6.3:
 * no body for HEAD, 1xx, 204 and 304; chunked when it is the final coding;
 * else Content-Length; else until the target closes.
 */
#ifndef ALB_HTTP1_H
#define ALB_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ALB's request limits ("The request header exceeded 16K per request line,
 * 16K per single header, or 64K for the entire header"). */
#define ALB_H1_MAX_LINE (16 * 1024)
#define ALB_H1_MAX_HEAD (64 * 1024)

/* Longest chunk-size line (size, extensions, CRLF) the chunked scanner takes. */
#define ALB_H1_MAX_CHUNK_LINE 4096

/* What a header is to the proxy; the parser classifies every name once so
 * nothing downstream compares names again. */
enum alb_h1_kind {
    ALB_H1_H_OTHER,
    ALB_H1_H_HOST,
    ALB_H1_H_CONTENT_LENGTH,
    ALB_H1_H_TRANSFER_ENCODING,
    ALB_H1_H_CONNECTION,
    ALB_H1_H_KEEP_ALIVE,
    ALB_H1_H_PROXY_CONNECTION,
    ALB_H1_H_UPGRADE,
    ALB_H1_H_TE,
    ALB_H1_H_EXPECT,
    ALB_H1_H_COOKIE,
    ALB_H1_H_SET_COOKIE,
    ALB_H1_H_USER_AGENT,
    ALB_H1_H_X_FORWARDED_FOR,
    ALB_H1_H_X_FORWARDED_PROTO,
    ALB_H1_H_X_FORWARDED_PORT,
    ALB_H1_H_X_AMZN_TRACE_ID
};

/* One header line; name and value point into the parsed buffer. */
struct alb_h1_header {
    const char *name;      /* not NUL-terminated */
    const char *value;     /* leading and trailing SP/HT trimmed; not NUL-terminated */
    uint32_t name_len;     /* bytes in name, >= 1 */
    uint32_t value_len;    /* bytes in value, may be 0 */
    enum alb_h1_kind kind; /* classification of name */
    bool valid_name;       /* name matches [-A-Za-z0-9]+ (drop_invalid_header_fields) */
};

/* How the body of a message is delimited. */
enum alb_h1_framing {
    ALB_H1_BODY_NONE,    /* no body */
    ALB_H1_BODY_LENGTH,  /* exactly content_length bytes */
    ALB_H1_BODY_CHUNKED, /* chunked coding, ends with the last chunk and trailers */
    ALB_H1_BODY_CLOSE    /* responses only: until the sender closes */
};

/* Why a head was refused. */
enum alb_h1_error {
    ALB_H1_E_NONE,
    ALB_H1_E_MALFORMED,             /* grammar: request/status line or header line */
    ALB_H1_E_BAD_CHAR,              /* NUL, bare CR or a CTL where none may be */
    ALB_H1_E_LINE_TOO_LONG,         /* request line or a header line > 16K */
    ALB_H1_E_HEAD_TOO_LARGE,        /* whole head > 64K */
    ALB_H1_E_TOO_MANY_HEADERS,      /* more headers than the caller's array holds */
    ALB_H1_E_BAD_VERSION,           /* not HTTP/1.x */
    ALB_H1_E_OBS_FOLD,              /* a continuation line */
    ALB_H1_E_BAD_CONTENT_LENGTH,    /* not a decimal number, or too large */
    ALB_H1_E_CONFLICTING_LENGTH,    /* Content-Length values differ */
    ALB_H1_E_LENGTH_AND_CHUNKED,    /* Content-Length with Transfer-Encoding */
    ALB_H1_E_BAD_TRANSFER_ENCODING, /* chunked repeated or not last, empty coding */
    ALB_H1_E_UNSUPPORTED_ENCODING,  /* a coding other than chunked / identity: 501 */
    ALB_H1_E_ENCODING_IN_HTTP10,    /* Transfer-Encoding in an HTTP/1.0 request */
    ALB_H1_E_NO_HOST,               /* HTTP/1.1 request without Host */
    ALB_H1_E_MULTIPLE_HOST          /* more than one Host header */
};

/* Flags of a parsed message. */
#define ALB_H1_KEEP_ALIVE      0x01u /* the connection may carry another message after this one */
#define ALB_H1_EXPECT_CONTINUE 0x02u /* Expect: 100-continue */
#define ALB_H1_AMBIGUOUS       0x04u /* forward, then close both connections (desync defensive) */
#define ALB_H1_UPGRADE         0x08u /* Connection: upgrade with an Upgrade header */
#define ALB_H1_CONN_TOKENS     0x10u /* Connection names other headers (hop-by-hop to drop) */
#define ALB_H1_DUP_LENGTH      0x20u /* Content-Length given more than once (same value) */

/* A parsed request head. headers / max_headers are the caller's array. */
struct alb_h1_request {
    const char *method; /* into the buffer */
    const char *target; /* request-target as sent */
    size_t method_len, target_len;
    int minor_version;             /* 0 or 1 (HTTP/1.2.. counts as 1) */
    struct alb_h1_header *headers; /* caller's array, filled */
    size_t n_headers, max_headers; /* used / capacity */
    size_t head_len;               /* bytes of the head, final empty line included */
    enum alb_h1_framing framing;   /* NONE, LENGTH or CHUNKED */
    uint64_t content_length;       /* for ALB_H1_BODY_LENGTH */
    unsigned flags;                /* ALB_H1_* */
    int host;                      /* index of the Host header, -1 when none */
    enum alb_h1_error error;       /* why DD_ERR was returned */
};

/* A parsed response head. */
struct alb_h1_response {
    int status;         /* 100..999 */
    const char *reason; /* reason phrase, may be empty */
    size_t reason_len;
    int minor_version;
    struct alb_h1_header *headers; /* caller's array, filled */
    size_t n_headers, max_headers;
    size_t head_len;
    enum alb_h1_framing framing;
    uint64_t content_length;
    unsigned flags; /* ALB_H1_KEEP_ALIVE, ALB_H1_CONN_TOKENS, ALB_H1_UPGRADE */
    enum alb_h1_error error;
};

/*
 * Parses the request head at the start of buf (len bytes, borrowed; the
 * results point into it). req->headers and req->max_headers must be set.
 * Returns the head length (> 0), DD_AGAIN when more bytes are needed (the
 * limits are already checked against what is there), or DD_ERR with
 * req->error set.
 */
int alb_h1_parse_request(const char *buf, size_t len, struct alb_h1_request *req);

/*
 * Parses a response head likewise. head_request says the request was HEAD
 * (no body whatever the headers say). DD_ERR means a malformed response
 * (502 for the proxy).
 */
int alb_h1_parse_response(const char *buf, size_t len, bool head_request,
                          struct alb_h1_response *resp);

/* The status ALB answers a refused request with: 400, or 501 for an
 * unsupported transfer coding. */
int alb_h1_error_status(enum alb_h1_error e);
/* A short name for logs ("LineTooLong", ...); static. */
const char *alb_h1_error_name(enum alb_h1_error e);

/*
 * Chunked body scanner. The proxy forwards chunked bodies as they are and
 * only needs to know, strictly, where they end: chunk sizes in hex (at most
 * 15 digits), extensions without CTLs, CRLF line ends (a bare LF is refused
 * here: a chunk boundary is exactly where parsers disagree), and trailer
 * lines within the head limits. A zeroed struct is the initial state.
 */
struct alb_h1_chunked {
    int state;           /* internal */
    uint64_t remaining;  /* data bytes left in the current chunk */
    size_t line_len;     /* bytes of the current size/trailer line so far */
    size_t trailers_len; /* bytes of trailers so far */
};

/*
 * Scans len bytes (borrowed) that follow what was scanned before. Returns 1
 * when the body ended, with *consumed the bytes of buf that belong to it
 * (the rest is the next message); 0 when every byte belongs to the body and
 * more is needed (*consumed == len); DD_ERR when the coding is malformed.
 */
int alb_h1_chunked_scan(struct alb_h1_chunked *c, const char *buf, size_t len, size_t *consumed);

/* Whether the comma-separated list value (borrowed) holds token
 * (case-insensitive), e.g. "close" in "keep-alive, Close". */
bool alb_h1_list_has(const char *value, size_t len, const char *token);

/* The value of the first header of kind k in hs[0..n), with its length, or NULL. */
const char *alb_h1_find(const struct alb_h1_header *hs, size_t n, enum alb_h1_kind k, size_t *len);

#endif

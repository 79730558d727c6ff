/*
 * A recursive-descent JSON parser that builds jansson values (see json_parse.h).
 *
 * Why not json_loadb: jansson reads its input one character at a time through
 * a stream callback that also decodes UTF-8 per character, then copies every
 * token into a growing buffer before it becomes a value. Request bodies are
 * mostly long runs of plain ASCII inside strings (a SendMessage body), so this
 * parser works on the buffer directly:
 *
 *   - a string is scanned 16 bytes at a time (SSE2) for the only bytes that
 *     need attention: '"', '\\', a control byte (< 0x20) or a non-ASCII byte
 *     (>= 0x80). Non-ASCII sequences are validated where they stand and the
 *     scan resumes after them.
 *   - a string without escapes goes to json_stringn_nocheck (or is used as an
 *     object key) straight from the input: one copy, the one jansson makes.
 *     Only a string with escapes is decoded, into a scratch buffer.
 *   - the scratch buffer is a stack: an object key with escapes stays on it
 *     while the key's value is parsed above it, and is popped once the member
 *     is stored; it grows by doubling and lives for one call, so a document
 *     needs a handful of allocations for it at most.
 *
 * What jansson accepts is matched rule by rule (the tests compare both parsers
 * on a table of edge cases and on thousands of random and mutated documents):
 * depth is counted per value, scalars included, and may reach
 * JSON_PARSER_MAX_DEPTH; integers are what strtoll accepts without ERANGE;
 * a real fails only when strtod overflows (underflow to 0 is accepted).
 * Reals go through strtod, which follows the C locale: no daemon calls
 * setlocale, the same assumption common/metrics.c makes.
 */
#include "common/json_parse.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/err.h"

/* Integer range checks below use long long limits. */
_Static_assert(sizeof(json_int_t) == sizeof(long long), "json_int_t is not long long");

/* Longest number text converted from a stack buffer; longer ones are copied to the heap. */
#define NUM_STACK 64

struct parser {
    const unsigned char *p;     /* next unread byte */
    const unsigned char *start; /* first byte of the input, for error offsets */
    const unsigned char *end;   /* one past the last byte */
    unsigned depth;             /* values open on the current path, as jansson counts */
    char *scratch;              /* owned; decoded strings that had escapes, used as a stack */
    size_t top;                 /* bytes of scratch in use */
    size_t cap;                 /* bytes allocated for scratch */
    const char *reason;         /* static; why the parse failed */
    size_t err_at;              /* offset of the failure */
};

/* A decoded string: either a span of the input or a span of the scratch stack. */
struct str {
    const char *in; /* borrowed from the input, or NULL when the bytes are in scratch */
    size_t off;     /* offset in scratch when in is NULL */
    size_t len;     /* bytes, no terminator */
};

static int fail(struct parser *ps, const unsigned char *at, const char *reason)
{
    ps->reason = reason;
    ps->err_at = (size_t)(at - ps->start);
    return DD_ERR;
}

static int fail_nomem(struct parser *ps)
{
    ps->reason = "out of memory";
    ps->err_at = (size_t)(ps->p - ps->start);
    return DD_ENOMEM;
}

static void skip_ws(struct parser *ps)
{
    const unsigned char *p = ps->p;
    while (p < ps->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    ps->p = p;
}

/* Makes room for n more bytes on the scratch stack (ps->top is not moved). */
static int scratch_reserve(struct parser *ps, size_t n)
{
    if (ps->cap - ps->top >= n)
        return DD_OK;
    size_t want = ps->cap ? ps->cap : 256;
    while (want - ps->top < n) {
        if (want > SIZE_MAX / 2)
            return fail_nomem(ps);
        want *= 2;
    }
    char *grown = realloc(ps->scratch, want);
    if (!grown)
        return fail_nomem(ps);
    ps->scratch = grown;
    ps->cap = want;
    return DD_OK;
}

/*
 * First byte at or after p that a string scan must stop at: '"', '\\', a
 * byte below 0x20 or a byte from 0x80 up; end if there is none. The SSE2
 * compare is signed, so "less than 0x20" catches 0x80..0xFF as well.
 */
static const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                         _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
        p++;
    return p;
}

/*
 * Length of the well-formed UTF-8 sequence at p (2..4), or 0: a stray
 * continuation byte, an overlong form, a surrogate, a code point above
 * U+10FFFF or a sequence cut short by the end of input. p[0] >= 0x80.
 */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t avail = (size_t)(end - p);
    unsigned c = p[0];
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | cp >> 6);
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | cp >> 12);
        *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | cp >> 18);
        *w++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/*
 * Decodes the escape whose backslash is at p into *w, advancing both.
 * Surrogates must come as a high-low pair and \u0000 is refused, as jansson
 * does without JSON_ALLOW_NUL. Returns NULL (error recorded) when malformed.
 */
static const unsigned char *decode_escape(struct parser *ps, const unsigned char *p, char **w)
{
    const unsigned char *end = ps->end;
    if (end - p < 2) {
        fail(ps, p, "premature end of input in string");
        return NULL;
    }
    char c;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
        c = (char)p[1];
        break;
    case 'b':
        c = '\b';
        break;
    case 'f':
        c = '\f';
        break;
    case 'n':
        c = '\n';
        break;
    case 'r':
        c = '\r';
        break;
    case 't':
        c = '\t';
        break;
    case 'u': {
        unsigned cp, lo;
        if (hex4(p + 2, end, &cp)) {
            fail(ps, p, "invalid \\u escape");
            return NULL;
        }
        const unsigned char *next = p + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end - next < 2 || next[0] != '\\' || next[1] != 'u' || hex4(next + 2, end, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF) {
                fail(ps, p, "unpaired high surrogate");
                return NULL;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            next += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(ps, p, "unpaired low surrogate");
            return NULL;
        } else if (cp == 0) {
            fail(ps, p, "\\u0000 is not allowed");
            return NULL;
        }
        *w = put_utf8(*w, cp);
        return next;
    }
    default:
        fail(ps, p, "invalid escape");
        return NULL;
    }
    *(*w)++ = c;
    return p + 2;
}

/*
 * Moves p past plain bytes and well-formed UTF-8 sequences to the next '"',
 * '\\' or control byte. Returns NULL (error recorded) at the end of input or
 * on malformed UTF-8.
 */
static const unsigned char *skip_text(struct parser *ps, const unsigned char *p)
{
    const unsigned char *end = ps->end;
    for (;;) {
        p = skip_plain(p, end);
        if (p == end) {
            fail(ps, p, "premature end of input in string");
            return NULL;
        }
        if (*p < 0x80)
            return p;
        size_t n = utf8_len(p, end);
        if (!n) {
            fail(ps, p, "invalid UTF-8");
            return NULL;
        }
        p += n;
    }
}

/*
 * The rest of a string found to have escapes: run is its first byte, p its
 * first backslash. Decoded text is never longer than its source (an escape
 * of 2, 6 or 12 bytes becomes 1 to 4), so one reservation of the remaining
 * input covers the whole string and the loop writes without checks.
 */
static int scan_escaped(struct parser *ps, const unsigned char *run, const unsigned char *p,
                        struct str *s)
{
    int rc = scratch_reserve(ps, (size_t)(ps->end - run));
    if (rc)
        return rc;
    char *first = ps->scratch + ps->top, *w = first;
    memcpy(w, run, (size_t)(p - run));
    w += p - run;
    for (;;) {
        p = decode_escape(ps, p, &w);
        if (!p)
            return DD_ERR;
        run = p;
        p = skip_text(ps, p);
        if (!p)
            return DD_ERR;
        memcpy(w, run, (size_t)(p - run));
        w += p - run;
        if (*p == '"')
            break;
        if (*p != '\\')
            return fail(ps, p, "control character in string");
    }
    s->in = NULL;
    s->off = ps->top;
    s->len = (size_t)(w - first);
    ps->top += s->len;
    ps->p = p + 1;
    return DD_OK;
}

/*
 * Scans the string whose opening quote is at ps->p. Without escapes *s is a
 * span of the input; with escapes the decoded bytes are pushed on the scratch
 * stack (the caller pops them by restoring ps->top).
 */
static int scan_string(struct parser *ps, struct str *s)
{
    const unsigned char *run = ps->p + 1;
    const unsigned char *p = skip_text(ps, run);
    if (!p)
        return DD_ERR;
    if (*p == '\\')
        return scan_escaped(ps, run, p, s);
    if (*p != '"')
        return fail(ps, p, "control character in string");
    s->in = (const char *)run;
    s->len = (size_t)(p - run);
    ps->p = p + 1;
    return DD_OK;
}

static const char *str_bytes(const struct parser *ps, const struct str *s)
{
    return s->in ? s->in : ps->scratch + s->off;
}

/*
 * jansson quirk, matched on purpose: its lexer ends a number or a bare word
 * by pushing the byte after it back into a one-character buffer whose "empty"
 * marker is '\0', so a NUL byte pushed back is lost. One NUL right after a
 * number, true, false or null is therefore skipped ("[1\0]" is [1]).
 */
static void end_scalar_token(struct parser *ps, const unsigned char *p)
{
    ps->p = p < ps->end && *p == '\0' ? p + 1 : p;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/*
 * A number per RFC 8259. Without fraction or exponent it is an integer and
 * must fit json_int_t (as jansson's strtoll check); otherwise it is a double
 * from strtod, an error only on overflow.
 */
static int parse_number(struct parser *ps, json_t **out)
{
    const unsigned char *start = ps->p, *p = ps->p, *end = ps->end;
    int neg = *p == '-';
    if (neg)
        p++;
    unsigned long long mag = 0;
    int too_big = 0;
    if (is_digit(p, end) && *p == '0') {
        p++;
        if (is_digit(p, end))
            return fail(ps, start, "leading zero in number");
    } else if (is_digit(p, end)) {
        do {
            unsigned d = (unsigned)(*p - '0');
            if (mag > (ULLONG_MAX - d) / 10)
                too_big = 1;
            else
                mag = mag * 10 + d;
            p++;
        } while (is_digit(p, end));
    } else {
        return fail(ps, start, "invalid number");
    }
    int real = 0;
    if (p < end && *p == '.') {
        p++;
        if (!is_digit(p, end))
            return fail(ps, start, "invalid number");
        while (is_digit(p, end))
            p++;
        real = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(p, end))
            return fail(ps, start, "invalid number");
        while (is_digit(p, end))
            p++;
        real = 1;
    }
    if (!real) {
        unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
        if (too_big || mag > limit)
            return fail(ps, start, "integer out of range");
        json_int_t v;
        if (!neg)
            v = (json_int_t)mag;
        else if (mag == (unsigned long long)LLONG_MAX + 1)
            v = LLONG_MIN;
        else
            v = -(json_int_t)mag;
        end_scalar_token(ps, p);
        *out = json_integer(v);
        return *out ? DD_OK : fail_nomem(ps);
    }
    /* strtod needs a terminator, and must not see the "0x" or "inf" it would also accept. */
    size_t n = (size_t)(p - start);
    char stack[NUM_STACK];
    char *text = n < sizeof(stack) ? stack : malloc(n + 1);
    if (!text)
        return fail_nomem(ps);
    memcpy(text, start, n);
    text[n] = '\0';
    errno = 0;
    double d = strtod(text, NULL);
    int overflow = errno == ERANGE && isinf(d);
    if (text != stack)
        free(text);
    if (overflow)
        return fail(ps, start, "real number overflow");
    end_scalar_token(ps, p);
    *out = json_real(d);
    return *out ? DD_OK : fail_nomem(ps);
}

static int parse_value(struct parser *ps, json_t **out);

static int parse_array(struct parser *ps, json_t **out)
{
    json_t *arr = json_array();
    if (!arr)
        return fail_nomem(ps);
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        *out = arr;
        return DD_OK;
    }
    for (;;) {
        json_t *v;
        int rc = parse_value(ps, &v);
        if (rc) {
            json_decref(arr);
            return rc;
        }
        if (json_array_append_new(arr, v)) {
            json_decref(arr);
            return fail_nomem(ps);
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            *out = arr;
            return DD_OK;
        }
        json_decref(arr);
        return fail(ps, ps->p, "',' or ']' expected");
    }
}

static int parse_object(struct parser *ps, json_t **out)
{
    json_t *obj = json_object();
    if (!obj)
        return fail_nomem(ps);
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        *out = obj;
        return DD_OK;
    }
    int rc;
    for (;;) {
        if (ps->p == ps->end || *ps->p != '"') {
            rc = fail(ps, ps->p, "string key expected");
            goto fail;
        }
        size_t mark = ps->top;
        struct str key;
        rc = scan_string(ps, &key);
        if (rc)
            goto fail;
        skip_ws(ps);
        if (ps->p == ps->end || *ps->p != ':') {
            rc = fail(ps, ps->p, "':' expected");
            goto fail;
        }
        ps->p++;
        skip_ws(ps);
        json_t *v;
        rc = parse_value(ps, &v);
        if (rc)
            goto fail;
        /* The key is read only now: parsing the value may have moved scratch. */
        if (json_object_setn_new_nocheck(obj, str_bytes(ps, &key), key.len, v)) {
            rc = fail_nomem(ps);
            goto fail;
        }
        ps->top = mark;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            *out = obj;
            return DD_OK;
        }
        rc = fail(ps, ps->p, "',' or '}' expected");
        goto fail;
    }
fail:
    json_decref(obj);
    return rc;
}

static int parse_string_value(struct parser *ps, json_t **out)
{
    size_t mark = ps->top;
    struct str s;
    int rc = scan_string(ps, &s);
    if (rc)
        return rc;
    *out = json_stringn_nocheck(str_bytes(ps, &s), s.len);
    ps->top = mark;
    return *out ? DD_OK : fail_nomem(ps);
}

static int parse_literal(struct parser *ps, const char *word, size_t n, json_t *v, json_t **out)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, ps->p, "invalid token");
    end_scalar_token(ps, ps->p + n);
    *out = v;
    return DD_OK;
}

/* ps->p is at the first byte of a value (whitespace already skipped). */
static int parse_value(struct parser *ps, json_t **out)
{
    if (ps->p == ps->end)
        return fail(ps, ps->p, "premature end of input");
    if (++ps->depth > JSON_PARSER_MAX_DEPTH)
        return fail(ps, ps->p, "maximum nesting depth reached");
    int rc;
    switch (*ps->p) {
    case '{':
        rc = parse_object(ps, out);
        break;
    case '[':
        rc = parse_array(ps, out);
        break;
    case '"':
        rc = parse_string_value(ps, out);
        break;
    case 't':
        rc = parse_literal(ps, "true", 4, json_true(), out);
        break;
    case 'f':
        rc = parse_literal(ps, "false", 5, json_false(), out);
        break;
    case 'n':
        rc = parse_literal(ps, "null", 4, json_null(), out);
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            rc = parse_number(ps, out);
        else
            rc = fail(ps, ps->p, "invalid token");
        break;
    }
    ps->depth--;
    return rc;
}

int dd_json_parse(const char *buf, size_t len, json_t **out, struct dd_json_error *err)
{
    struct parser ps = { 0 };
    int rc;
    if (out)
        *out = NULL;
    if (!out || (!buf && len)) {
        ps.reason = "invalid argument";
        rc = DD_EINVAL;
        goto done;
    }
    /* A zero-length input may come with a NULL buffer; give the cursor something to point at. */
    ps.start = ps.p = buf ? (const unsigned char *)buf : (const unsigned char *)"";
    ps.end = ps.p + len;
    skip_ws(&ps);
    if (ps.p == ps.end || (*ps.p != '{' && *ps.p != '[')) {
        rc = fail(&ps, ps.p, "'[' or '{' expected");
        goto done;
    }
    json_t *root;
    rc = parse_value(&ps, &root);
    if (rc)
        goto done;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        json_decref(root);
        rc = fail(&ps, ps.p, "end of input expected");
        goto done;
    }
    *out = root;
done:
    free(ps.scratch);
    if (err) {
        err->offset = rc ? ps.err_at : 0;
        err->reason = rc ? ps.reason : NULL;
    }
    return rc;
}

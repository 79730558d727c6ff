/*
 * Streaming XML writer and the XML 1.0 character rule, for AWS Query replies.
 *
 * Every SQS and ELBv2 Query reply, success or error, is written through this
 * file so that escaping and character validation live in exactly one place.
 * The character rule is shared with SQS's message validation: a message body
 * SQS accepts must be one this writer can emit, and vice versa, or a
 * ReceiveMessage over the Query protocol would produce a document the client
 * cannot parse.
 */
#include "common/xml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/*
 * UTF-8 decoding follows the table of well-formed byte sequences in the
 * Unicode Standard (chapter 3, "Well-Formed UTF-8 Byte Sequences"): the first
 * continuation byte's range depends on the lead byte, which is what rules out
 * overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF)
 * and code points above U+10FFFF (F4 90.., F5..FF). Later continuation bytes
 * are always 80..BF.
 *
 * Returns the length (1-4) of the well-formed sequence at s and its code
 * point in *cp, or 0 if s[0..n) does not start with one (including a sequence
 * cut short by the end of input).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b0 = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t c;

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
        c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        c = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0;
        else if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        c = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90;
        else if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    c = (c << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return need;
}

/* The Char production of XML 1.0 (fifth edition), section 2.2. */
static int xml_char_ok(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x9 || cp == 0xA || cp == 0xD;
    if (cp <= 0xD7FF)
        return 1;
    if (cp < 0xE000)
        return 0;
    if (cp <= 0xFFFD)
        return 1;
    if (cp < 0x10000)
        return 0;
    return cp <= 0x10FFFF;
}

/* Length of the XML character at s, or 0 if there is none. */
static size_t xml_char_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = utf8_decode(s, n, cp);
    return len && xml_char_ok(*cp) ? len : 0;
}

int dd_utf8_xml_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;

    if (!s)
        return len == 0;
    while (i < len) {
        size_t n = xml_char_len(p + i, len - i, &cp);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

int dd_utf8_xml_scrub(struct dd_buf *out, const char *s, size_t len)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    const unsigned char *p = (const unsigned char *)s;
    size_t before = out->len, start = 0, i = 0;
    int rc = DD_OK;
    uint32_t cp;

    if (!s && len)
        return DD_EINVAL;
    while (i < len && !rc) {
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n && xml_char_ok(cp)) {
            i += n;
            continue;
        }
        rc = dd_buf_append(out, s + start, i - start);
        if (!rc)
            rc = dd_buf_append(out, replacement, sizeof(replacement) - 1);
        i += n ? n : 1;
        start = i;
    }
    if (!rc)
        rc = dd_buf_append(out, s + start, len - start);
    if (rc && out->data) {
        out->len = before;
        out->data[before] = '\0';
    }
    return rc;
}

/*
 * Appends s[0..len) escaped for text (attr == 0) or for a double-quoted
 * attribute value (attr == 1). Plain runs are copied in one append each, so
 * the common case of nothing to escape costs one memcpy.
 *
 * CR is always a character reference because a parser turns a literal CR (and
 * CR LF) into LF; TAB and LF are references only in attributes, where a parser
 * would otherwise turn them into spaces.
 */
static int put_escaped(struct dd_buf *out, const char *s, size_t len, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = 0, i = 0;
    uint32_t cp;
    int rc;

    while (i < len) {
        size_t n = xml_char_len(p + i, len - i, &cp);
        const char *ent = NULL;

        if (!n)
            return DD_EINVAL;
        switch (cp) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&apos;";
            break;
        case '\r':
            ent = "&#xD;";
            break;
        case '\t':
            ent = attr ? "&#x9;" : NULL;
            break;
        case '\n':
            ent = attr ? "&#xA;" : NULL;
            break;
        default:
            break;
        }
        if (!ent) {
            i += n;
            continue;
        }
        rc = dd_buf_append(out, s + start, i - start);
        if (!rc)
            rc = dd_buf_puts(out, ent);
        if (rc)
            return rc;
        i += n;
        start = i;
    }
    return dd_buf_append(out, s + start, len - start);
}

/* ASCII XML names only: every name AWS uses is one, and it keeps the check exact. */
static int name_ok(const char *name)
{
    if (!name || !*name)
        return 0;
    for (const char *c = name; *c; c++) {
        int alpha = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '_' || *c == ':';
        int more = (*c >= '0' && *c <= '9') || *c == '.' || *c == '-';
        if (!alpha && (c == name || !more))
            return 0;
    }
    return 1;
}

static int xml_fail(struct dd_xml *x, int rc)
{
    x->err = rc;
    return rc;
}

/* Every operation starts here: a stored error or a foreign write stops it. */
static int xml_begin(struct dd_xml *x)
{
    if (x->err)
        return x->err;
    if (x->out->len != x->mark)
        return xml_fail(x, DD_EINVAL);
    return DD_OK;
}

/* Every operation that wrote ends here. A failed one takes back what it wrote,
 * so the buffer never holds half an entity or half a tag. */
static int xml_end(struct dd_xml *x, size_t start, int rc)
{
    if (rc) {
        if (x->out->data) {
            x->out->len = start;
            x->out->data[start] = '\0';
        }
        x->err = rc;
    }
    x->mark = x->out->len;
    return rc;
}

/* Content is coming: the pending start tag gets its '>'. */
static int end_start_tag(struct dd_xml *x)
{
    if (!x->tag_pending)
        return DD_OK;
    x->tag_pending = 0;
    return dd_buf_putc(x->out, '>');
}

void dd_xml_init(struct dd_xml *x, struct dd_buf *out)
{
    memset(x, 0, sizeof(*x));
    x->out = out;
    if (!out)
        x->err = DD_EINVAL;
    else
        x->mark = out->len;
}

int dd_xml_declaration(struct dd_xml *x)
{
    int rc = xml_begin(x);
    if (rc)
        return rc;
    if (x->has_decl || x->has_root)
        return xml_fail(x, DD_EINVAL);
    size_t start = x->out->len;
    rc = dd_buf_puts(x->out, "<?xml version=\"1.0\"?>");
    if (!rc)
        x->has_decl = 1;
    return xml_end(x, start, rc);
}

static int xml_open(struct dd_xml *x, const char *name, const char *xmlns)
{
    int rc = xml_begin(x);
    if (rc)
        return rc;
    if (!name_ok(name) || (x->depth == 0 && x->has_root))
        return xml_fail(x, DD_EINVAL);
    if (x->depth == DD_XML_MAX_DEPTH)
        return xml_fail(x, DD_ERANGE);

    size_t start = x->out->len;
    size_t name_len = strlen(name);
    rc = end_start_tag(x);
    if (!rc)
        rc = dd_buf_putc(x->out, '<');
    size_t name_off = x->out->len;
    if (!rc)
        rc = dd_buf_append(x->out, name, name_len);
    if (!rc && xmlns) {
        rc = dd_buf_puts(x->out, " xmlns=\"");
        if (!rc)
            rc = put_escaped(x->out, xmlns, strlen(xmlns), 1);
        if (!rc)
            rc = dd_buf_putc(x->out, '"');
    }
    if (!rc) {
        x->open[x->depth].off = name_off;
        x->open[x->depth].len = name_len;
        x->depth++;
        x->tag_pending = 1;
        x->has_root = 1;
    }
    return xml_end(x, start, rc);
}

int dd_xml_open(struct dd_xml *x, const char *name)
{
    return xml_open(x, name, NULL);
}

int dd_xml_open_ns(struct dd_xml *x, const char *name, const char *xmlns)
{
    if (!xmlns)
        return xml_fail(x, x->err ? x->err : DD_EINVAL);
    return xml_open(x, name, xmlns);
}

int dd_xml_close(struct dd_xml *x)
{
    int rc = xml_begin(x);
    if (rc)
        return rc;
    if (x->depth == 0)
        return xml_fail(x, DD_EINVAL);

    struct dd_xml_open_elem e = x->open[x->depth - 1];
    struct dd_buf *out = x->out;
    size_t start = out->len;
    if (x->tag_pending) {
        rc = dd_buf_append(out, "/>", 2);
    } else {
        /* The name is copied from where the start tag wrote it; reserve
         * first, since growing the buffer may move it. */
        rc = dd_buf_reserve(out, e.len + 3);
        if (!rc) {
            char *d = out->data + out->len;
            d[0] = '<';
            d[1] = '/';
            memcpy(d + 2, out->data + e.off, e.len);
            d[2 + e.len] = '>';
            out->len += e.len + 3;
            out->data[out->len] = '\0';
        }
    }
    if (!rc) {
        x->tag_pending = 0;
        x->depth--;
    }
    return xml_end(x, start, rc);
}

int dd_xml_text(struct dd_xml *x, const char *s, size_t len)
{
    int rc = xml_begin(x);
    if (rc)
        return rc;
    if (x->depth == 0 || (!s && len))
        return xml_fail(x, DD_EINVAL);
    if (len == 0)
        return DD_OK;
    size_t start = x->out->len;
    rc = end_start_tag(x);
    if (!rc)
        rc = put_escaped(x->out, s, len, 0);
    return xml_end(x, start, rc);
}

static int xml_elem_len(struct dd_xml *x, const char *name, const char *text, size_t len)
{
    /* Each step is a no-op once one has failed, so checking the last is enough. */
    dd_xml_open(x, name);
    dd_xml_text(x, text, len);
    return dd_xml_close(x);
}

int dd_xml_elem(struct dd_xml *x, const char *name, const char *text)
{
    return xml_elem_len(x, name, text, text ? strlen(text) : 0);
}

int dd_xml_elemf(struct dd_xml *x, const char *name, const char *fmt, ...)
{
    char small[256];
    char *text = small;
    va_list ap;

    if (x->err)
        return x->err;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return xml_fail(x, DD_EINVAL);
    if ((size_t)n >= sizeof(small)) {
        text = malloc((size_t)n + 1);
        if (!text)
            return xml_fail(x, DD_ENOMEM);
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    int rc = xml_elem_len(x, name, text, (size_t)n);
    if (text != small)
        free(text);
    return rc;
}

int dd_xml_finish(struct dd_xml *x)
{
    int rc = xml_begin(x);
    if (rc)
        return rc;
    if (x->depth != 0 || !x->has_root)
        return xml_fail(x, DD_EINVAL);
    return DD_OK;
}

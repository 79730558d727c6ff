/* Unit tests for common/xml.c: exact output, escaping, the XML 1.0 character
 * rule on hostile and malformed UTF-8, balance checks and the sticky error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/xml.h"

/* Writes <r>TEXT</r> and returns finish's code; *out holds the bytes. */
static int write_text_doc(struct dd_buf *out, const char *s, size_t len)
{
    struct dd_xml x;
    dd_xml_init(&x, out);
    dd_xml_open(&x, "r");
    dd_xml_text(&x, s, len);
    dd_xml_close(&x);
    return dd_xml_finish(&x);
}

static void test_document_byte_for_byte(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_declaration(&x), DD_OK);
    assert_int_equal(
        dd_xml_open_ns(&x, "SendMessageResponse", "http://queue.amazonaws.com/doc/2012-11-05/"),
        DD_OK);
    assert_int_equal(dd_xml_open(&x, "SendMessageResult"), DD_OK);
    assert_int_equal(dd_xml_elem(&x, "MD5OfMessageBody", "fafb00f5732ab283681e124bf8747ed1"),
                     DD_OK);
    assert_int_equal(dd_xml_elemf(&x, "SequenceNumber", "%d-%s", 42, "x"), DD_OK);
    assert_int_equal(dd_xml_close(&x), DD_OK);
    assert_int_equal(dd_xml_open(&x, "ResponseMetadata"), DD_OK);
    assert_int_equal(dd_xml_elem(&x, "RequestId", "rid"), DD_OK);
    assert_int_equal(dd_xml_close(&x), DD_OK);
    assert_int_equal(dd_xml_close(&x), DD_OK);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    assert_string_equal(b.data,
                        "<?xml version=\"1.0\"?>"
                        "<SendMessageResponse "
                        "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                        "<SendMessageResult>"
                        "<MD5OfMessageBody>fafb00f5732ab283681e124bf8747ed1</MD5OfMessageBody>"
                        "<SequenceNumber>42-x</SequenceNumber>"
                        "</SendMessageResult>"
                        "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>"
                        "</SendMessageResponse>");
    assert_int_equal(b.len, strlen(b.data));
    dd_buf_release(&b);
}

static void test_empty_elements_self_close(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    dd_xml_elem(&x, "Empty", "");
    dd_xml_elem(&x, "Null", NULL);
    dd_xml_open(&x, "Pair");
    dd_xml_close(&x);
    dd_xml_open(&x, "ZeroText");
    dd_xml_text(&x, "", 0);
    dd_xml_close(&x);
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    assert_string_equal(b.data, "<a><Empty/><Null/><Pair/><ZeroText/></a>");
    dd_buf_release(&b);
}

static void test_writes_after_existing_content(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_buf_puts(&b, "prefix:"), DD_OK);
    assert_int_equal(write_text_doc(&b, "v", 1), DD_OK);
    assert_string_equal(b.data, "prefix:<r>v</r>");
    dd_buf_release(&b);
}

struct escape_case {
    const char *in;
    size_t len;
    const char *want; /* body of <r>...</r> */
};

#define ESC(lit, want)             \
    {                              \
        lit, sizeof(lit) - 1, want \
    }

static void test_text_escaping(void **state)
{
    (void)state;
    static const struct escape_case cases[] = {
        ESC("</r><b>", "&lt;/r&gt;&lt;b&gt;"),
        ESC("&amp;", "&amp;amp;"),
        ESC("&#xD;", "&amp;#xD;"),
        ESC("say \"hi\" 'x'", "say &quot;hi&quot; &apos;x&apos;"),
        ESC("a]]>b", "a]]&gt;b"),
        ESC("<![CDATA[x]]>", "&lt;![CDATA[x]]&gt;"),
        ESC("l1\r\nl2\rl3\nt\tt", "l1&#xD;\nl2&#xD;l3\nt\tt"),
        ESC("\x7f", "\x7f"),
        ESC("\xC2\x80\xC2\x9F", "\xC2\x80\xC2\x9F"),
        ESC("caf\xC3\xA9 \xE2\x82\xAC", "caf\xC3\xA9 \xE2\x82\xAC"),
        ESC("\xF0\x9F\x98\x80<", "\xF0\x9F\x98\x80&lt;"),
        ESC("\xEF\xBF\xBD", "\xEF\xBF\xBD"),
        ESC("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"),
        ESC("&&&", "&amp;&amp;&amp;"),
        ESC("plain", "plain"),
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct dd_buf b = DD_BUF_INIT;
        struct dd_buf want = DD_BUF_INIT;
        assert_int_equal(dd_buf_printf(&want, "<r>%s</r>", cases[i].want), DD_OK);
        assert_int_equal(write_text_doc(&b, cases[i].in, cases[i].len), DD_OK);
        assert_int_equal(b.len, want.len);
        assert_memory_equal(b.data, want.data, want.len);
        assert_int_equal(dd_utf8_xml_valid(cases[i].in, cases[i].len), 1);
        dd_buf_release(&b);
        dd_buf_release(&want);
    }
}

static void test_attribute_escaping(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open_ns(&x, "r", "a\"b'c<d>e&f\tg\nh\ri");
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    assert_string_equal(b.data, "<r xmlns=\"a&quot;b&apos;c&lt;d&gt;e&amp;f&#x9;g&#xA;h&#xD;i\"/>");
    dd_buf_release(&b);
}

static void test_invalid_characters_fail(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
#define BAD(lit) { lit, sizeof(lit) - 1 }
        BAD("a\0b"),                     /* NUL */
        BAD("\x01"),                     /* C0 control */
        BAD("\x08"),                     /* backspace */
        BAD("\x0b"),                     /* vertical tab */
        BAD("\x0c"),                     /* form feed */
        BAD("\x1f"),                     /* last C0 control */
        BAD("ok\x80"),                   /* lone continuation byte */
        BAD("\xBF"),                     /* lone continuation byte */
        BAD("\xC0\xAF"),                 /* overlong '/' */
        BAD("\xC1\xBF"),                 /* overlong */
        BAD("\xE0\x80\xAF"),             /* overlong 3-byte '/' */
        BAD("\xE0\x9F\xBF"),             /* overlong 3-byte */
        BAD("\xF0\x80\x80\xAF"),         /* overlong 4-byte '/' */
        BAD("\xF0\x8F\xBF\xBF"),         /* overlong 4-byte */
        BAD("\xED\xA0\x80"),             /* surrogate U+D800 */
        BAD("\xED\xBF\xBF"),             /* surrogate U+DFFF */
        BAD("\xED\xA0\xBD\xED\xB8\x80"), /* CESU-8 surrogate pair */
        BAD("\xE2\x82"),                 /* truncated euro sign */
        BAD("\xF0\x9F\x98"),             /* truncated emoji */
        BAD("\xC3"),                     /* truncated 2-byte */
        BAD("\xC3(x"),                   /* bad continuation */
        BAD("\xE2\x28\xA1"),             /* bad continuation */
        BAD("\xEF\xBF\xBE"),             /* U+FFFE */
        BAD("\xEF\xBF\xBF"),             /* U+FFFF */
        BAD("\xF4\x90\x80\x80"),         /* U+110000 */
        BAD("\xF5\x80\x80\x80"),         /* lead byte beyond Unicode */
        BAD("\xFE"),
        BAD("\xFF"),
#undef BAD
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++) {
        struct dd_buf b = DD_BUF_INIT;
        struct dd_xml x;
        dd_xml_init(&x, &b);
        assert_int_equal(dd_xml_open(&x, "r"), DD_OK);
        size_t before = b.len;
        assert_int_equal(dd_xml_text(&x, bad[i].s, bad[i].len), DD_EINVAL);
        /* The failed call took back what it wrote (the pending '>' too). */
        assert_int_equal(b.len, before);
        /* Sticky: nothing more is written, every call reports the error. */
        assert_int_equal(dd_xml_text(&x, "fine", 4), DD_EINVAL);
        assert_int_equal(dd_xml_close(&x), DD_EINVAL);
        assert_int_equal(b.len, before);
        assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
        assert_string_equal(b.data, "<r");
        assert_int_equal(dd_utf8_xml_valid(bad[i].s, bad[i].len), 0);
        dd_buf_release(&b);

        /* The same bytes as an attribute value fail as well. */
        if (memchr(bad[i].s, '\0', bad[i].len) == NULL) {
            dd_xml_init(&x, &b);
            assert_int_equal(dd_xml_open_ns(&x, "r", bad[i].s), DD_EINVAL);
            assert_int_equal(b.len, 0);
            assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
            dd_buf_release(&b);
        }
    }
}

static void test_elem_and_elemf_reject_invalid_text(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "r");
    assert_int_equal(dd_xml_elem(&x, "A", "x\x01y"), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    dd_xml_init(&x, &b);
    dd_xml_open(&x, "r");
    assert_int_equal(dd_xml_elemf(&x, "A", "%s", "\xED\xA0\x80"), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);
}

static void test_elemf_long_output(void **state)
{
    (void)state;
    char big[1001];
    memset(big, 'z', 1000);
    big[1000] = '\0';
    big[500] = '&';
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "r");
    assert_int_equal(dd_xml_elemf(&x, "Long", "[%s]", big), DD_OK);
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    /* <r><Long>[ + 1000 chars + 4 for &amp; + ]</Long></r> */
    assert_int_equal(b.len, strlen("<r><Long>[") + 1004 + strlen("]</Long></r>"));
    assert_memory_equal(b.data + strlen("<r><Long>[") + 500, "&amp;zz", 7);
    assert_memory_equal(b.data + b.len - 12, "]</Long></r>", 12);
    dd_buf_release(&b);
}

static void test_unbalanced_and_misplaced(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;

    /* An element left open. */
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    dd_xml_open(&x, "b");
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* One close too many. */
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    assert_int_equal(dd_xml_close(&x), DD_OK);
    assert_int_equal(dd_xml_close(&x), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* No root at all. */
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);
    dd_xml_init(&x, &b);
    dd_xml_declaration(&x);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* A second root. */
    dd_xml_init(&x, &b);
    dd_xml_elem(&x, "a", "1");
    assert_int_equal(dd_xml_elem(&x, "b", "2"), DD_EINVAL);
    assert_string_equal(b.data, "<a>1</a>");
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* Text outside the root. */
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_text(&x, "x", 1), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* Declaration after the root, and twice. */
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    assert_int_equal(dd_xml_declaration(&x), DD_EINVAL);
    dd_buf_release(&b);
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_declaration(&x), DD_OK);
    assert_int_equal(dd_xml_declaration(&x), DD_EINVAL);
    dd_buf_release(&b);

    /* NULL text with a length, NULL namespace, NULL buffer. */
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    assert_int_equal(dd_xml_text(&x, NULL, 3), DD_EINVAL);
    dd_buf_release(&b);
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_open_ns(&x, "a", NULL), DD_EINVAL);
    assert_int_equal(b.len, 0);
    dd_xml_init(&x, NULL);
    assert_int_equal(dd_xml_open(&x, "a"), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
}

static void test_element_names_checked(void **state)
{
    (void)state;
    static const char *const bad[] = { "",   "1a",  "-a", ".a",  "a b",      "a<",  "a>",
                                       "a/", "a\"", "a&", "a=b", "\xC3\xA9", "a\tb" };
    for (size_t i = 0; i < DD_ARRAY_LEN(bad); i++) {
        struct dd_buf b = DD_BUF_INIT;
        struct dd_xml x;
        dd_xml_init(&x, &b);
        assert_int_equal(dd_xml_open(&x, bad[i]), DD_EINVAL);
        assert_int_equal(b.len, 0);
        assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
        dd_buf_release(&b);
    }
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    assert_int_equal(dd_xml_open(&x, NULL), DD_EINVAL);
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "_a");
    dd_xml_elem(&x, "xsi:type", "t");
    dd_xml_elem(&x, "A.b-c_9", "u");
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    assert_string_equal(b.data, "<_a><xsi:type>t</xsi:type><A.b-c_9>u</A.b-c_9></_a>");
    dd_buf_release(&b);
}

static void test_depth_limit(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    for (int i = 0; i < DD_XML_MAX_DEPTH; i++)
        assert_int_equal(dd_xml_open(&x, "d"), DD_OK);
    size_t before = b.len;
    assert_int_equal(dd_xml_open(&x, "d"), DD_ERANGE);
    assert_int_equal(b.len, before);
    assert_int_equal(dd_xml_close(&x), DD_ERANGE);
    assert_int_equal(dd_xml_finish(&x), DD_ERANGE);
    dd_buf_release(&b);

    /* Right at the limit the names come back out in reverse order. */
    dd_xml_init(&x, &b);
    char name[16];
    for (int i = 0; i < DD_XML_MAX_DEPTH; i++) {
        snprintf(name, sizeof(name), "e%d", i);
        dd_xml_open(&x, name);
        dd_xml_text(&x, "t", 1);
    }
    for (int i = 0; i < DD_XML_MAX_DEPTH; i++)
        dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    struct dd_buf want = DD_BUF_INIT;
    for (int i = 0; i < DD_XML_MAX_DEPTH; i++)
        dd_buf_printf(&want, "<e%d>t", i);
    for (int i = DD_XML_MAX_DEPTH - 1; i >= 0; i--)
        dd_buf_printf(&want, "</e%d>", i);
    assert_string_equal(b.data, want.data);
    dd_buf_release(&b);
    dd_buf_release(&want);
}

static void test_foreign_write_detected(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open(&x, "a");
    dd_buf_puts(&b, "junk");
    assert_int_equal(dd_xml_close(&x), DD_EINVAL);
    assert_int_equal(dd_xml_finish(&x), DD_EINVAL);
    dd_buf_release(&b);
}

static void test_close_copies_name_across_growth(void **state)
{
    (void)state;
    /* A long name and text big enough to force reallocations between the
     * start tag and the end tag, whose name is copied from the buffer. */
    char name[200];
    memset(name, 'N', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    char *text = malloc(100000);
    assert_non_null(text);
    memset(text, 't', 100000);
    struct dd_buf b = DD_BUF_INIT;
    struct dd_xml x;
    dd_xml_init(&x, &b);
    dd_xml_open(&x, name);
    dd_xml_text(&x, text, 100000);
    dd_xml_close(&x);
    assert_int_equal(dd_xml_finish(&x), DD_OK);
    assert_int_equal(b.len, 2 * 199 + 5 + 100000);
    assert_memory_equal(b.data + b.len - 202, "</", 2);
    assert_memory_equal(b.data + b.len - 200, name, 199);
    assert_int_equal(b.data[b.len - 1], '>');
    free(text);
    dd_buf_release(&b);
}

/*
 * A second, independent statement of the rule for the exhaustive tests below:
 * decode by the lead byte's bit pattern alone, then insist the result
 * re-encodes to the same bytes (which rules out overlong forms), is not a
 * surrogate and is an XML Char.
 */
static size_t ref_encode(uint32_t cp, unsigned char *o)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static int ref_xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static int ref_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char b = s[i];
        size_t n = (b & 0x80) == 0x00   ? 1
                   : (b & 0xE0) == 0xC0 ? 2
                   : (b & 0xF0) == 0xE0 ? 3
                   : (b & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n == 0 || i + n > len)
            return 0;
        uint32_t cp = n == 1 ? b : (uint32_t)(b & (0x7F >> n));
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        unsigned char re[4];
        if (cp > 0x10FFFF || ref_encode(cp, re) != n || memcmp(re, s + i, n) != 0)
            return 0;
        if (!ref_xml_char(cp))
            return 0;
        i += n;
    }
    return 1;
}

static void test_every_code_point(void **state)
{
    (void)state;
    unsigned char s[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        size_t n = ref_encode(cp, s);
        int want = ref_xml_char(cp) && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (dd_utf8_xml_valid((const char *)s, n) != want)
            fail_msg("U+%04X: expected %d", (unsigned)cp, want);
    }
}

static void test_exhaustive_short_sequences(void **state)
{
    (void)state;
    unsigned char s[4];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        assert_int_equal(dd_utf8_xml_valid((const char *)s, 1), ref_valid(s, 1));
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            if (dd_utf8_xml_valid((const char *)s, 2) != ref_valid(s, 2))
                fail_msg("%02X %02X", a, b);
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                if (dd_utf8_xml_valid((const char *)s, 3) != ref_valid(s, 3))
                    fail_msg("%02X %02X %02X", a, b, c);
            }
        }
    }
    /* 4-byte lead bytes against every second byte and edge continuations. */
    static const unsigned char tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF };
    for (unsigned a = 0xF0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            for (size_t c = 0; c < sizeof(tails); c++) {
                for (size_t d = 0; d < sizeof(tails); d++) {
                    s[0] = (unsigned char)a;
                    s[1] = (unsigned char)b;
                    s[2] = tails[c];
                    s[3] = tails[d];
                    if (dd_utf8_xml_valid((const char *)s, 4) != ref_valid(s, 4))
                        fail_msg("%02X %02X %02X %02X", a, b, tails[c], tails[d]);
                }
            }
        }
    }
}

static void test_valid_edge_cases(void **state)
{
    (void)state;
    assert_int_equal(dd_utf8_xml_valid("", 0), 1);
    assert_int_equal(dd_utf8_xml_valid(NULL, 0), 1);
    assert_int_equal(dd_utf8_xml_valid(NULL, 1), 0);
    /* Only the first len bytes count. */
    assert_int_equal(dd_utf8_xml_valid("ab\x01", 2), 1);
    assert_int_equal(dd_utf8_xml_valid("\xE2\x82\xAC", 2), 0);
}

static void test_scrub(void **state)
{
    (void)state;
    static const struct escape_case cases[] = {
        ESC("plain \xF0\x9F\x98\x80 \t\r\n", "plain \xF0\x9F\x98\x80 \t\r\n"),
        ESC("a\x01z", "a\xEF\xBF\xBDz"),
        ESC("a\0z", "a\xEF\xBF\xBDz"),
        ESC("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"),
        ESC("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
        ESC("x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD"),
        ESC("\xEF\xBF\xBE!", "\xEF\xBF\xBD!"),
        ESC("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
        ESC("", ""),
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        struct dd_buf b = DD_BUF_INIT;
        assert_int_equal(dd_buf_puts(&b, "<"), DD_OK);
        assert_int_equal(dd_utf8_xml_scrub(&b, cases[i].in, cases[i].len), DD_OK);
        assert_int_equal(b.len, 1 + strlen(cases[i].want));
        assert_memory_equal(b.data + 1, cases[i].want, b.len - 1);
        assert_int_equal(dd_utf8_xml_valid(b.data, b.len), 1);
        dd_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_byte_for_byte),
        cmocka_unit_test(test_empty_elements_self_close),
        cmocka_unit_test(test_writes_after_existing_content),
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_attribute_escaping),
        cmocka_unit_test(test_invalid_characters_fail),
        cmocka_unit_test(test_elem_and_elemf_reject_invalid_text),
        cmocka_unit_test(test_elemf_long_output),
        cmocka_unit_test(test_unbalanced_and_misplaced),
        cmocka_unit_test(test_element_names_checked),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_foreign_write_detected),
        cmocka_unit_test(test_close_copies_name_across_growth),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_exhaustive_short_sequences),
        cmocka_unit_test(test_valid_edge_cases),
        cmocka_unit_test(test_scrub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * dd_xml: a streaming XML writer for AWS Query protocol replies (SQS, ELBv2).
 *
 * The writer appends one document to a caller-owned dd_buf and never builds a
 * tree. It remembers which elements are open (by where their names sit in the
 * output, so it allocates nothing of its own) and keeps a sticky error: the
 * first failure is kept, every later call is a no-op returning it, and
 * dd_xml_finish() reports it. A handler can therefore write a whole reply and
 * check once, at the end.
 *
 * What it promises about the bytes it writes:
 *  - Text and attribute values are escaped: & < > " ' become entities, and a
 *    carriage return becomes &#xD; so it survives a parser's end-of-line
 *    normalisation (real SQS does the same, so message bodies round-trip).
 *    Tab and newline are kept literally in text; in attribute values they
 *    become &#x9; / &#xA; for the same round-trip reason.
 *  - Input must be well-formed UTF-8 made only of XML 1.0 characters
 *    (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]).
 *    Anything else fails the writer with DD_EINVAL rather than emit a document
 *    a client cannot parse; XML 1.0 cannot carry those characters at all, not
 *    even as character references.
 *  - An element with no content is always written as <Name/>, whether it was
 *    made by dd_xml_elem() with empty text or by dd_xml_open() + dd_xml_close().
 *  - Element names are ASCII XML names ([A-Za-z_:][A-Za-z0-9._:-]*).
 *  - A document has at most one root element and no text outside it.
 *
 * Between dd_xml_init() and dd_xml_finish() nobody else may write to the
 * buffer; the writer notices if its length changed behind its back and fails
 * with DD_EINVAL.
 */
#ifndef DD_XML_H
#define DD_XML_H

#include <stdarg.h>
#include <stddef.h>

#include "common/buf.h"

/* Deeper nesting fails with DD_ERANGE; AWS replies nest about six deep. */
#define DD_XML_MAX_DEPTH 32

struct dd_xml_open_elem {
    size_t off; /* offset of the element's name in out->data */
    size_t len; /* length of the name */
};

struct dd_xml {
    struct dd_buf *out; /* borrowed: the caller's buffer, only appended to */
    size_t mark;        /* out->len after our last write */
    int err;            /* sticky: DD_OK until the first failure, then that code */
    int tag_pending;    /* the innermost start tag still lacks its closing '>' */
    int has_decl;       /* the XML declaration has been written */
    int has_root;       /* the root element has been opened */
    size_t depth;       /* number of open elements */
    struct dd_xml_open_elem open[DD_XML_MAX_DEPTH]; /* open elements, outermost first */
};

/* Starts a document at the end of out (borrowed; must outlive x). */
void dd_xml_init(struct dd_xml *x, struct dd_buf *out);
/* Writes <?xml version="1.0"?>; only allowed before the root element. */
int dd_xml_declaration(struct dd_xml *x);
/* Opens <name>; name is copied into the output, the caller keeps it. */
int dd_xml_open(struct dd_xml *x, const char *name);
/* Opens <name xmlns="xmlns">; both strings are the caller's. */
int dd_xml_open_ns(struct dd_xml *x, const char *name, const char *xmlns);
/* Closes the innermost open element; fails if none is open. */
int dd_xml_close(struct dd_xml *x);
/* Writes len bytes of s (the caller's) as escaped text of the open element. */
int dd_xml_text(struct dd_xml *x, const char *s, size_t len);
/* <name>text</name>; text is the caller's, NULL or "" writes <name/>. */
int dd_xml_elem(struct dd_xml *x, const char *name, const char *text);
/* <name>formatted text</name>, escaped like dd_xml_text(). */
int dd_xml_elemf(struct dd_xml *x, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* DD_OK only if a root element was written, all elements are closed and
 * nothing failed; otherwise the sticky error (DD_EINVAL if merely unbalanced).
 * The buffer stays the caller's either way; on failure its content is garbage. */
int dd_xml_finish(struct dd_xml *x);

/* 1 if s[0..len) (the caller's) is well-formed UTF-8 made only of XML 1.0
 * characters, else 0. SQS rejects message bodies by this same rule
 * (InvalidMessageContents), so it is exactly the set above. */
int dd_utf8_xml_valid(const char *s, size_t len);
/* Appends s[0..len) to out with every byte sequence that is not an XML 1.0
 * character replaced by U+FFFD: a disallowed but well-formed character is
 * replaced whole, a malformed byte one byte at a time. For echoing untrusted
 * text in places that must not fail, such as error messages. */
int dd_utf8_xml_scrub(struct dd_buf *out, const char *s, size_t len);

#endif

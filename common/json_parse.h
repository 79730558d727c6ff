/*
 * dd_json_parse: a fast JSON text -> jansson json_t parser.
 *
 * It accepts exactly the documents json_loadb(buf, len, 0, ...) accepts and
 * builds the same values (jansson 2.14, default flags): the top level must be
 * an object or an array, one value only; strings must be valid UTF-8 with no
 * raw control characters and no \u0000 (lone surrogates rejected); integers
 * that do not fit json_int_t are errors, reals that overflow a double are
 * errors; duplicate keys keep the last value; nesting deeper than
 * JSON_PARSER_MAX_DEPTH values is an error; and, a jansson lexer quirk kept on
 * purpose, one NUL byte right after a number or true/false/null is ignored.
 * Only the error texts and offsets differ from jansson's.
 *
 * It exists because json_loadb lexes byte by byte through a stream callback,
 * and that was a third of sqs-emu's CPU under SendMessage load.
 */
#ifndef DD_JSON_PARSE_H
#define DD_JSON_PARSE_H

#include <stddef.h>

#include <jansson.h>

/* Where and why a parse failed. */
struct dd_json_error {
    size_t offset;      /* byte offset into the input where the problem was found */
    const char *reason; /* static text, e.g. "invalid UTF-8"; never freed */
};

/*
 * Parses buf[0..len) (no NUL terminator needed; buf may be NULL when len is 0).
 * Returns DD_OK with *out a new reference the caller json_decref()s; DD_ERR
 * when the text is malformed, DD_ENOMEM when an allocation failed, DD_EINVAL
 * when out is NULL; on any failure *out is NULL and *err (err may be NULL;
 * caller-owned) is filled in.
 */
int dd_json_parse(const char *buf, size_t len, json_t **out, struct dd_json_error *err);

#endif

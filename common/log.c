/*
 * Line-oriented logging for the daemons: text for a terminal, JSON for a log
 * collector.
 *
 * Every line is built in one stack buffer sized for the worst case (a message
 * of DD_LOG_MSG_MAX bytes where every byte needs escaping), so the text path
 * never allocates and a long message is cut rather than dropped. The JSON path
 * escapes through jansson, which costs one short-lived json_t per string;
 * that is the price of not hand-rolling a JSON string encoder. A line is
 * delivered in one write(2) so lines from concurrent processes sharing a pipe
 * do not interleave (up to PIPE_BUF).
 */
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/err.h"

/* The daemon name is ours, not user input; capping it keeps the worst-case
 * line size a constant. */
#define LOG_NAME_MAX 64
/* Worst case: every message byte becomes a 6-byte JSON "\u00XX" escape
 * (text escapes are at most 4 bytes), plus the fixed fields. */
#define LOG_LINE_MAX (DD_LOG_MSG_MAX * 6 + 6 * LOG_NAME_MAX + 128)
#define LOG_TS_LEN   24 /* "2026-11-27T04:38:08.123Z" */

static const char *const level_lower[] = { "debug", "info", "warn", "error" };
static const char *const level_upper[] = { "DEBUG", "INFO", "WARN", "ERROR" };

void dd_logger_init(struct dd_logger *lg, const char *name)
{
    lg->name = name;
    lg->level = DD_LOG_INFO;
    lg->format = DD_LOG_TEXT;
    lg->sink = NULL;
    lg->sink_ctx = NULL;
}

int dd_log_level_parse(const char *s, enum dd_log_level *out)
{
    static const struct {
        const char *name;
        enum dd_log_level level;
    } names[] = {
        { "debug", DD_LOG_DEBUG },  { "info", DD_LOG_INFO },   { "warn", DD_LOG_WARN },
        { "warning", DD_LOG_WARN }, { "error", DD_LOG_ERROR },
    };
    if (!s)
        return DD_EINVAL;
    for (size_t i = 0; i < DD_ARRAY_LEN(names); i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].level;
            return DD_OK;
        }
    }
    return DD_EINVAL;
}

int dd_log_format_parse(const char *s, enum dd_log_format *out)
{
    if (!s)
        return DD_EINVAL;
    if (strcasecmp(s, "text") == 0)
        *out = DD_LOG_TEXT;
    else if (strcasecmp(s, "json") == 0)
        *out = DD_LOG_JSON;
    else
        return DD_EINVAL;
    return DD_OK;
}

const char *dd_log_level_name(enum dd_log_level lvl)
{
    if ((unsigned)lvl >= DD_ARRAY_LEN(level_lower))
        return "unknown";
    return level_lower[lvl];
}

static const char *level_upper_name(enum dd_log_level lvl)
{
    if ((unsigned)lvl >= DD_ARRAY_LEN(level_upper))
        return "UNKNOWN";
    return level_upper[lvl];
}

/* Writes v (0 <= v < 10^width) zero-padded into exactly width bytes. */
static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Writes exactly LOG_TS_LEN bytes (no NUL). Years outside 0..9999 come out
 * as all zeros rather than a wider field: a log line is no place to fail. */
static void format_ts(char *out, int64_t wall_ms)
{
    int64_t sec = wall_ms / 1000;
    int64_t ms = wall_ms % 1000;
    if (ms < 0) { /* floor division, so 1969 reads right */
        ms += 1000;
        sec -= 1;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        memcpy(out, "0000-00-00T00:00:00.000Z", LOG_TS_LEN);
        return;
    }
    put_digits(out, tm.tm_year + 1900, 4);
    out[4] = '-';
    put_digits(out + 5, tm.tm_mon + 1, 2);
    out[7] = '-';
    put_digits(out + 8, tm.tm_mday, 2);
    out[10] = 'T';
    put_digits(out + 11, tm.tm_hour, 2);
    out[13] = ':';
    put_digits(out + 14, tm.tm_min, 2);
    out[16] = ':';
    put_digits(out + 17, tm.tm_sec, 2);
    out[19] = '.';
    put_digits(out + 20, (int)ms, 3);
    out[23] = 'Z';
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 if the byte at s starts none. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* jansson refuses invalid UTF-8 outright; a log line should still say
 * something, so each byte that starts no valid sequence becomes '?'. */
static void utf8_sanitize(char *s, size_t n)
{
    unsigned char *p = (unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq_len(p + i, n - i);
        if (k == 0) {
            p[i] = '?';
            k = 1;
        }
        i += k;
    }
}

/* Appends s as a JSON string literal (quotes included) at out; returns the
 * bytes written. s is modified (sanitized). room is always enough because
 * callers bound n; should jansson still fail (ENOMEM) the value is "". */
static size_t put_json_string(char *out, size_t room, char *s, size_t n)
{
    utf8_sanitize(s, n);
    json_t *js = json_stringn(s, n);
    size_t w = 0;
    if (js) {
        w = json_dumpb(js, out, room, JSON_ENCODE_ANY | JSON_COMPACT);
        json_decref(js);
    }
    if (w == 0 || w > room) {
        memcpy(out, "\"\"", 2);
        w = 2;
    }
    return w;
}

/* Text lines must stay one line and must not drive the terminal: control
 * bytes are shown as C escapes. Other bytes pass through untouched. */
static size_t put_text_escaped(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f) {
            out[w++] = (char)c;
            continue;
        }
        out[w++] = '\\';
        if (c == '\n') {
            out[w++] = 'n';
        } else if (c == '\r') {
            out[w++] = 'r';
        } else if (c == '\t') {
            out[w++] = 't';
        } else {
            out[w++] = 'x';
            out[w++] = hex[c >> 4];
            out[w++] = hex[c & 0xf];
        }
    }
    return w;
}

static void put(char *line, size_t *len, const char *s, size_t n)
{
    memcpy(line + *len, s, n);
    *len += n;
}

static void emit(struct dd_logger *lg, const char *line, size_t len)
{
    if (lg->sink) {
        lg->sink(lg->sink_ctx, line, len);
        return;
    }
    while (len > 0) {
        ssize_t w = write(STDERR_FILENO, line, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return; /* nowhere left to report a failing stderr */
        }
        line += w;
        len -= (size_t)w;
    }
}

void dd_vlog_at(struct dd_logger *lg, enum dd_log_level lvl, int64_t wall_ms, const char *fmt,
                va_list ap)
{
    if (lvl < lg->level)
        return;

    char msg[DD_LOG_MSG_MAX + 1];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t mlen;
    if (n < 0) {
        mlen = (size_t)snprintf(msg, sizeof(msg), "(unformattable log message: %s)", fmt);
        if (mlen > DD_LOG_MSG_MAX)
            mlen = DD_LOG_MSG_MAX;
    } else if ((size_t)n > DD_LOG_MSG_MAX) {
        /* Cut before a character, not inside one, then mark the cut. */
        size_t keep = DD_LOG_MSG_MAX - 3;
        for (int back = 0; back < 3 && ((unsigned char)msg[keep] & 0xc0) == 0x80; back++)
            keep--;
        memcpy(msg + keep, "...", 3);
        mlen = keep + 3;
    } else {
        mlen = (size_t)n;
    }

    char name[LOG_NAME_MAX];
    const char *src_name = lg->name ? lg->name : "-";
    size_t nlen = strnlen(src_name, sizeof(name));
    memcpy(name, src_name, nlen);

    char line[LOG_LINE_MAX];
    size_t len = 0;
    char ts[LOG_TS_LEN];
    format_ts(ts, wall_ms);
    if (lg->format == DD_LOG_JSON) {
        const char *lname = dd_log_level_name(lvl);
        put(line, &len, "{\"ts\":\"", 7);
        put(line, &len, ts, LOG_TS_LEN);
        put(line, &len, "\",\"level\":\"", 11);
        put(line, &len, lname, strlen(lname));
        put(line, &len, "\",\"daemon\":", 11);
        len += put_json_string(line + len, sizeof(line) - len, name, nlen);
        put(line, &len, ",\"msg\":", 7);
        len += put_json_string(line + len, sizeof(line) - len, msg, mlen);
        put(line, &len, "}\n", 2);
    } else {
        const char *uname = level_upper_name(lvl);
        put(line, &len, ts, LOG_TS_LEN);
        put(line, &len, " ", 1);
        put(line, &len, uname, strlen(uname));
        put(line, &len, " ", 1);
        len += put_text_escaped(line + len, name, nlen);
        put(line, &len, ": ", 2);
        len += put_text_escaped(line + len, msg, mlen);
        put(line, &len, "\n", 1);
    }
    emit(lg, line, len);
}

void dd_log_at(struct dd_logger *lg, enum dd_log_level lvl, int64_t wall_ms, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dd_vlog_at(lg, lvl, wall_ms, fmt, ap);
    va_end(ap);
}

void dd_vlog(struct dd_logger *lg, enum dd_log_level lvl, const char *fmt, va_list ap)
{
    if (lvl < lg->level)
        return;
    struct timespec now;
    int64_t wall_ms = 0;
    if (clock_gettime(CLOCK_REALTIME, &now) == 0)
        wall_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    dd_vlog_at(lg, lvl, wall_ms, fmt, ap);
}

void dd_log(struct dd_logger *lg, enum dd_log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dd_vlog(lg, lvl, fmt, ap);
    va_end(ap);
}

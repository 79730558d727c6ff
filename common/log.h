/*
 * dd_logger: one-line-per-event logging for the daemons, as text or JSON.
 *
 * There is no global logger: each daemon keeps a struct dd_logger in its
 * server struct and passes it around, so tests can run several daemons'
 * worth of code in one process and capture each one's lines through a sink.
 * A line is formatted into a stack buffer and handed to the sink (or written
 * to stderr) in one call; lines longer than DD_LOG_LINE_MAX are truncated,
 * never dropped. Timestamps are real UTC wall time: logs are read by humans
 * next to other programs' logs, so the test clock offset (common/clock.h)
 * does not apply to them.
 */
#ifndef DD_LOG_H
#define DD_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum dd_log_level { DD_LOG_DEBUG, DD_LOG_INFO, DD_LOG_WARN, DD_LOG_ERROR };
enum dd_log_format { DD_LOG_TEXT, DD_LOG_JSON };

/* Longest message kept, in bytes, before escaping; longer ones are cut at a
 * UTF-8 character boundary and end in "...". */
#define DD_LOG_MSG_MAX 4096

/* Receives one complete line, newline included; line is only valid during the
 * call (borrowed), len counts every byte including the newline. */
typedef void (*dd_log_sink_fn)(void *ctx, const char *line, size_t len);

struct dd_logger {
    const char *name;          /* daemon name, not owned, e.g. "sqs-emu" */
    enum dd_log_level level;   /* lines below it are dropped */
    enum dd_log_format format; /* text for terminals, JSON for collectors */
    dd_log_sink_fn sink;       /* NULL = write to stderr */
    void *sink_ctx;            /* passed to sink, not owned */
};

/* Level INFO, format TEXT, output stderr. name is borrowed and must outlive lg. */
void dd_logger_init(struct dd_logger *lg, const char *name);

/* "debug|info|warn|warning|error", case-insensitive; DD_EINVAL otherwise
 * (including NULL), *out untouched then. */
int dd_log_level_parse(const char *s, enum dd_log_level *out);
/* "text|json", case-insensitive; DD_EINVAL otherwise. */
int dd_log_format_parse(const char *s, enum dd_log_format *out);
/* Static lowercase name ("debug", "info", "warn", "error"); "unknown" when out of range. */
const char *dd_log_level_name(enum dd_log_level lvl);

void dd_log(struct dd_logger *lg, enum dd_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dd_vlog(struct dd_logger *lg, enum dd_log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* dd_log with the timestamp given (ms since the epoch, UTC) instead of read
 * from the wall clock: for tests that compare whole lines. */
void dd_log_at(struct dd_logger *lg, enum dd_log_level lvl, int64_t wall_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dd_vlog_at(struct dd_logger *lg, enum dd_log_level lvl, int64_t wall_ms, const char *fmt,
                va_list ap) __attribute__((format(printf, 4, 0)));

#define dd_log_debug(lg, ...) dd_log((lg), DD_LOG_DEBUG, __VA_ARGS__)
#define dd_log_info(lg, ...)  dd_log((lg), DD_LOG_INFO, __VA_ARGS__)
#define dd_log_warn(lg, ...)  dd_log((lg), DD_LOG_WARN, __VA_ARGS__)
#define dd_log_error(lg, ...) dd_log((lg), DD_LOG_ERROR, __VA_ARGS__)

#endif

/* Unit tests for common/log.c: parsing, exact text and JSON lines, escaping,
 * level filtering and truncation, captured through the sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"

/* 2026-11-27T04:38:08.123Z */
#define T0 INT64_C(1795754288123)

struct capture {
    struct dd_buf last; /* the most recent line */
    int calls;          /* lines delivered */
};

static void capture_sink(void *ctx, const char *line, size_t len)
{
    struct capture *cap = ctx;
    dd_buf_reset(&cap->last);
    assert_int_equal(dd_buf_append(&cap->last, line, len), DD_OK);
    cap->calls++;
}

static void logger_for(struct dd_logger *lg, struct capture *cap, enum dd_log_format fmt)
{
    memset(cap, 0, sizeof(*cap));
    dd_logger_init(lg, "sqs-emu");
    lg->format = fmt;
    lg->level = DD_LOG_DEBUG;
    lg->sink = capture_sink;
    lg->sink_ctx = cap;
}

static void test_init_defaults(void **state)
{
    (void)state;
    struct dd_logger lg;
    memset(&lg, 0xa5, sizeof(lg));
    dd_logger_init(&lg, "cache-emu");
    assert_string_equal(lg.name, "cache-emu");
    assert_int_equal(lg.level, DD_LOG_INFO);
    assert_int_equal(lg.format, DD_LOG_TEXT);
    assert_null(lg.sink);
    assert_null(lg.sink_ctx);
}

static void test_level_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
        enum dd_log_level want;
    } cases[] = {
        { "debug", DD_OK, DD_LOG_DEBUG },  { "DEBUG", DD_OK, DD_LOG_DEBUG },
        { "info", DD_OK, DD_LOG_INFO },    { "Info", DD_OK, DD_LOG_INFO },
        { "warn", DD_OK, DD_LOG_WARN },    { "warning", DD_OK, DD_LOG_WARN },
        { "WARNING", DD_OK, DD_LOG_WARN }, { "error", DD_OK, DD_LOG_ERROR },
        { "ErRoR", DD_OK, DD_LOG_ERROR },  { "", DD_EINVAL, 0 },
        { "err", DD_EINVAL, 0 },           { "info ", DD_EINVAL, 0 },
        { "trace", DD_EINVAL, 0 },         { "fatal", DD_EINVAL, 0 },
        { "debugx", DD_EINVAL, 0 },
    };
    for (size_t i = 0; i < DD_ARRAY_LEN(cases); i++) {
        enum dd_log_level got = (enum dd_log_level)99;
        assert_int_equal(dd_log_level_parse(cases[i].in, &got), cases[i].rc);
        if (cases[i].rc == DD_OK)
            assert_int_equal(got, cases[i].want);
        else
            assert_int_equal(got, 99);
    }
    enum dd_log_level got;
    assert_int_equal(dd_log_level_parse(NULL, &got), DD_EINVAL);
    assert_string_equal(dd_log_level_name(DD_LOG_WARN), "warn");
    assert_string_equal(dd_log_level_name((enum dd_log_level)42), "unknown");
}

static void test_format_parse(void **state)
{
    (void)state;
    enum dd_log_format f = DD_LOG_TEXT;
    assert_int_equal(dd_log_format_parse("json", &f), DD_OK);
    assert_int_equal(f, DD_LOG_JSON);
    assert_int_equal(dd_log_format_parse("TEXT", &f), DD_OK);
    assert_int_equal(f, DD_LOG_TEXT);
    assert_int_equal(dd_log_format_parse("yaml", &f), DD_EINVAL);
    assert_int_equal(dd_log_format_parse("", &f), DD_EINVAL);
    assert_int_equal(dd_log_format_parse(NULL, &f), DD_EINVAL);
    assert_int_equal(f, DD_LOG_TEXT);
}

static void test_text_line_exact(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_TEXT);
    dd_log_at(&lg, DD_LOG_INFO, T0, "queue %s created (%d)", "orders", 7);
    assert_int_equal(cap.calls, 1);
    assert_string_equal(cap.last.data,
                        "2026-11-27T04:38:08.123Z INFO sqs-emu: queue orders created (7)\n");
    dd_log_at(&lg, DD_LOG_WARN, 0, "w");
    assert_string_equal(cap.last.data, "1970-01-01T00:00:00.000Z WARN sqs-emu: w\n");
    dd_log_at(&lg, DD_LOG_ERROR, -1, "e");
    assert_string_equal(cap.last.data, "1969-12-31T23:59:59.999Z ERROR sqs-emu: e\n");
    /* Leap day, and milliseconds padded to three digits. */
    dd_log_at(&lg, DD_LOG_DEBUG, INT64_C(951782400007), "d");
    assert_string_equal(cap.last.data, "2000-02-29T00:00:00.007Z DEBUG sqs-emu: d\n");
    /* Beyond year 9999 the field keeps its width. */
    dd_log_at(&lg, DD_LOG_INFO, INT64_C(253402300800000), "far");
    assert_string_equal(cap.last.data, "0000-00-00T00:00:00.000Z INFO sqs-emu: far\n");
    assert_int_equal(cap.last.len, strlen(cap.last.data));
    dd_buf_release(&cap.last);
}

static void test_text_escapes_control_bytes(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_TEXT);
    dd_log_at(&lg, DD_LOG_INFO, T0, "a\nb\r\tc\x1b[31md\x7f \"q\" \\ caf\xc3\xa9");
    assert_string_equal(cap.last.data, "2026-11-27T04:38:08.123Z INFO sqs-emu: "
                                       "a\\nb\\r\\tc\\x1b[31md\\x7f \"q\" \\ caf\xc3\xa9\n");
    /* Exactly one newline: the terminator. */
    assert_ptr_equal(strchr(cap.last.data, '\n'), cap.last.data + cap.last.len - 1);
    dd_buf_release(&cap.last);
}

static void test_json_line_exact(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_JSON);
    dd_log_at(&lg, DD_LOG_INFO, T0, "sent %d", 3);
    assert_string_equal(cap.last.data, "{\"ts\":\"2026-11-27T04:38:08.123Z\",\"level\":\"info\","
                                       "\"daemon\":\"sqs-emu\",\"msg\":\"sent 3\"}\n");
    dd_log_at(&lg, DD_LOG_ERROR, T0, "say \"hi\" \\ path/x\nnext\t\x01 caf\xc3\xa9");
    assert_string_equal(cap.last.data,
                        "{\"ts\":\"2026-11-27T04:38:08.123Z\",\"level\":\"error\","
                        "\"daemon\":\"sqs-emu\",\"msg\":\"say \\\"hi\\\" \\\\ path/x\\nnext\\t"
                        "\\u0001 caf\xc3\xa9\"}\n");
    dd_buf_release(&cap.last);
}

/* Parses the captured JSON line (minus its newline) and returns msg, owned by *root. */
static const char *parse_msg(const struct capture *cap, json_t **root)
{
    assert_true(cap->last.len > 0);
    assert_int_equal(cap->last.data[cap->last.len - 1], '\n');
    json_error_t err;
    *root = json_loadb(cap->last.data, cap->last.len - 1, 0, &err);
    assert_non_null(*root);
    json_t *msg = json_object_get(*root, "msg");
    assert_true(json_is_string(msg));
    return json_string_value(msg);
}

static void test_json_hostile_name_and_invalid_utf8(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_JSON);
    lg.name = "evil\",\"level\":\"debug";
    /* A lone continuation byte, a truncated sequence, an overlong '/' and a surrogate. */
    dd_log_at(&lg, DD_LOG_WARN, T0, "x\x80y\xe2\x82z\xc0\xafw\xed\xa0\x80v\xf0\x9f\x98\x80");
    json_t *root;
    const char *msg = parse_msg(&cap, &root);
    assert_string_equal(msg, "x?y??z??w???v\xf0\x9f\x98\x80");
    assert_string_equal(json_string_value(json_object_get(root, "daemon")),
                        "evil\",\"level\":\"debug");
    assert_string_equal(json_string_value(json_object_get(root, "level")), "warn");
    assert_int_equal(json_object_size(root), 4);
    json_decref(root);
    dd_buf_release(&cap.last);
}

static void test_level_filter(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_TEXT);
    lg.level = DD_LOG_WARN;
    dd_log_debug(&lg, "no");
    dd_log_info(&lg, "no");
    assert_int_equal(cap.calls, 0);
    dd_log_warn(&lg, "yes %d", 1);
    assert_int_equal(cap.calls, 1);
    assert_non_null(strstr(cap.last.data, " WARN sqs-emu: yes 1\n"));
    dd_log_error(&lg, "yes %d", 2);
    assert_int_equal(cap.calls, 2);
    assert_non_null(strstr(cap.last.data, " ERROR sqs-emu: yes 2\n"));
    lg.level = DD_LOG_ERROR;
    dd_log_at(&lg, DD_LOG_WARN, T0, "no");
    assert_int_equal(cap.calls, 2);
    dd_buf_release(&cap.last);
}

static void test_real_time_stamp(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_TEXT);
    time_t before = time(NULL);
    dd_log_info(&lg, "now");
    time_t after = time(NULL);
    assert_int_equal(cap.calls, 1);
    assert_int_equal(cap.last.len, 24 + strlen(" INFO sqs-emu: now\n"));
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *rest = strptime(cap.last.data, "%Y-%m-%dT%H:%M:%S", &tm);
    assert_non_null(rest);
    assert_int_equal(rest[0], '.');
    assert_int_equal(rest[4], 'Z');
    time_t logged = timegm(&tm);
    assert_true(logged >= before && logged <= after);
    dd_buf_release(&cap.last);
}

static void test_long_message_truncated_not_dropped(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    size_t big = 3 * DD_LOG_MSG_MAX;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, 'a', big);
    s[big] = '\0';

    logger_for(&lg, &cap, DD_LOG_TEXT);
    dd_log_at(&lg, DD_LOG_INFO, T0, "%s", s);
    size_t prefix = strlen("2026-11-27T04:38:08.123Z INFO sqs-emu: ");
    assert_int_equal(cap.calls, 1);
    assert_int_equal(cap.last.len, prefix + DD_LOG_MSG_MAX + 1);
    assert_memory_equal(cap.last.data + cap.last.len - 4, "...\n", 4);
    assert_int_equal(cap.last.data[cap.last.len - 5], 'a');

    /* Two-byte characters: the cut must not split one, JSON must stay valid. */
    for (size_t i = 0; i + 1 < big; i += 2)
        memcpy(s + i, "\xc3\xa9", 2);
    dd_buf_release(&cap.last);
    logger_for(&lg, &cap, DD_LOG_JSON);
    dd_log_at(&lg, DD_LOG_INFO, T0, "%s", s);
    json_t *root;
    const char *msg = parse_msg(&cap, &root);
    size_t mlen = strlen(msg);
    assert_true(mlen <= DD_LOG_MSG_MAX && mlen >= DD_LOG_MSG_MAX - 4);
    assert_string_equal(msg + mlen - 3, "...");
    assert_memory_equal(msg + mlen - 5, "\xc3\xa9", 2);
    assert_null(strchr(msg, '?'));
    json_decref(root);

    /* Worst case for escaping: every byte becomes \u00XX. */
    memset(s, '\x01', big);
    dd_log_at(&lg, DD_LOG_INFO, T0, "%s", s);
    msg = parse_msg(&cap, &root);
    assert_int_equal(strlen(msg), DD_LOG_MSG_MAX);
    assert_int_equal(msg[0], '\x01');
    json_decref(root);

    free(s);
    dd_buf_release(&cap.last);
}

static void test_empty_message(void **state)
{
    (void)state;
    struct dd_logger lg;
    struct capture cap;
    logger_for(&lg, &cap, DD_LOG_JSON);
    lg.name = NULL;
    dd_log_at(&lg, DD_LOG_DEBUG, T0, "%s", "");
    assert_string_equal(cap.last.data, "{\"ts\":\"2026-11-27T04:38:08.123Z\",\"level\":\"debug\","
                                       "\"daemon\":\"-\",\"msg\":\"\"}\n");
    dd_buf_release(&cap.last);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_defaults),
        cmocka_unit_test(test_level_parse),
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_text_line_exact),
        cmocka_unit_test(test_text_escapes_control_bytes),
        cmocka_unit_test(test_json_line_exact),
        cmocka_unit_test(test_json_hostile_name_and_invalid_utf8),
        cmocka_unit_test(test_level_filter),
        cmocka_unit_test(test_real_time_stamp),
        cmocka_unit_test(test_long_message_truncated_not_dropped),
        cmocka_unit_test(test_empty_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for common/buf.c: growth, formatting, detach. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"

static void test_append_grows_and_terminates(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(dd_buf_puts(&b, "abc"), DD_OK);
    assert_int_equal(b.len, 3000);
    assert_int_equal(b.data[3000], '\0');
    assert_memory_equal(b.data + 2997, "abc", 3);
    dd_buf_release(&b);
    assert_null(b.data);
}

static void test_printf_and_detach(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_buf_printf(&b, "%s=%d", "n", 42), DD_OK);
    assert_int_equal(dd_buf_putc(&b, '!'), DD_OK);
    char *s = dd_buf_detach(&b);
    assert_string_equal(s, "n=42!");
    assert_null(b.data);
    free(s);
    s = dd_buf_detach(&b);
    assert_string_equal(s, "");
    free(s);
}

static void test_reset_keeps_allocation(void **state)
{
    (void)state;
    struct dd_buf b = DD_BUF_INIT;
    assert_int_equal(dd_buf_puts(&b, "hello"), DD_OK);
    dd_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(dd_buf_append(&b, "x\0y", 3), DD_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "x\0y", 3);
    dd_buf_release(&b);
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    for (int rc = DD_ECANCEL; rc <= DD_OK; rc++)
        assert_string_not_equal(dd_strerror(rc), "unknown error");
    assert_string_equal(dd_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_grows_and_terminates),
        cmocka_unit_test(test_printf_and_detach),
        cmocka_unit_test(test_reset_keeps_allocation),
        cmocka_unit_test(test_strerror_names_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

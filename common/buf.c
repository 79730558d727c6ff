/*
 * Growable byte buffer used by every serializer (XML, JSON envelopes,
 * Prometheus text) so that none of them formats into fixed arrays.
 */
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void dd_buf_init(struct dd_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dd_buf_release(struct dd_buf *b)
{
    DD_FREE(b->data);
    b->len = 0;
    b->cap = 0;
}

void dd_buf_reset(struct dd_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int dd_buf_reserve(struct dd_buf *b, size_t n)
{
    if (n > ((size_t)-1) / 2 - b->len - 1)
        return DD_ENOMEM;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return DD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return DD_ENOMEM;
    b->data = p;
    b->cap = cap;
    return DD_OK;
}

int dd_buf_append(struct dd_buf *b, const void *p, size_t n)
{
    int rc = dd_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return DD_OK;
}

int dd_buf_puts(struct dd_buf *b, const char *s)
{
    return dd_buf_append(b, s, strlen(s));
}

int dd_buf_putc(struct dd_buf *b, char c)
{
    return dd_buf_append(b, &c, 1);
}

int dd_buf_vprintf(struct dd_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return DD_EINVAL;
    int rc = dd_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return DD_OK;
}

int dd_buf_printf(struct dd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = dd_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *dd_buf_detach(struct dd_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    dd_buf_init(b);
    return p;
}

/*
 * dd_buf: a growable byte buffer that is always NUL-terminated.
 *
 * The buffer owns `data`; dd_buf_release() frees it, dd_buf_detach() hands it
 * to the caller. A zeroed struct (or DD_BUF_INIT) is a valid empty buffer.
 */
#ifndef DD_BUF_H
#define DD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct dd_buf {
    char *data; /* owned; NUL-terminated when non-NULL */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
};

#define DD_BUF_INIT \
    {               \
        NULL, 0, 0  \
    }

void dd_buf_init(struct dd_buf *b);
/* Frees the data; the buffer is empty and reusable afterwards. */
void dd_buf_release(struct dd_buf *b);
/* Keeps the allocation, empties the content. */
void dd_buf_reset(struct dd_buf *b);
/* Ensures room for n more bytes (plus the NUL). */
int dd_buf_reserve(struct dd_buf *b, size_t n);
int dd_buf_append(struct dd_buf *b, const void *p, size_t n);
int dd_buf_puts(struct dd_buf *b, const char *s);
int dd_buf_putc(struct dd_buf *b, char c);
int dd_buf_printf(struct dd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dd_buf_vprintf(struct dd_buf *b, const char *fmt, va_list ap);
/* Returns the data (caller frees; "" allocated if empty, NULL on ENOMEM) and empties b. */
char *dd_buf_detach(struct dd_buf *b);

#endif

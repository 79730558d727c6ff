/*
 * One set of return codes for every Drydock module.
 *
 * Functions that can fail return 0 (DD_OK) or a negative DD_E* code, and the
 * caller must look at it. Incremental parsers return the number of bytes
 * consumed (>= 0), DD_AGAIN when the input is incomplete and DD_ERR when it is
 * malformed, the picohttpparser convention.
 */
#ifndef DD_ERR_H
#define DD_ERR_H

#include <stdlib.h>

enum dd_rc {
    DD_OK = 0,
    DD_ERR = -1,     /* malformed input / generic failure */
    DD_AGAIN = -2,   /* incomplete input, call again with more */
    DD_ENOMEM = -3,  /* allocation failed */
    DD_EINVAL = -4,  /* invalid argument */
    DD_ENOENT = -5,  /* no such thing */
    DD_EEXIST = -6,  /* already exists */
    DD_EIO = -7,     /* system call or storage failure */
    DD_ERANGE = -8,  /* value out of range */
    DD_EACCES = -9,  /* not allowed */
    DD_ECANCEL = -10 /* stopped on purpose (e.g. --help printed) */
};

/* Static string naming rc; never NULL. */
const char *dd_strerror(int rc);

/* Free p and set it to NULL in one step, so a freed pointer is never reused. */
#define DD_FREE(p)  \
    do {            \
        free(p);    \
        (p) = NULL; \
    } while (0)

#define DD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif

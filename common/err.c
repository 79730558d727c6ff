/* Names for the shared return codes, for logs and test failure messages. */
#include "common/err.h"

const char *dd_strerror(int rc)
{
    switch (rc) {
    case DD_OK:
        return "ok";
    case DD_ERR:
        return "malformed input";
    case DD_AGAIN:
        return "incomplete input";
    case DD_ENOMEM:
        return "out of memory";
    case DD_EINVAL:
        return "invalid argument";
    case DD_ENOENT:
        return "not found";
    case DD_EEXIST:
        return "already exists";
    case DD_EIO:
        return "I/O error";
    case DD_ERANGE:
        return "out of range";
    case DD_EACCES:
        return "not allowed";
    case DD_ECANCEL:
        return "cancelled";
    default:
        return rc >= 0 ? "ok" : "unknown error";
    }
}

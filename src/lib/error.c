/*
 * error.c: status descriptions and the athena_error helpers every other file
 * uses to report failures.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *athena_strerror(athena_status status)
{
    switch (status) {
    case ATHENA_OK: return "success";
    case ATHENA_DONE: return "no more rows";
    case ATHENA_E_ARG: return "invalid argument";
    case ATHENA_E_NOMEM: return "out of memory";
    case ATHENA_E_CONFIG: return "configuration error";
    case ATHENA_E_CREDENTIALS: return "credentials error";
    case ATHENA_E_NETWORK: return "network error";
    case ATHENA_E_AUTH: return "authentication failed";
    case ATHENA_E_ACCESS_DENIED: return "access denied";
    case ATHENA_E_SERVICE: return "service error";
    case ATHENA_E_PROTOCOL: return "unexpected response from the service";
    case ATHENA_E_QUERY_FAILED: return "query failed";
    case ATHENA_E_QUERY_CANCELLED: return "query cancelled";
    case ATHENA_E_TIMEOUT: return "timed out";
    case ATHENA_E_INTERRUPTED: return "interrupted";
    case ATHENA_E_NULL: return "value is NULL";
    case ATHENA_E_TYPE: return "type mismatch";
    case ATHENA_E_RANGE: return "out of range";
    case ATHENA_E_IO: return "I/O error";
    }
    return "unknown status";
}

void error_clear(athena_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

athena_status error_set(athena_error *err, athena_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    memset(err, 0, sizeof *err);
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void error_copy(athena_error *dst, const athena_error *src)
{
    if (dst && src && dst != src)
        memcpy(dst, src, sizeof *dst);
}

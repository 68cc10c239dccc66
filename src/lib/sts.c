/*
 * sts.c: the STS client (athena/sts.h): GetCallerIdentity over the query
 * protocol (query_protocol.c), its XML answer decoded with xml.c, and the
 * service's clock read from the Date header for clock-skew reports.
 */
#include "client.h"

#include "athena/sts.h"
#include "query_protocol.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define STS_API_VERSION "2011-06-15"

static int identity_field(void *user_data, const xml_path *path, const char *text, size_t len)
{
    athena_caller_identity *id = user_data;
    static const char *const names[] = {"Account", "Arn", "UserId"};
    char **fields[] = {&id->account, &id->arn, &id->user_id};
    for (size_t i = 0; i < 3; i++) {
        if (!xml_path_is(path, "GetCallerIdentityResponse", "GetCallerIdentityResult", names[i],
                         NULL))
            continue;
        free(*fields[i]);
        *fields[i] = strndup(text, len);
        return *fields[i] ? 0 : 1;
    }
    return 0;
}

athena_status athena_sts_parse_caller_identity(const char *xml, size_t len,
                                               athena_caller_identity *out, athena_error *err)
{
    xml_handlers handlers = {NULL, identity_field};
    char message[256] = "";
    int rc = xml_parse(xml, len, &handlers, out, message, sizeof message);
    if (rc > 0)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    if (rc < 0)
        return error_set(err, ATHENA_E_PROTOCOL, "GetCallerIdentity: malformed XML: %s",
                         message);
    if (!out->arn || !out->account)
        return error_set(err, ATHENA_E_PROTOCOL,
                         "GetCallerIdentity: the response has no Arn or Account");
    return ATHENA_OK;
}

/* An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT") in epoch seconds, 0 if
 * it does not parse. By hand rather than strptime: month names must not
 * depend on the locale. */
static double http_date_epoch(const char *date)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char month[4];
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(date, "%*3s, %d %3s %d %d:%d:%d GMT", &tm.tm_mday, month, &tm.tm_year,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    const char *found = strlen(month) == 3 ? strstr(months, month) : NULL;
    if (!found || (found - months) % 3 != 0)
        return 0;
    tm.tm_mon = (int)(found - months) / 3;
    tm.tm_year -= 1900;
    return (double)timegm(&tm);
}

static double now_epoch(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

athena_status athena_sts_get_caller_identity(athena_client *c, athena_caller_identity *out)
{
    error_clear(&c->error);
    if (!out)
        return error_set(&c->error, ATHENA_E_ARG, "out must not be NULL");
    athena_caller_identity_clear(out);
    query_protocol_response resp;
    athena_status st = query_protocol_call(c->transport, ATHENA_SERVICE_STS,
                                           "GetCallerIdentity", STS_API_VERSION, NULL, &resp,
                                           &c->error);
    out->server_time = http_date_epoch(resp.date);
    out->local_time = out->server_time ? now_epoch() : 0;
    if (st == ATHENA_OK) {
        st = athena_sts_parse_caller_identity(buf_str(&resp.xml), resp.xml.len, out, &c->error);
        if (st != ATHENA_OK) {
            double server_time = out->server_time, local_time = out->local_time;
            athena_caller_identity_clear(out);
            out->server_time = server_time;
            out->local_time = local_time;
        }
    }
    query_protocol_response_free(&resp);
    return st;
}

void athena_caller_identity_clear(athena_caller_identity *id)
{
    if (!id)
        return;
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

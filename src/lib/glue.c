/*
 * glue.c: the Glue Data Catalog operations of catalog.h (GetDatabase,
 * GetDatabases, GetTable, GetTables, GetPartitions) over awsJson1.1, with
 * paging, input checks against the model's limits, and the client's
 * metadata cache in front of the single-object reads and partition pages.
 * Decoding lives in glue_parse.c.
 */
#include "client.h"
#include "glue.h"
#include "metadata_cache.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GLUE_NAME_MAX 255          /* NameString */
#define GLUE_EXPRESSION_MAX 2048   /* FilterString, PredicateString */
#define GLUE_CATALOG_PAGE_MAX 100  /* CatalogGetterPageSize */
#define GLUE_PARTITION_PAGE_MAX 1000

/* ---- metadata cache ---- */

/* The TTL the profile asks for, or -1 after reporting a bad value. */
static long profile_ttl(athena_client *c)
{
    const char *text = athena_config_profile_value(c->config, "metadata_cache_ttl_ms");
    if (!text || !text[0])
        return 0;
    char *end;
    errno = 0;
    long ttl = strtol(text, &end, 10);
    if (errno || end == text || *end || ttl < 0) {
        error_set(&c->error, ATHENA_E_CONFIG,
                  "metadata_cache_ttl_ms in profile '%s' must be a number of milliseconds "
                  "(0 turns the cache off), not '%s'",
                  athena_config_profile(c->config), text);
        return -1;
    }
    return ttl;
}

/* Creates the client's cache on first use, with the profile's TTL. */
static athena_status ensure_cache(athena_client *c)
{
    if (c->metadata_cache)
        return ATHENA_OK;
    long ttl = profile_ttl(c);
    if (ttl < 0)
        return c->error.status;
    c->metadata_cache = metadata_cache_new(ttl, 0, 0, NULL, NULL);
    return c->metadata_cache ? ATHENA_OK : error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
}

athena_status athena_client_set_metadata_cache_ttl(athena_client *c, long ttl_ms)
{
    if (!c)
        return ATHENA_E_ARG;
    error_clear(&c->error);
    if (ttl_ms < 0)
        return error_set(&c->error, ATHENA_E_ARG, "the metadata cache TTL must not be negative");
    if (!c->metadata_cache && !(c->metadata_cache = metadata_cache_new(ttl_ms, 0, 0, NULL, NULL)))
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    metadata_cache_set_ttl(c->metadata_cache, ttl_ms);
    return ATHENA_OK;
}

void athena_metadata_cache_clear(athena_client *c)
{
    if (c)
        metadata_cache_clear(c->metadata_cache);
}

/* ---- calls ---- */

/* Calls AWSGlue.<operation>, consuming request (NULL: out of memory while
 * building it). Errors land on the client. */
static athena_status glue_call(athena_client *c, const char *operation, json_t *request,
                               json_t **response)
{
    char target[64];
    snprintf(target, sizeof target, "AWSGlue.%s", operation);
    *response = NULL;
    if (!request)
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    athena_status st = transport_json_call(c->transport, ATHENA_SERVICE_GLUE, target, request, 1,
                                           response, &c->error);
    json_decref(request);
    return st;
}

/* glue_call through the metadata cache. key_parts name the request (the
 * operation is added); only successful answers are stored. */
static athena_status cached_call(athena_client *c, const char *operation,
                                 const char *const *key_parts, size_t nparts, json_t *request,
                                 json_t **response)
{
    athena_status st = ensure_cache(c);
    if (st != ATHENA_OK) {
        json_decref(request);
        return st;
    }
    char *key = NULL;
    if (metadata_cache_ttl(c->metadata_cache) > 0) {
        const char *parts[8] = {operation};
        for (size_t i = 0; i < nparts && i + 1 < 8; i++)
            parts[i + 1] = key_parts[i];
        key = metadata_cache_key(parts, nparts + 1);
        if ((*response = key ? metadata_cache_get(c->metadata_cache, key) : NULL)) {
            config_log(c->config, ATHENA_LOG_DEBUG, "AWSGlue.%s: answered from the metadata cache",
                       operation);
            json_decref(request);
            free(key);
            return ATHENA_OK;
        }
    }
    st = glue_call(c, operation, request, response);
    /* A failure to cache only costs a later request. */
    if (st == ATHENA_OK && key)
        metadata_cache_put(c->metadata_cache, key, *response);
    free(key);
    return st;
}

/* ---- input checks ---- */

static athena_status check_name(athena_client *c, const char *what, const char *name)
{
    if (!name || !name[0])
        return error_set(&c->error, ATHENA_E_ARG, "the %s name is empty", what);
    if (strlen(name) > GLUE_NAME_MAX)
        return error_set(&c->error, ATHENA_E_ARG, "the %s name is longer than %d bytes", what,
                         GLUE_NAME_MAX);
    return ATHENA_OK;
}

/* The database to use: the argument, else the configured one. */
static athena_status pick_database(athena_client *c, const char **database)
{
    if (!*database)
        *database = athena_config_database(c->config);
    if (!*database)
        return error_set(&c->error, ATHENA_E_ARG,
                         "no database given and none configured (athena_database)");
    return check_name(c, "database", *database);
}

static athena_status check_expression(athena_client *c, const char *expression)
{
    if (expression && strlen(expression) > GLUE_EXPRESSION_MAX)
        return error_set(&c->error, ATHENA_E_ARG, "the expression is longer than %d bytes",
                         GLUE_EXPRESSION_MAX);
    return ATHENA_OK;
}

static athena_status check_page_options(athena_client *c, const athena_glue_page_options *o,
                                        int max_page)
{
    if (o && (o->max_results < 0 || o->max_results > max_page))
        return error_set(&c->error, ATHENA_E_ARG, "max_results must be 1 to %d (0: default)",
                         max_page);
    return ATHENA_OK;
}

/* Sets key to a string when value is non-NULL; the request is consumed and
 * NULL returned on allocation failure, so calls can be chained. */
static json_t *with_string(json_t *req, const char *key, const char *value)
{
    if (req && value && json_object_set_new(req, key, json_string(value)) != 0) {
        json_decref(req);
        return NULL;
    }
    return req;
}

static json_t *with_paging(json_t *req, const char *token, int max_results)
{
    req = with_string(req, "NextToken", token);
    if (req && max_results > 0 &&
        json_object_set_new(req, "MaxResults", json_integer(max_results)) != 0) {
        json_decref(req);
        return NULL;
    }
    return req;
}

/* ---- single objects ---- */

athena_status athena_glue_get_database(athena_client *c, const char *name, athena_database **out)
{
    *out = NULL;
    error_clear(&c->error);
    athena_status st = check_name(c, "database", name);
    if (st != ATHENA_OK)
        return st;
    json_t *resp = NULL;
    const char *key[] = {name};
    st = cached_call(c, "GetDatabase", key, 1, with_string(json_object(), "Name", name), &resp);
    if (st == ATHENA_OK) {
        const json_t *db = json_object_get(resp, "Database");
        if (!json_is_object(db))
            st = error_set(&c->error, ATHENA_E_PROTOCOL, "GetDatabase returned no Database");
        else if (!(*out = glue_parse_database(db)))
            st = error_set(&c->error, json_is_string(json_object_get(db, "Name")) ? ATHENA_E_NOMEM
                                                                  : ATHENA_E_PROTOCOL,
                           "GetDatabase: cannot decode the Database");
    }
    json_decref(resp);
    return st;
}

athena_status athena_glue_get_table(athena_client *c, const char *database, const char *name,
                                    athena_table **out)
{
    *out = NULL;
    error_clear(&c->error);
    athena_status st = pick_database(c, &database);
    if (st == ATHENA_OK)
        st = check_name(c, "table", name);
    if (st != ATHENA_OK)
        return st;
    json_t *req = with_string(with_string(json_object(), "DatabaseName", database), "Name", name);
    json_t *resp = NULL;
    const char *key[] = {database, name};
    st = cached_call(c, "GetTable", key, 2, req, &resp);
    if (st == ATHENA_OK) {
        const json_t *t = json_object_get(resp, "Table");
        if (!json_is_object(t))
            st = error_set(&c->error, ATHENA_E_PROTOCOL, "GetTable returned no Table");
        else if (!(*out = glue_parse_table(t)))
            st = error_set(&c->error, json_is_string(json_object_get(t, "Name")) ? ATHENA_E_NOMEM
                                                                 : ATHENA_E_PROTOCOL,
                           "GetTable: cannot decode the Table");
    }
    json_decref(resp);
    return st;
}

/* ---- listings ---- */

/* One listing in progress: how to request a page and decode it. */
typedef struct lister {
    athena_client *client;
    const char *operation;
    athena_status (*fetch)(struct lister *l, const char *token, int max_results, json_t **resp);
    athena_status (*decode)(const json_t *resp, void *list, athena_error *err);
    const char *database, *table, *expression;
} lister;

/* The list struct's next_token, whichever the type (decode keeps it there). */
typedef char *(*token_of_fn)(void *list);

/* Requests pages until the end (or one page), decoding each into list. */
static athena_status list_pages(lister *l, const athena_glue_page_options *o, void *list,
                                token_of_fn token_of)
{
    const char *token = o ? o->next_token : NULL;
    int max_results = o ? o->max_results : 0;
    char *sent = token ? strdup(token) : NULL;
    if (token && !sent)
        return error_set(&l->client->error, ATHENA_E_NOMEM, "out of memory");
    athena_status st;
    for (;;) {
        json_t *resp = NULL;
        st = l->fetch(l, sent, max_results, &resp);
        if (st == ATHENA_OK)
            st = l->decode(resp, list, &l->client->error);
        json_decref(resp);
        const char *next = token_of(list);
        if (st != ATHENA_OK || !next || (o && o->single_page))
            break;
        if (sent && strcmp(sent, next) == 0) {
            st = error_set(&l->client->error, ATHENA_E_PROTOCOL,
                           "AWSGlue.%s returned the NextToken it was given; stopping",
                           l->operation);
            break;
        }
        free(sent);
        if (!(sent = strdup(next))) {
            st = error_set(&l->client->error, ATHENA_E_NOMEM, "out of memory");
            break;
        }
    }
    free(sent);
    return st;
}

static athena_status fetch_databases(lister *l, const char *token, int max_results, json_t **resp)
{
    return glue_call(l->client, l->operation, with_paging(json_object(), token, max_results),
                     resp);
}

static athena_status decode_databases(const json_t *resp, void *list, athena_error *err)
{
    return glue_parse_database_page(resp, list, err);
}

static char *database_token(void *list)
{
    athena_database_list *l = *(athena_database_list **)list;
    return l ? l->next_token : NULL;
}

athena_status athena_glue_get_databases(athena_client *c, const athena_glue_page_options *o,
                                        athena_database_list **out)
{
    *out = NULL;
    error_clear(&c->error);
    athena_status st = check_page_options(c, o, GLUE_CATALOG_PAGE_MAX);
    if (st != ATHENA_OK)
        return st;
    lister l = {c, "GetDatabases", fetch_databases, decode_databases, NULL, NULL, NULL};
    st = list_pages(&l, o, out, database_token);
    if (st == ATHENA_OK && !*out && !(*out = calloc(1, sizeof **out)))
        st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    if (st != ATHENA_OK) {
        athena_database_list_free(*out);
        *out = NULL;
    }
    return st;
}

static athena_status fetch_tables(lister *l, const char *token, int max_results, json_t **resp)
{
    json_t *req = with_string(json_object(), "DatabaseName", l->database);
    req = with_string(req, "Expression", l->expression);
    return glue_call(l->client, l->operation, with_paging(req, token, max_results), resp);
}

static athena_status decode_tables(const json_t *resp, void *list, athena_error *err)
{
    return glue_parse_table_page(resp, list, err);
}

static char *table_token(void *list)
{
    athena_table_list *l = *(athena_table_list **)list;
    return l ? l->next_token : NULL;
}

athena_status athena_glue_get_tables(athena_client *c, const char *database,
                                     const char *expression, const athena_glue_page_options *o,
                                     athena_table_list **out)
{
    *out = NULL;
    error_clear(&c->error);
    athena_status st = pick_database(c, &database);
    if (st == ATHENA_OK)
        st = check_expression(c, expression);
    if (st == ATHENA_OK)
        st = check_page_options(c, o, GLUE_CATALOG_PAGE_MAX);
    if (st != ATHENA_OK)
        return st;
    lister l = {c, "GetTables", fetch_tables, decode_tables, database, NULL, expression};
    st = list_pages(&l, o, out, table_token);
    if (st == ATHENA_OK && !*out && !(*out = calloc(1, sizeof **out)))
        st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    if (st != ATHENA_OK) {
        athena_table_list_free(*out);
        *out = NULL;
    }
    return st;
}

static athena_status fetch_partitions(lister *l, const char *token, int max_results,
                                      json_t **resp)
{
    json_t *req = with_string(json_object(), "DatabaseName", l->database);
    req = with_string(req, "TableName", l->table);
    req = with_string(req, "Expression", l->expression);
    char max_text[16];
    snprintf(max_text, sizeof max_text, "%d", max_results);
    const char *key[] = {l->database, l->table, l->expression, token, max_text};
    return cached_call(l->client, l->operation, key, 5, with_paging(req, token, max_results),
                       resp);
}

static athena_status decode_partitions(const json_t *resp, void *list, athena_error *err)
{
    return glue_parse_partition_page(resp, list, err);
}

static char *partition_token(void *list)
{
    athena_partition_list *l = *(athena_partition_list **)list;
    return l ? l->next_token : NULL;
}

athena_status athena_glue_get_partitions(athena_client *c, const char *database,
                                         const char *table, const char *expression,
                                         const athena_glue_page_options *o,
                                         athena_partition_list **out)
{
    *out = NULL;
    error_clear(&c->error);
    athena_status st = pick_database(c, &database);
    if (st == ATHENA_OK)
        st = check_name(c, "table", table);
    if (st == ATHENA_OK)
        st = check_expression(c, expression);
    if (st == ATHENA_OK)
        st = check_page_options(c, o, GLUE_PARTITION_PAGE_MAX);
    if (st != ATHENA_OK)
        return st;
    lister l = {c, "GetPartitions", fetch_partitions, decode_partitions, database, table,
                expression};
    st = list_pages(&l, o, out, partition_token);
    if (st == ATHENA_OK && !*out && !(*out = calloc(1, sizeof **out)))
        st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    if (st != ATHENA_OK) {
        athena_partition_list_free(*out);
        *out = NULL;
    }
    return st;
}

/* ---- name patterns ---- */

/* Whole-name match of one alternative: '*' any run, '.' any one character,
 * everything else literally, ASCII case-insensitive. Iterative with one
 * backtrack point, so no pattern can make it take exponential time. */
static int glob_match(const char *p, const char *p_end, const char *s)
{
    const char *star = NULL, *star_s = NULL;
    while (*s) {
        if (p < p_end && *p == '*') {
            star = p++;
            star_s = s;
        } else if (p < p_end && (*p == '.' || tolower((unsigned char)*p) ==
                                                  tolower((unsigned char)*s))) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (p < p_end && *p == '*')
        p++;
    return p == p_end;
}

int athena_glue_name_matches(const char *pattern, const char *name)
{
    if (!pattern || !name)
        return 0;
    const char *p = pattern;
    for (;;) {
        const char *end = p + strcspn(p, "|");
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (glob_match(a, b, name))
            return 1;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

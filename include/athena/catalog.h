/*
 * catalog.h: libathena's metadata API: the AWS Glue Data Catalog (databases,
 * tables, partitions), S3 listings, and the client's metadata cache.
 *
 * Included by athena.h; the conventions there apply here too:
 *   - Every fallible call returns an athena_status; details of a failure
 *     (AWS error code such as "EntityNotFoundException" or
 *     "AccessDeniedException", message, HTTP status, request id) are read
 *     with athena_client_error().
 *   - Results are plain structs the caller frees with the matching *_free()
 *     function (NULL is accepted). Strings are NULL when the service did not
 *     send the field; times are epoch seconds, 0 when absent.
 *   - An athena_client is used by one thread at a time, and so is its
 *     metadata cache: no locks are taken.
 *
 * Every call here is a read and is retried like any idempotent request.
 * Glue calls go to the Glue endpoint (awsJson1.1, X-Amz-Target AWSGlue.*)
 * of the account's own Data Catalog; S3 calls go to the S3 endpoint.
 */
#ifndef ATHENA_CATALOG_H
#define ATHENA_CATALOG_H

#include "athena/athena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Glue Data Catalog                                                         */
/* ------------------------------------------------------------------------ */

/* A key/value pair of a Parameters map (order as the service sent it). */
typedef struct athena_parameter {
    char *key;
    char *value;
} athena_parameter;

/* A column or partition key of a table. */
typedef struct athena_table_column {
    char *name;
    char *type;      /* Hive type text, e.g. "bigint", "array<string>" */
    char *comment;   /* NULL when absent */
} athena_table_column;

/* A Glue Database. */
typedef struct athena_database {
    char *name;
    char *description;
    char *location_uri;
    char *catalog_id;
    double create_time;
    athena_parameter *parameters;
    size_t parameter_count;
} athena_database;

/* A Glue Table: its schema and where and how its data is stored
 * (StorageDescriptor and SerdeInfo flattened). */
typedef struct athena_table {
    char *name;
    char *database;
    char *catalog_id;
    char *description;
    char *owner;
    char *table_type;          /* "EXTERNAL_TABLE", "VIRTUAL_VIEW", ... */
    double create_time;
    double update_time;
    char *location;            /* StorageDescriptor.Location */
    char *input_format;
    char *output_format;
    int compressed;
    char *serde_name;          /* SerdeInfo.Name */
    char *serde_library;       /* SerdeInfo.SerializationLibrary */
    athena_parameter *serde_parameters;
    size_t serde_parameter_count;
    athena_table_column *columns;
    size_t column_count;
    athena_table_column *partition_keys;
    size_t partition_key_count;
    athena_parameter *parameters;  /* table Parameters (e.g. "classification") */
    size_t parameter_count;
    char *view_original_text;  /* views only */
    char *view_expanded_text;
} athena_table;

/* A Glue Partition. values[i] belongs to the table's partition_keys[i]. */
typedef struct athena_partition {
    char **values;
    size_t value_count;
    char *database;
    char *table;
    char *location;            /* StorageDescriptor.Location */
    char *input_format;
    char *output_format;
    char *serde_library;
    double create_time;
    double last_access_time;
    athena_parameter *parameters;
    size_t parameter_count;
} athena_partition;

/* Paging of the Glue listing calls. Zero-initialize for "every page from the
 * start with the service's default page size". */
typedef struct athena_glue_page_options {
    const char *next_token;  /* NULL: from the first page */
    int max_results;         /* per request; 0: the service default. GetDatabases and
                                GetTables take 1..100, GetPartitions 1..1000 */
    int single_page;         /* nonzero: one request only; the list's next_token
                                then continues from where it stopped */
} athena_glue_page_options;

/* The result of a listing call. next_token is NULL once the end is reached
 * (always, unless single_page was asked). */
typedef struct athena_database_list {
    athena_database **items;
    size_t count;
    char *next_token;
} athena_database_list;

typedef struct athena_table_list {
    athena_table **items;
    size_t count;
    char *next_token;
} athena_table_list;

typedef struct athena_partition_list {
    athena_partition **items;
    size_t count;
    char *next_token;
} athena_partition_list;

/* GetDatabase. A missing database is ATHENA_E_SERVICE with the client error
 * code "EntityNotFoundException". Served from the metadata cache when on. */
ATHENA_API athena_status athena_glue_get_database(athena_client *client, const char *name,
                                                  athena_database **out);

/* GetDatabases: every page, or one page (see athena_glue_page_options).
 * options may be NULL. */
ATHENA_API athena_status athena_glue_get_databases(athena_client *client,
                                                   const athena_glue_page_options *options,
                                                   athena_database_list **out);

/* GetTable. database NULL means the configured database (athena_database);
 * with neither it is ATHENA_E_ARG. Served from the metadata cache when on. */
ATHENA_API athena_status athena_glue_get_table(athena_client *client, const char *database,
                                               const char *name, athena_table **out);

/* GetTables of a database (NULL: the configured one). expression (NULL: all
 * tables) is Glue's table-name pattern, matched case-insensitively against
 * the whole name: '*' matches any characters, '.' any one character, and
 * '|' separates alternatives, e.g. "sales_*|orders". At most 2048 bytes.
 * options may be NULL. */
ATHENA_API athena_status athena_glue_get_tables(athena_client *client, const char *database,
                                                const char *expression,
                                                const athena_glue_page_options *options,
                                                athena_table_list **out);

/* GetPartitions of a table (database NULL: the configured one). expression
 * (NULL: all partitions) is Glue's SQL-like predicate over the partition keys,
 * e.g. "year = '2024' AND month >= '06'"; at most 2048 bytes. Each page is
 * served from the metadata cache when on. options may be NULL. */
ATHENA_API athena_status athena_glue_get_partitions(athena_client *client, const char *database,
                                                    const char *table, const char *expression,
                                                    const athena_glue_page_options *options,
                                                    athena_partition_list **out);

/* Nonzero if name matches a Glue table-name pattern as GetTables'
 * Expression does ('*' any characters, '.' any one character, '|'
 * alternatives with surrounding spaces ignored, whole name, ASCII
 * case-insensitive; other characters match themselves). For filtering names
 * obtained some other way, e.g. a configured table list. */
ATHENA_API int athena_glue_name_matches(const char *pattern, const char *name);

ATHENA_API void athena_database_free(athena_database *database);
ATHENA_API void athena_table_free(athena_table *table);
ATHENA_API void athena_partition_free(athena_partition *partition);
ATHENA_API void athena_database_list_free(athena_database_list *list);
ATHENA_API void athena_table_list_free(athena_table_list *list);
ATHENA_API void athena_partition_list_free(athena_partition_list *list);

/* ------------------------------------------------------------------------ */
/* Metadata cache                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Each client keeps an in-memory cache of GetDatabase, GetTable and
 * GetPartitions answers (successful ones only), so an application that
 * looks up the same table repeatedly pays for one request per TTL. It is
 * off by default. The TTL comes from athena_client_set_metadata_cache_ttl()
 * or else the profile key `metadata_cache_ttl_ms` (read when the client
 * makes its first Glue call; a value that is not a non-negative number
 * makes Glue calls fail with ATHENA_E_CONFIG). The cache holds at most 4096 answers and
 * about 32 MiB, dropping the least recently used first.
 */

/* Sets the time-to-live of cached answers in milliseconds; 0 turns the
 * cache off and empties it. Negative is ATHENA_E_ARG. */
ATHENA_API athena_status athena_client_set_metadata_cache_ttl(athena_client *client, long ttl_ms);

/* Empties the client's metadata cache (e.g. after running DDL that changed
 * the catalog). The TTL stays as it was. */
ATHENA_API void athena_metadata_cache_clear(athena_client *client);

/* ------------------------------------------------------------------------ */
/* S3 listings                                                               */
/* ------------------------------------------------------------------------ */

/* Parameters of ListObjectsV2. bucket is required; the rest may be NULL/0. */
typedef struct athena_s3_list_params {
    const char *bucket;
    const char *prefix;
    const char *delimiter;           /* e.g. "/" to group keys into common prefixes */
    const char *continuation_token;  /* a previous listing's next_continuation_token */
    const char *start_after;         /* list keys after this one (first page only) */
    int max_keys;                    /* 1..1000; 0: the service default (1000) */
} athena_s3_list_params;

typedef struct athena_s3_object {
    char *key;
    int64_t size;                    /* bytes; -1 if absent */
    char *etag;                      /* as sent, with its double quotes */
    char *last_modified;             /* ISO 8601 as sent, e.g. "2024-05-01T12:00:00.000Z" */
    double last_modified_epoch;      /* the same in epoch seconds, 0 if absent */
    char *storage_class;
} athena_s3_object;

/* One page of ListObjectsV2. Keys and prefixes are decoded (the request asks
 * for encoding-type=url so any key survives the XML). */
typedef struct athena_s3_listing {
    char *bucket;
    char *prefix;
    athena_s3_object *objects;
    size_t object_count;
    char **common_prefixes;
    size_t common_prefix_count;
    int is_truncated;
    char *next_continuation_token;   /* NULL on the last page */
} athena_s3_listing;

/* ListObjectsV2 (GET /?list-type=2). Requires s3:ListBucket on the bucket.
 * Requests are path-style (/bucket) on custom endpoints such as
 * athena-local, and virtual-hosted (bucket.s3.REGION.amazonaws.com) on AWS
 * when the bucket name allows it. Errors: "NoSuchBucket" (ATHENA_E_SERVICE),
 * "AccessDenied" (ATHENA_E_ACCESS_DENIED), ... in the client error. */
ATHENA_API athena_status athena_s3_list(athena_client *client, const athena_s3_list_params *params,
                                        athena_s3_listing **out);
ATHENA_API void athena_s3_listing_free(athena_s3_listing *listing);

typedef struct athena_s3_bucket {
    char *name;
    char *creation_date;             /* ISO 8601 as sent */
    double creation_epoch;
} athena_s3_bucket;

typedef struct athena_s3_bucket_list {
    athena_s3_bucket *buckets;
    size_t count;
    char *owner_id;
    char *owner_display_name;
} athena_s3_bucket_list;

/* ListBuckets (GET / on the S3 endpoint). Requires s3:ListAllMyBuckets. */
ATHENA_API athena_status athena_s3_list_buckets(athena_client *client, athena_s3_bucket_list **out);
ATHENA_API void athena_s3_bucket_list_free(athena_s3_bucket_list *list);

/* Splits "s3://bucket/key/prefix" into its bucket and key (both malloc'ed;
 * the key may be ""). ATHENA_E_ARG if uri is not an s3:// URI with a bucket. */
ATHENA_API athena_status athena_s3_uri_parse(const char *uri, char **bucket, char **key);

#ifdef __cplusplus
}
#endif
#endif /* ATHENA_CATALOG_H */

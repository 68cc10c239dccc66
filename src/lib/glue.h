/*
 * glue.h: libathena's private view of Glue: decoding the awsJson shapes of
 * Database, Table and Partition into the public structs (glue_parse.c), kept
 * apart from the requests (glue.c) so recorded responses can be unit-tested.
 */
#ifndef ATHENA_LIB_GLUE_H
#define ATHENA_LIB_GLUE_H

#include "internal.h"

#include <jansson.h>

/* Decoders of one object. NULL when out of memory, or when obj is not an
 * object or lacks its Name (a shape we cannot use). */
athena_database *glue_parse_database(const json_t *obj);
athena_table *glue_parse_table(const json_t *obj);
athena_partition *glue_parse_partition(const json_t *obj);

/* Decoders of a list response ({"DatabaseList"|"TableList"|"Partitions":
 * [...], "NextToken": ...}), appending the items to *list (created when
 * NULL) and replacing its next_token. An item that is not a usable object
 * is ATHENA_E_PROTOCOL; err says which. */
athena_status glue_parse_database_page(const json_t *resp, athena_database_list **list,
                                       athena_error *err);
athena_status glue_parse_table_page(const json_t *resp, athena_table_list **list,
                                    athena_error *err);
athena_status glue_parse_partition_page(const json_t *resp, athena_partition_list **list,
                                        athena_error *err);

#endif

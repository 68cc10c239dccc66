/*
 * test_results_s3.c: the fast result path's pieces (results_s3.h).
 *
 *   - The row reader on recorded Athena CSV bytes, fed in pieces of every
 *     size from 1 byte up: a record spanning pieces, NULL (empty unquoted)
 *     vs "" , quotes, commas, CR/LF and UTF-8 inside values, the header
 *     skipped, a last record without newline, and clear errors for a wrong
 *     field count, a missing header or an unterminated quote.
 *   - The cursor over a row source: column types from recorded
 *     ResultSetMetadata, typed accessors, values valid until next().
 *   - The byte pipeline and HeadObject/GetObject against a tiny in-process
 *     HTTP server (mini_s3 below): many small chunks fetched by 8 lanes
 *     arrive in file order, memory stays under the buffer cap, a range cut
 *     off mid-body is resumed from the next byte, a stalled reader makes the
 *     lanes pause and resume, and a 403 on GET is AccessDenied with no byte
 *     delivered.
 */
#include "results_s3.h"
#include "s3_object.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- recorded bytes ---- */

typedef struct pieces {
    const char *data;
    size_t len, at, step;
} pieces;

static athena_status read_pieces(void *user_data, const char **data, size_t *len,
                                 athena_error *err)
{
    pieces *p = user_data;
    if (p->at >= p->len)
        return ATHENA_DONE;
    *data = p->data + p->at;
    *len = p->len - p->at < p->step ? p->len - p->at : p->step;
    p->at += *len;
    return ATHENA_OK;
}

/* A result with every kind of value Athena's CSV can hold. */
static const char RECORDED[] =
    "\"id\",\"name\",\"note\"\n"
    "\"1\",\"plain\",\"\"\n"                                  /* "" is the empty string */
    "\"2\",,\"x\"\n"                                          /* NULL name */
    "\"3\",\"say \"\"hi\"\", then\nleave\",\"a,b\"\n"         /* quotes, newline, comma */
    "\"4\",\"Zürich – 東京 🚀\",\"cr\r\nlf\"\n"               /* UTF-8, CRLF inside */
    ",,\n"                                                    /* all NULL */
    "\"6\",\"\"\"\",\"\n\"";                                  /* no final newline */

typedef struct expected_row {
    const char *v[3]; /* NULL = SQL NULL */
} expected_row;

static const expected_row EXPECTED[] = {
    {{"1", "plain", ""}},
    {{"2", NULL, "x"}},
    {{"3", "say \"hi\", then\nleave", "a,b"}},
    {{"4", "Zürich – 東京 🚀", "cr\r\nlf"}},
    {{NULL, NULL, NULL}},
    {{"6", "\"", "\n"}},
};

static void check_rows_with_step(size_t step)
{
    pieces p = {RECORDED, sizeof RECORDED - 1, 0, step};
    s3_rows *rows = s3_rows_new(3, read_pieces, &p, NULL);
    REQUIRE(rows != NULL);
    athena_error err;
    size_t n = 0;
    const char *const *values;
    const size_t *lengths;
    athena_status st;
    while ((st = s3_rows_next(rows, &values, &lengths, &err)) == ATHENA_OK) {
        REQUIRE(n < sizeof EXPECTED / sizeof EXPECTED[0]);
        for (size_t i = 0; i < 3; i++) {
            const char *want = EXPECTED[n].v[i];
            if (!want) {
                CHECK(values[i] == NULL);
                continue;
            }
            CHECK_STR(values[i], want);
            CHECK_INT(lengths[i], strlen(want));
        }
        n++;
    }
    CHECK_INT(st, ATHENA_DONE);
    CHECK_INT(n, 6);
    CHECK_INT(s3_rows_next(rows, &values, &lengths, &err), ATHENA_DONE);
    s3_rows_free(rows);
}

static void test_rows_in_pieces_of_every_size(void)
{
    for (size_t step = 1; step <= sizeof RECORDED; step++)
        check_rows_with_step(step);
}

static athena_status first_error(const char *csv, size_t ncols, athena_error *err)
{
    pieces p = {csv, strlen(csv), 0, 5};
    s3_rows *rows = s3_rows_new(ncols, read_pieces, &p, NULL);
    if (!rows)
        return ATHENA_E_NOMEM;
    const char *const *values;
    const size_t *lengths;
    athena_status st;
    while ((st = s3_rows_next(rows, &values, &lengths, err)) == ATHENA_OK)
        ;
    s3_rows_free(rows);
    return st;
}

static void test_rows_errors(void)
{
    athena_error err;
    CHECK_INT(first_error("\"a\",\"b\"\n\"1\",\"2\"\n\"3\"\n", 2, &err), ATHENA_E_PROTOCOL);
    CHECK_STR(err.message, "the record at byte 16 of the result file has 1 fields, the result "
                           "has 2 columns");
    CHECK_INT(first_error("\"a\",\"b\",\"c\"\n", 2, &err), ATHENA_E_PROTOCOL); /* header */
    CHECK_INT(first_error("", 2, &err), ATHENA_E_PROTOCOL);
    CHECK_STR(err.message, "the result file is empty: no header row");
    CHECK_INT(first_error("\"a\"\n\"open\n", 1, &err), ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "not valid CSV") != NULL);
    CHECK(strstr(err.message, "end of input inside a quoted field") != NULL);
    CHECK_INT(first_error("\"a\"\n\"x\"y\n", 1, &err), ATHENA_E_PROTOCOL);
    /* A one-column NULL row is an empty line. */
    CHECK_INT(first_error("\"a\"\n\n\"x\"\n", 1, &err), ATHENA_DONE);
}

/* Many rows of varying width, so that batches fill on both limits. */
static char *numbered_csv(size_t n, size_t *size)
{
    buf b = BUF_INIT;
    buf_puts(&b, "\"n\",\"pad\"\n");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "\"%zu\",", i);
        if (i % 11 == 4) {
            buf_putc(&b, '\n');
            continue;
        }
        buf_putc(&b, '"');
        for (size_t k = 0; k < (i * 7919) % 300; k++)
            buf_putc(&b, 'p');
        buf_puts(&b, "\"\n");
    }
    *size = b.len;
    return buf_detach(&b);
}

/* Reads rows 0..n-1 through fn and checks each; returns the final status. */
static athena_status check_numbered(results_row_fn fn, void *source, size_t *count)
{
    const char *const *values;
    const size_t *lengths;
    athena_error err;
    athena_status st;
    size_t i = 0, bad = 0;
    while ((st = fn(source, &values, &lengths, &err)) == ATHENA_OK) {
        char want[32];
        snprintf(want, sizeof want, "%zu", i);
        bad += strcmp(values[0], want) != 0 || lengths[0] != strlen(want);
        bad += i % 11 == 4 ? values[1] != NULL
                           : !values[1] || lengths[1] != (i * 7919) % 300 ||
                                 strlen(values[1]) != lengths[1];
        i++;
    }
    CHECK_INT(bad, 0);
    *count = i;
    return st;
}

static void test_parser_thread_keeps_order(void)
{
    size_t size;
    char *csv = numbered_csv(50000, &size);
    pieces p = {csv, size, 0, 4093};
    athena_error err;
    s3_parser *parser = s3_parser_start(s3_rows_new(2, read_pieces, &p, NULL), 2, NULL, NULL,
                                        &err);
    REQUIRE(parser != NULL);
    size_t n = 0;
    CHECK_INT(check_numbered(s3_parser_next, parser, &n), ATHENA_DONE);
    CHECK_INT(n, 50000);
    s3_parser_free(parser);
    free(csv);
}

static void test_parser_reports_errors_after_the_rows_before(void)
{
    size_t size;
    char *csv = numbered_csv(30000, &size);
    /* Break the last record: it starts with a stray comma. */
    char *last = csv + size - 2;
    while (*last != '\n')
        last--;
    last[1] = ',';
    pieces p = {csv, size, 0, 65536};
    athena_error err;
    s3_parser *parser = s3_parser_start(s3_rows_new(2, read_pieces, &p, NULL), 2, NULL, NULL,
                                        &err);
    REQUIRE(parser != NULL);
    size_t n = 0;
    CHECK_INT(check_numbered(s3_parser_next, parser, &n), ATHENA_E_PROTOCOL);
    CHECK_INT(n, 29999);
    s3_parser_free(parser);
    free(csv);
}

static void test_parser_freed_early(void)
{
    size_t size;
    char *csv = numbered_csv(50000, &size);
    pieces p = {csv, size, 0, 1000};
    athena_error err;
    s3_parser *parser = s3_parser_start(s3_rows_new(2, read_pieces, &p, NULL), 2, NULL, NULL,
                                        &err);
    REQUIRE(parser != NULL);
    const char *const *values;
    const size_t *lengths;
    CHECK_INT(s3_parser_next(parser, &values, &lengths, &err), ATHENA_OK);
    CHECK_STR(values[0], "0");
    s3_parser_free(parser); /* the thread is mid-way: stopped and joined */
    free(csv);
}

/* ---- the cursor over a row source ---- */

static const char COLUMN_INFO[] =
    "[{\"Name\":\"id\",\"Type\":\"bigint\",\"Precision\":19,\"Nullable\":\"NOT_NULL\"},"
    "{\"Name\":\"score\",\"Type\":\"double\",\"Precision\":17},"
    "{\"Name\":\"ok\",\"Type\":\"boolean\"},"
    "{\"Name\":\"day\",\"Type\":\"date\"},"
    "{\"Name\":\"price\",\"Type\":\"decimal\",\"Precision\":10,\"Scale\":2},"
    "{\"Name\":\"name\",\"Type\":\"varchar\"}]";

static const char TYPED_CSV[] =
    "\"id\",\"score\",\"ok\",\"day\",\"price\",\"name\"\n"
    "\"9223372036854775807\",\"1.5\",\"true\",\"2024-02-29\",\"12.50\",\"x\"\n"
    "\"-3\",,\"false\",\"1999-12-31\",,\"\"\n";

static void test_cursor_types_and_accessors(void)
{
    json_t *info = json_loads(COLUMN_INFO, 0, NULL);
    REQUIRE(info != NULL);
    pieces p = {TYPED_CSV, sizeof TYPED_CSV - 1, 0, 7};
    s3_rows *rows = s3_rows_new(json_array_size(info), read_pieces, &p, NULL);
    athena_results *r = NULL;
    athena_error err;
    REQUIRE(results_open_rows(s3_rows_next, rows, s3_rows_free, info, &r, &err) == ATHENA_OK);
    json_decref(info);
    CHECK_INT(athena_results_column_count(r), 6);
    CHECK_STR(athena_results_column(r, 0)->type, "bigint");
    CHECK_INT(athena_results_column(r, 0)->precision, 19);
    CHECK_INT(athena_results_column(r, 0)->nullable, ATHENA_NOT_NULL);
    CHECK_INT(athena_results_column(r, 4)->scale, 2);
    const char *s;
    CHECK_INT(athena_results_get_string(r, 0, &s, NULL), ATHENA_E_RANGE); /* no row yet */

    REQUIRE(athena_results_next(r) == ATHENA_OK);
    int64_t i64 = 0;
    double d = 0;
    int b = -1;
    athena_date day;
    CHECK_INT(athena_results_get_int64(r, 0, &i64), ATHENA_OK);
    CHECK(i64 == INT64_MAX);
    CHECK_INT(athena_results_get_double(r, 1, &d), ATHENA_OK);
    CHECK(d == 1.5);
    CHECK_INT(athena_results_get_bool(r, 2, &b), ATHENA_OK);
    CHECK_INT(b, 1);
    CHECK_INT(athena_results_get_date(r, 3, &day), ATHENA_OK);
    CHECK(day.year == 2024 && day.month == 2 && day.day == 29);
    CHECK_INT(athena_results_get_double(r, 4, &d), ATHENA_OK);
    CHECK(d == 12.5);
    CHECK_INT(athena_results_get_int64(r, 5, &i64), ATHENA_E_TYPE); /* varchar */
    size_t len = 99;
    CHECK_INT(athena_results_get_string(r, 5, &s, &len), ATHENA_OK);
    CHECK_STR(s, "x");
    CHECK_INT(len, 1);

    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK_INT(athena_results_get_int64(r, 0, &i64), ATHENA_OK);
    CHECK_INT(i64, -3);
    CHECK(athena_results_is_null(r, 1));
    CHECK_INT(athena_results_get_double(r, 1, &d), ATHENA_E_NULL);
    CHECK_INT(athena_results_get_bool(r, 2, &b), ATHENA_OK);
    CHECK_INT(b, 0);
    CHECK(athena_results_is_null(r, 4));
    CHECK(!athena_results_is_null(r, 5));
    CHECK_INT(athena_results_get_string(r, 5, &s, &len), ATHENA_OK);
    CHECK_STR(s, "");
    CHECK_INT(len, 0);
    CHECK_INT(athena_results_row_number(r), 2);
    CHECK_INT(athena_results_next(r), ATHENA_DONE);
    athena_results_close(r);
}

/* ---- mini_s3: one object over HTTP/1.1, Range, keep-alive ---- */

#define MINI_MAX_CONNECTIONS 256

typedef struct mini_s3 {
    int listen_fd;
    int port;
    pthread_t acceptor;
    pthread_t connections[MINI_MAX_CONNECTIONS];
    size_t connection_count;
    const char *object;
    size_t size;
    size_t drop_after;        /* >0: each range end's first answer breaks after this */
    int deny_get;
    uint64_t dropped_ends[256];
    size_t dropped_count;
    int gets, heads;
    pthread_mutex_t mu;
} mini_s3;

typedef struct connection_arg {
    mini_s3 *server;
    int fd;
} connection_arg;

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one request head; 0 on success, -1 when the client is gone. */
static int read_head(int fd, char *head, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = recv(fd, head + n, 1, 0);
        if (r <= 0)
            return -1;
        n++;
        head[n] = '\0';
        if (n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0)
            return 0;
    }
    return -1;
}

/* Answers one request; 0 to keep the connection, -1 to close it. */
static int answer(mini_s3 *s, int fd, const char *head)
{
    int is_head = strncmp(head, "HEAD ", 5) == 0;
    char reply[512];
    pthread_mutex_lock(&s->mu);
    if (is_head)
        s->heads++;
    else
        s->gets++;
    pthread_mutex_unlock(&s->mu);
    if (!is_head && s->deny_get) {
        const char *body = "<Error><Code>AccessDenied</Code><Message>no</Message></Error>";
        snprintf(reply, sizeof reply,
                 "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
                 "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
        return send_all(fd, reply, strlen(reply));
    }
    unsigned long long first = 0, last = s->size - 1;
    const char *range = strstr(head, "Range: bytes=");
    if (!is_head && range)
        sscanf(range, "Range: bytes=%llu-%llu", &first, &last);
    if (last >= s->size)
        last = s->size - 1;
    size_t len = (size_t)(last - first + 1);
    snprintf(reply, sizeof reply,
             "HTTP/1.1 %s\r\nETag: \"v1\"\r\nContent-Length: %zu\r\n"
             "Content-Range: bytes %llu-%llu/%zu\r\n\r\n",
             is_head ? "200 OK" : "206 Partial Content", is_head ? s->size : len, first, last,
             s->size);
    if (send_all(fd, reply, strlen(reply)) != 0)
        return -1;
    if (is_head)
        return 0;
    int drop = 0;
    pthread_mutex_lock(&s->mu);
    if (s->drop_after && s->drop_after < len) {
        drop = 1;
        for (size_t i = 0; i < s->dropped_count; i++)
            drop &= s->dropped_ends[i] != last;
        if (drop && s->dropped_count < 256)
            s->dropped_ends[s->dropped_count++] = last;
    }
    pthread_mutex_unlock(&s->mu);
    if (drop) {
        send_all(fd, s->object + first, s->drop_after);
        return -1;
    }
    return send_all(fd, s->object + first, len);
}

static void *serve_connection(void *arg)
{
    connection_arg *c = arg;
    char head[8192];
    while (read_head(c->fd, head, sizeof head) == 0 && answer(c->server, c->fd, head) == 0)
        ;
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg)
{
    mini_s3 *s = arg;
    for (;;) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* the listening socket was shut down */
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        connection_arg *c = malloc(sizeof *c);
        if (!c || s->connection_count == MINI_MAX_CONNECTIONS) {
            free(c);
            close(fd);
            continue;
        }
        c->server = s;
        c->fd = fd;
        if (pthread_create(&s->connections[s->connection_count], NULL, serve_connection, c) == 0)
            s->connection_count++;
        else
            close(fd), free(c);
    }
}

static int mini_start(mini_s3 *s, const char *object, size_t size)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->object = object;
    s->size = size;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, 64) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->acceptor, NULL, accept_loop, s);
}

/* Call after every client connection is closed. */
static void mini_stop(mini_s3 *s)
{
    shutdown(s->listen_fd, SHUT_RDWR);
    pthread_join(s->acceptor, NULL);
    close(s->listen_fd);
    for (size_t i = 0; i < s->connection_count; i++)
        pthread_join(s->connections[i], NULL);
    pthread_mutex_destroy(&s->mu);
}

static athena_config *config_for(const mini_s3 *s, long request_timeout_ms)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s->port);
    athena_config_options o = {0};
    o.endpoint_url = url;
    o.region = "us-east-1";
    o.access_key_id = "AKIDTESTFASTRESULTS";
    o.secret_access_key = "test-secret-fast-results";
    o.max_attempts = 1;
    o.request_timeout_ms = request_timeout_ms;
    athena_config *config = NULL;
    athena_error err;
    return athena_config_load(&o, &config, &err) == ATHENA_OK ? config : NULL;
}

/* An Athena CSV of n rows of varying width (records cross every chunk). */
static char *make_object(size_t n, size_t *size)
{
    buf b = BUF_INIT;
    buf_puts(&b, "\"n\",\"text\"\n");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "\"%zu\",", i);
        if (i % 10 == 3) {
            buf_puts(&b, "\n"); /* text NULL */
            continue;
        }
        buf_putc(&b, '"');
        for (size_t k = 0; k < i % 97; k++)
            buf_putc(&b, (char)('a' + (i + k) % 26));
        buf_puts(&b, i % 7 == 0 ? "\"\"\n,\"\n" : "\"\n");
    }
    *size = b.len;
    return buf_detach(&b);
}

/* ---- the pipeline ---- */

static size_t count_bytes(void *user_data, const char *data, size_t len, int *stop)
{
    *(size_t *)user_data += len;
    return len;
}

static athena_status read_pipe(void *user_data, const char **data, size_t *len,
                               athena_error *err)
{
    return s3_pipe_read(user_data, data, len, err);
}

static void free_pipe(void *user_data)
{
    s3_pipe_free(user_data);
}

static void test_head_and_denied_get(void)
{
    static const char object[] = "\"a\"\n\"1\"\n";
    mini_s3 s;
    REQUIRE(mini_start(&s, object, sizeof object - 1) == 0);
    athena_config *config = config_for(&s, 5000);
    REQUIRE(config != NULL);
    athena_error err;
    transport *t = transport_new(config, &err);
    REQUIRE(t != NULL);
    s3_object_info info;
    CHECK_INT(s3_head_object(t, "bucket", "dir/q.csv", &info, &err), ATHENA_OK);
    CHECK_INT(info.size, sizeof object - 1);
    CHECK_STR(info.etag, "\"v1\"");
    size_t delivered = 0;
    s3_range_sink sink = {count_bytes, NULL, &delivered};
    CHECK_INT(s3_get_range(t, "bucket", "dir/q.csv", info.etag, 2, 5, 2, &sink, &err), ATHENA_OK);
    CHECK_INT(delivered, 4);
    s.deny_get = 1;
    delivered = 0;
    CHECK_INT(s3_get_range(t, "bucket", "dir/q.csv", info.etag, 0, 3, 2, &sink, &err),
              ATHENA_E_ACCESS_DENIED);
    CHECK_STR(err.code, "AccessDenied");
    CHECK_INT(err.http_status, 403);
    CHECK_INT(delivered, 0); /* the error document is not data */
    transport_free(t);
    athena_config_free(config);
    mini_stop(&s);
}

/* Reads the whole pipe; returns the bytes (caller frees) or NULL on error.
 * stall_ms: sleep that long after the first span (a stalled reader). */
static char *drain(s3_pipe *p, size_t *len, long stall_ms)
{
    buf all = BUF_INIT;
    const char *data;
    size_t n;
    athena_error err;
    athena_status st;
    while ((st = s3_pipe_read(p, &data, &n, &err)) == ATHENA_OK) {
        buf_append(&all, data, n);
        if (stall_ms) {
            struct timespec ts = {stall_ms / 1000, (stall_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            stall_ms = 0;
        }
    }
    if (st != ATHENA_DONE) {
        fprintf(stderr, "pipe failed: %s\n", err.message);
        buf_free(&all);
        return NULL;
    }
    *len = all.len;
    return buf_detach(&all);
}

static void run_pipe(size_t drop_after, long pause_after_ms, long stall_ms)
{
    size_t size;
    char *object = make_object(60000, &size);
    REQUIRE(object != NULL && size > 3000000);
    mini_s3 s;
    REQUIRE(mini_start(&s, object, size) == 0);
    s.drop_after = drop_after;
    athena_config *config = config_for(&s, 20000);
    REQUIRE(config != NULL);
    s3_pipe_params pp = {config, "bucket", "q.csv", "\"v1\"", size, 8, 64 << 10, 1 << 20,
                         pause_after_ms};
    athena_error err;
    s3_pipe *p = s3_pipe_start(&pp, &err);
    REQUIRE(p != NULL);
    size_t got_len = 0;
    char *got = drain(p, &got_len, stall_ms);
    CHECK(got != NULL);
    CHECK_INT(got_len, size);
    CHECK(got && memcmp(got, object, size) == 0);
    CHECK(s3_pipe_peak_bytes(p) <= (size_t)1 << 20);
    s3_pipe_free(p);
    size_t chunks = (size + (64 << 10) - 1) / (64 << 10);
    if (drop_after)
        CHECK_INT(s.gets, 2 * chunks); /* each chunk: the cut answer, then the rest */
    else if (!stall_ms)
        CHECK_INT(s.gets, chunks);
    else
        CHECK(s.gets > (int)chunks); /* lanes paused and asked again */
    athena_config_free(config);
    mini_stop(&s);
    free(got);
    free(object);
}

static void test_pipe_delivers_in_order_within_memory_cap(void)
{
    run_pipe(0, 0, 0);
}

static void test_pipe_resumes_cut_off_ranges(void)
{
    run_pipe(1000, 0, 0);
}

static void test_pipe_lanes_pause_for_a_stalled_reader(void)
{
    /* Lanes wait 100 ms for room inside a transfer, then pause. */
    run_pipe(0, 100, 1000);
}

static void test_rows_over_the_pipe(void)
{
    size_t size;
    char *object = make_object(60000, &size);
    mini_s3 s;
    REQUIRE(mini_start(&s, object, size) == 0);
    athena_config *config = config_for(&s, 20000);
    REQUIRE(config != NULL);
    s3_pipe_params pp = {config, "bucket", "q.csv", "", size, 3, 64 << 10, 1 << 20, 0};
    athena_error err;
    s3_pipe *p = s3_pipe_start(&pp, &err);
    REQUIRE(p != NULL);
    s3_rows *rows = s3_rows_new(2, read_pipe, p, free_pipe);
    REQUIRE(rows != NULL);
    const char *const *values;
    const size_t *lengths;
    size_t n = 0, bad = 0;
    athena_status st;
    while ((st = s3_rows_next(rows, &values, &lengths, &err)) == ATHENA_OK) {
        char want[32];
        snprintf(want, sizeof want, "%zu", n);
        bad += strcmp(values[0], want) != 0;
        if (n % 10 == 3)
            bad += values[1] != NULL;
        else
            bad += !values[1] || lengths[1] != n % 97 + (n % 7 == 0 ? 3 : 0);
        n++;
    }
    CHECK_INT(st, ATHENA_DONE);
    CHECK_INT(n, 60000);
    CHECK_INT(bad, 0);
    s3_rows_free(rows);
    athena_config_free(config);
    mini_stop(&s);
    free(object);
}

int main(void)
{
    athena_global_init();
    setenv("AWS_CONFIG_FILE", "/nonexistent/athena-test/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/athena-test/credentials", 1);
    RUN(test_rows_in_pieces_of_every_size);
    RUN(test_rows_errors);
    RUN(test_parser_thread_keeps_order);
    RUN(test_parser_reports_errors_after_the_rows_before);
    RUN(test_parser_freed_early);
    RUN(test_cursor_types_and_accessors);
    RUN(test_head_and_denied_get);
    RUN(test_pipe_delivers_in_order_within_memory_cap);
    RUN(test_pipe_resumes_cut_off_ranges);
    RUN(test_pipe_lanes_pause_for_a_stalled_reader);
    RUN(test_rows_over_the_pipe);
    athena_global_cleanup();
    return test_summary();
}

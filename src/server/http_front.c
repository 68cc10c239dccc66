/*
 * http_front.c: libmicrohttpd glue for athena-local (see http_front.h).
 *
 * libmicrohttpd decodes the URL it passes to the access handler, but SigV4
 * signs the path and query as sent, so the raw request line's URI is taken
 * from the URI log callback (called once per request, before decoding) and
 * kept in a per-request context, which the completion callback frees.
 *
 * Bodies are collected up to SRV_MAX_BODY. A larger body is read and thrown
 * away so the client can read the error on a healthy connection; only past
 * DISCARD_LIMIT (or when the client waits for "100 Continue") is the error
 * sent at once and the connection closed.
 *
 * Connections are served by a small pool of threads (one per CPU), each
 * polling its share of non-blocking sockets: a thread per connection spent
 * a large share of the time switching between threads.
 * Handlers therefore must not sleep: they answer from SQLite and result
 * files, while queries run on the executor's own threads.
 */
#include "http_front.h"

#include "crypto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define DISCARD_LIMIT (4 * (size_t)SRV_MAX_BODY)
#define CONNECTION_LIMIT 256u
#define IDLE_TIMEOUT_SECONDS 120u
#define CONNECTION_MEMORY (64u * 1024)
#define MIN_POOL_THREADS 2
#define MAX_POOL_THREADS 16

struct http_front {
    server *s;
    struct MHD_Daemon *daemon;
    struct sockaddr_storage addr;
    char address[INET6_ADDRSTRLEN + 16];
    char url[INET6_ADDRSTRLEN + 32];
    int port;
};

/* One request in flight. */
typedef struct request_ctx {
    char *raw_uri;
    buf body;
    size_t received;     /* body bytes seen, kept or not */
    int started;
    int too_large;
    int responded;
} request_ctx;

/* Headers collected from libmicrohttpd; strings point into its memory,
 * valid until the request completes. */
typedef struct header_list {
    srv_header *items;
    size_t count, cap;
    int failed;
} header_list;

/* ---- per-request context ---- */

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *connection)
{
    request_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx && !(ctx->raw_uri = strdup(uri ? uri : "/"))) {
        free(ctx);
        ctx = NULL;
    }
    return ctx;
}

static void on_request_done(void *cls, struct MHD_Connection *connection, void **con_cls,
                            enum MHD_RequestTerminationCode code)
{
    request_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    free(ctx->raw_uri);
    buf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
}

/* ---- building the srv_request ---- */

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    header_list *h = cls;
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 32;
        srv_header *items = realloc(h->items, cap * sizeof *items);
        if (!items) {
            h->failed = 1;
            return MHD_NO;
        }
        h->items = items;
        h->cap = cap;
    }
    h->items[h->count].name = (char *)key;
    h->items[h->count].value = (char *)(value ? value : "");
    h->count++;
    return MHD_YES;
}

/* Dotted-quad text of an IPv4 address into out (16 bytes). By hand because
 * inet_ntop formats through sprintf, a visible cost on every request. */
static void format_ipv4(const struct in_addr *addr, char *out)
{
    const unsigned char *b = (const unsigned char *)&addr->s_addr; /* network order */
    char *p = out;
    for (int i = 0; i < 4; i++) {
        if (i > 0)
            *p++ = '.';
        if (b[i] >= 100)
            *p++ = (char)('0' + b[i] / 100);
        if (b[i] >= 10)
            *p++ = (char)('0' + b[i] / 10 % 10);
        *p++ = (char)('0' + b[i] % 10);
    }
    *p = '\0';
}

/* The client's numeric address. getnameinfo also adds the "%zone" of a
 * scoped IPv6 address. */
static void remote_address(struct MHD_Connection *connection, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "unknown");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET && cap >= INET_ADDRSTRLEN) {
        format_ipv4(&((const struct sockaddr_in *)sa)->sin_addr, out);
        return;
    }
    if (sa->sa_family != AF_INET6 ||
        getnameinfo(sa, sizeof(struct sockaddr_in6), out, (socklen_t)cap, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(out, cap, "unknown");
}

/* ---- answering ---- */

static int add_headers(struct MHD_Response *r, const srv_response *resp, const char *request_id,
                       int close_connection)
{
    int ok = MHD_add_response_header(r, "x-amzn-RequestId", request_id) == MHD_YES;
    if (resp->content_type)
        ok = ok && MHD_add_response_header(r, "Content-Type", resp->content_type) == MHD_YES;
    for (size_t i = 0; i < resp->extra_count; i++)
        ok = ok && MHD_add_response_header(r, resp->extra[i].name, resp->extra[i].value) == MHD_YES;
    if (close_connection)
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
    return ok ? 0 : -1;
}

/* A file body (http.h): sent by libmicrohttpd straight from the file
 * (sendfile where it can), never read into memory; it closes the fd. */
static struct MHD_Response *file_response(srv_response *resp)
{
    int fd = resp->file.fd;
    resp->has_file = 0;
    if (resp->file.length == 0) {
        close(fd);
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    struct MHD_Response *r =
        MHD_create_response_from_fd_at_offset64(resp->file.length, fd, resp->file.offset);
    if (!r)
        close(fd);
    return r;
}

/* A body that holds secrets, zeroed once libmicrohttpd has sent it. */
typedef struct sensitive_body {
    char *data;
    size_t len;
} sensitive_body;

static void free_sensitive_body(void *cls)
{
    sensitive_body *b = cls;
    secure_zero(b->data, b->len);
    free(b->data);
    free(b);
}

static struct MHD_Response *sensitive_response(char *data, size_t len)
{
    sensitive_body *b = malloc(sizeof *b);
    struct MHD_Response *r =
        b ? MHD_create_response_from_buffer_with_free_callback_cls(len, data, free_sensitive_body,
                                                                   b)
          : NULL;
    if (!r) {
        free(b);
        return NULL;
    }
    *b = (sensitive_body){data, len};
    return r;
}

static enum MHD_Result send_response(struct MHD_Connection *connection, srv_response *resp,
                                     const char *request_id, int close_connection)
{
    size_t len = resp->body.len;
    char *data = len && !resp->has_file ? buf_detach(&resp->body) : NULL;
    struct MHD_Response *r =
        resp->has_file ? file_response(resp)
        : data && resp->sensitive ? sensitive_response(data, len)
        : data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
               : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (data && resp->sensitive)
            secure_zero(data, len);
        free(data);
        return MHD_NO;
    }
    enum MHD_Result rc = MHD_NO;
    if (add_headers(r, resp, request_id, close_connection) == 0)
        rc = MHD_queue_response(connection, (unsigned)(resp->status ? resp->status : 500), r);
    MHD_destroy_response(r);
    return rc;
}

/* Builds the srv_request, lets the router answer, and queues the answer. */
static enum MHD_Result dispatch(http_front *f, struct MHD_Connection *connection,
                                const char *method, request_ctx *ctx, int close_connection)
{
    header_list headers = {0};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &headers);
    if (headers.failed) {
        free(headers.items);
        return MHD_NO;
    }
    char *query = strchr(ctx->raw_uri, '?');
    if (query)
        *query++ = '\0';
    char remote[INET6_ADDRSTRLEN + 16];
    remote_address(connection, remote, sizeof remote);
    srv_request req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = ctx->raw_uri;
    req.query = query ? query : "";
    req.headers = headers.items;
    req.header_count = headers.count;
    req.body = ctx->too_large ? "" : buf_str(&ctx->body);
    req.body_len = ctx->too_large ? 0 : ctx->body.len;
    req.remote_addr = remote;
    if (uuid_v4(req.request_id) != 0)
        snprintf(req.request_id, sizeof req.request_id, "00000000-0000-4000-8000-000000000000");
    srv_response resp;
    memset(&resp, 0, sizeof resp);
    if (ctx->too_large)
        server_handle_oversized(f->s, &req, &resp);
    else
        server_handle(f->s, &req, &resp);
    ctx->responded = 1;
    enum MHD_Result rc = send_response(connection, &resp, req.request_id, close_connection);
    srv_response_free(&resp);
    free(headers.items);
    return rc;
}

/* Keeps body bytes up to SRV_MAX_BODY; beyond that, drops them all. */
static void take_body(request_ctx *ctx, const char *data, size_t n)
{
    ctx->received += n;
    if (ctx->too_large)
        return;
    if (ctx->received > SRV_MAX_BODY || buf_append(&ctx->body, data, n) != 0) {
        ctx->too_large = 1;
        buf_free(&ctx->body);
    }
}

/* On the first call: a declared length over the limit marks the request too
 * large; a client waiting for "100 Continue" gets the error right away. */
static int refuse_early(struct MHD_Connection *connection, request_ctx *ctx)
{
    const char *length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!length || strtoull(length, NULL, 10) <= SRV_MAX_BODY)
        return 0;
    ctx->too_large = 1;
    const char *expect =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    return expect && strcasecmp(expect, "100-continue") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    http_front *f = cls;
    request_ctx *ctx = *con_cls;
    if (!ctx)
        return MHD_NO;  /* out of memory when the request line arrived */
    if (!ctx->started) {
        ctx->started = 1;
        if (refuse_early(connection, ctx))
            return dispatch(f, connection, method, ctx, 1);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (ctx->responded)
            return MHD_YES;
        take_body(ctx, upload_data, n);
        if (ctx->received > DISCARD_LIMIT)
            return dispatch(f, connection, method, ctx, 1);
        return MHD_YES;
    }
    if (ctx->responded)
        return MHD_YES;
    return dispatch(f, connection, method, ctx, 0);
}

/* ---- starting and stopping ---- */

static int resolve_bind(http_front *f, const char *bind, int port, char *err, size_t cap)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(bind, NULL, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, cap, "cannot resolve bind address '%s': %s", bind, gai_strerror(rc));
        return -1;
    }
    memcpy(&f->addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (f->addr.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&f->addr)->sin6_port = htons((uint16_t)port);
    else if (f->addr.ss_family == AF_INET)
        ((struct sockaddr_in *)&f->addr)->sin_port = htons((uint16_t)port);
    else {
        snprintf(err, cap, "bind address '%s' is neither IPv4 nor IPv6", bind);
        return -1;
    }
    socklen_t len = f->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                   : sizeof(struct sockaddr_in);
    if (getnameinfo((struct sockaddr *)&f->addr, len, f->address, sizeof f->address, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(f->address, sizeof f->address, "%s", bind);
    return 0;
}

/* One polling thread per online CPU, within [MIN_POOL_THREADS, MAX_POOL_THREADS]. */
static unsigned pool_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < MIN_POOL_THREADS)
        return MIN_POOL_THREADS;
    return cpus > MAX_POOL_THREADS ? MAX_POOL_THREADS : (unsigned)cpus;
}

static struct MHD_Daemon *start_daemon(http_front *f)
{
    /* poll rather than epoll: libmicrohttpd 0.9.75's edge-triggered epoll
     * misses a client's FIN that arrives together with its last bytes
     * (a short read ends the read-ready state), leaving the connection
     * open until the idle timeout. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     (MHD_is_feature_supported(MHD_FEATURE_POLL) == MHD_YES ? MHD_USE_POLL
                                                                            : MHD_USE_AUTO);
    if (f->addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(
        flags, (uint16_t)f->port, NULL, NULL, on_request, f,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&f->addr,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, (void *)f,
        MHD_OPTION_NOTIFY_COMPLETED, on_request_done, (void *)f,
        MHD_OPTION_THREAD_POOL_SIZE, pool_threads(),
        MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_END);
}

http_front *http_front_start(server *s, char *err, size_t err_cap)
{
    int port = s->settings.port;
    if (port < 0 || port > 65535) {
        snprintf(err, err_cap, "port %d is out of range", port);
        return NULL;
    }
    http_front *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, err_cap, "out of memory");
        return NULL;
    }
    f->s = s;
    f->port = port;
    const char *bind = s->settings.bind ? s->settings.bind : "127.0.0.1";
    if (resolve_bind(f, bind, port, err, err_cap) != 0) {
        free(f);
        return NULL;
    }
    errno = 0;
    f->daemon = start_daemon(f);
    int start_errno = errno;
    const union MHD_DaemonInfo *info =
        f->daemon ? MHD_get_daemon_info(f->daemon, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || info->port == 0) {
        snprintf(err, err_cap, "cannot listen on %s port %d: %s", f->address, port,
                 start_errno ? strerror(start_errno) : "the HTTP server did not start");
        http_front_stop(f);
        return NULL;
    }
    f->port = info->port;
    int v6 = f->addr.ss_family == AF_INET6;
    snprintf(f->url, sizeof f->url, "http://%s%s%s:%d", v6 ? "[" : "", f->address, v6 ? "]" : "",
             f->port);
    return f;
}

int http_front_port(const http_front *f)
{
    return f->port;
}

const char *http_front_url(const http_front *f)
{
    return f->url;
}

int http_front_is_loopback(const http_front *f)
{
    if (f->addr.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&f->addr;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)&f->addr)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

void http_front_stop(http_front *f)
{
    if (!f)
        return;
    if (f->daemon)
        MHD_stop_daemon(f->daemon);
    free(f);
}

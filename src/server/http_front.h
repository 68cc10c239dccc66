/*
 * http_front.h: athena-local's HTTP front, the glue between libmicrohttpd
 * and the library-independent request/response of http.h.
 *
 * It listens on one address and port, keeps HTTP/1.1 connections alive
 * (served by a pool of one thread per CPU), hands every complete request
 * to the router (server_handle) with its raw path and query exactly as
 * received, its headers and its bounded body, and always answers with an
 * x-amzn-RequestId header.
 */
#ifndef ATHENA_SERVER_HTTP_FRONT_H
#define ATHENA_SERVER_HTTP_FRONT_H

#include "server.h"

#include <stddef.h>

typedef struct http_front http_front;

/* Starts serving s on s->settings.bind (a numeric address or a host name)
 * and s->settings.port (0: any free port). NULL on failure, with a message
 * in err. */
http_front *http_front_start(server *s, char *err, size_t err_cap);

/* The port actually bound. */
int http_front_port(const http_front *f);

/* "http://127.0.0.1:PORT" or "http://[::1]:PORT". */
const char *http_front_url(const http_front *f);

/* 1 if the bound address is a loopback address. */
int http_front_is_loopback(const http_front *f);

/* Stops accepting, closes every connection once its request is answered,
 * and frees f. NULL is fine. */
void http_front_stop(http_front *f);

/* Implemented by the router (router.c): answers a request whose body went
 * past SRV_MAX_BODY, in the AWS shape of its protocol. req->body is empty. */
void server_handle_oversized(server *s, srv_request *req, srv_response *resp);

#endif

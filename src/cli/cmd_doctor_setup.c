/*
 * cmd_doctor_setup.c: the doctor's setup checks: is there a usable
 * configuration (profile, region, credentials, settings), can each
 * service endpoint be resolved and reached (addresses, proxy, TLS
 * verification), and is the local clock close to the service's.
 */
#include "cmd_doctor.h"
#include "profile_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_MS 5000
#define CLOCK_WARN_SECONDS 60
#define CLOCK_FAIL_SECONDS 300 /* SigV4 signatures older than this are refused */

/* ---- configuration ---- */

static void doctor_log(void *user_data, athena_log_level level, const char *message)
{
    doctor *d = user_data;
    if (level == ATHENA_LOG_WARN)
        doctor_add(d, CHECK_WARN, "configuration warning", NULL, NULL, "%s", message);
    else
        fprintf(stderr, "athena: debug: %s\n", message);
}

static void fail_config(doctor *d, const char *name, const char *fix, const athena_error *err)
{
    doctor_add(d, CHECK_FAIL, name, NULL, fix, "%s", err->message);
    d->checks[d->count - 1].exit_code = EXIT_CONFIG;
}

static const char *key_id_of(const doctor *d)
{
    const char *source = athena_config_credential_source(d->config);
    if (source && strcmp(source, "environment") == 0)
        return getenv("AWS_ACCESS_KEY_ID");
    return athena_config_profile_value(d->config, "aws_access_key_id");
}

/* The credentials file holds secrets: it must not be readable by others. */
static void check_file_modes(doctor *d)
{
    char path[4096];
    struct stat st;
    if (profile_file_path(PROFILE_CREDENTIALS_FILE, path, sizeof path) != 0 ||
        stat(path, &st) != 0 || !(st.st_mode & 077))
        return;
    char fix[4200];
    snprintf(fix, sizeof fix, "chmod 600 %s", path);
    doctor_add(d, CHECK_WARN, "credentials file mode", NULL, fix,
               "%s has mode %03o: others on this machine may read the secret key", path,
               (unsigned)(st.st_mode & 0777));
}

static void describe_settings(doctor *d)
{
    const athena_config *c = d->config;
    const char *out = athena_config_output_location(c), *db = athena_config_database(c);
    const char *tables = athena_config_profile_value(c, "athena_tables");
    const char *key = key_id_of(d);
    doctor_add(d, CHECK_OK, "configuration", NULL, NULL,
               "profile %s, region %s, credentials from %s%s%s%s; workgroup %s, result "
               "location %s, database %s, tables %s",
               athena_config_profile(c), athena_config_region(c),
               athena_config_credential_source(c), key ? " (key id " : "", key ? key : "",
               key ? ")" : "",
               athena_config_workgroup(c) ? athena_config_workgroup(c) : "primary (default)",
               out ? out : "(the workgroup's)", db ? db : "(none)", tables ? tables : "(none)");
}

int doctor_check_config(doctor *d)
{
    const cli_options *o = d->opts;
    athena_config_options co = cli_config_options(o);
    co.log = doctor_log;
    co.log_user_data = d;
    co.max_attempts = 2; /* a diagnosis should answer quickly */
    co.connect_timeout_ms = 5000;
    athena_error err;
    if (athena_config_load(&co, &d->config, &err) != ATHENA_OK) {
        char scratch[512];
        fail_config(d, "configuration", cli_error_hint(&err, scratch, sizeof scratch), &err);
        return -1;
    }
    if (!athena_config_region(d->config)) {
        err.message[0] = '\0';
        snprintf(err.message, sizeof err.message, "no region configured");
        fail_config(d, "configuration",
                    "add 'region = ...' to the profile (athena connect NAME does), pass "
                    "--region, or set AWS_REGION", &err);
        return -1;
    }
    if (!athena_config_credential_source(d->config)) {
        snprintf(err.message, sizeof err.message, "no credentials found for profile %s",
                 athena_config_profile(d->config));
        fail_config(d, "configuration",
                    "run 'athena connect NAME' to save an access key, or set "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", &err);
        return -1;
    }
    describe_settings(d);
    check_file_modes(d);
    if (athena_client_create(d->config, &d->client, &err) != ATHENA_OK) {
        fail_config(d, "client", NULL, &err);
        return -1;
    }
    return 0;
}

/* ---- endpoints ---- */

typedef struct endpoint_parts {
    int https;
    char host[256];
    char port[8];
} endpoint_parts;

static int split_url(const char *url, endpoint_parts *p)
{
    const char *rest = strstr(url, "://");
    if (!rest)
        return -1;
    p->https = strncmp(url, "https", 5) == 0;
    rest += 3;
    const char *at = rest + strcspn(rest, "@/");
    if (*at == '@')
        rest = at + 1;
    size_t n = strcspn(rest, "/?#");
    const char *host = rest, *port = NULL;
    size_t hlen = n;
    if (host[0] == '[') { /* [v6]:port */
        const char *close = memchr(host, ']', n);
        if (!close)
            return -1;
        host++, hlen = (size_t)(close - host);
        port = close[1] == ':' ? close + 2 : NULL;
    } else {
        const char *colon = memchr(host, ':', n);
        if (colon)
            hlen = (size_t)(colon - host), port = colon + 1;
    }
    if (hlen == 0 || hlen >= sizeof p->host)
        return -1;
    snprintf(p->host, sizeof p->host, "%.*s", (int)hlen, host);
    size_t plen = port ? (size_t)(rest + n - port) : 0;
    if (plen >= sizeof p->port)
        return -1;
    snprintf(p->port, sizeof p->port, "%.*s", (int)plen, port ? port : "");
    if (!p->port[0])
        snprintf(p->port, sizeof p->port, "%s", p->https ? "443" : "80");
    return 0;
}

/* Whether NO_PROXY (curl's rules: '*', host names and domain suffixes,
 * addresses) exempts host. */
static int no_proxy_matches(const char *host)
{
    const char *list = getenv("no_proxy");
    if (!list || !list[0])
        list = getenv("NO_PROXY");
    if (!list)
        return 0;
    size_t hl = strlen(host);
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        const char *e = p;
        size_t en = n;
        if (en && e[0] == '.')
            e++, en--;
        if ((n == 1 && p[0] == '*') ||
            (en && en <= hl && strncasecmp(host + hl - en, e, en) == 0 &&
             (en == hl || host[hl - en - 1] == '.')))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* The proxy curl will use for the endpoint, or NULL. */
static const char *proxy_for(const endpoint_parts *p)
{
    const char *names[] = {p->https ? "https_proxy" : "http_proxy",
                           p->https ? "HTTPS_PROXY" : NULL, "all_proxy", "ALL_PROXY"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = names[i] ? getenv(names[i]) : NULL;
        if (v && v[0])
            return no_proxy_matches(p->host) ? NULL : v;
    }
    return NULL;
}

/* A proxy URL without any user:password@ part. */
static void redact_proxy(const char *url, char *out, size_t cap)
{
    const char *scheme_end = strstr(url, "://");
    const char *auth = scheme_end ? scheme_end + 3 : url;
    const char *at = strchr(auth, '@');
    if (at && at < auth + strcspn(auth, "/"))
        snprintf(out, cap, "%.*s***@%s", (int)(auth - url), url, at + 1);
    else
        snprintf(out, cap, "%s", url);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A TCP connection to one address within the timeout: 0, or errno. */
static int try_connect(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return errno;
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
    if (rc == EINPROGRESS) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        int ready = poll(&pfd, 1, CONNECT_TIMEOUT_MS);
        socklen_t len = sizeof rc;
        if (ready <= 0)
            rc = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &len) != 0)
            rc = errno;
    }
    close(fd);
    return rc;
}

/* Resolves host:port into addresses (text) and connects to the first
 * address that accepts. 0 when connected; else a message in problem. */
static int reach(const char *host, const char *port, char *addresses, size_t acap,
                 long long *elapsed_ms, char *problem, size_t pcap)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        snprintf(problem, pcap, "cannot resolve %s: %s", host, gai_strerror(gai));
        return -1;
    }
    addresses[0] = '\0';
    int err = ENOTCONN, shown = 0;
    long long start = now_ms();
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char text[64];
        if (shown < 4 && getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, NULL, 0,
                                     NI_NUMERICHOST) == 0 && !strstr(addresses, text)) {
            size_t used = strlen(addresses);
            snprintf(addresses + used, acap - used, "%s%s", shown++ ? ", " : "", text);
        }
        if (err != 0)
            err = try_connect(ai);
    }
    *elapsed_ms = now_ms() - start;
    freeaddrinfo(res);
    if (err != 0)
        snprintf(problem, pcap, "cannot connect to %s port %s: %s", host, port, strerror(err));
    return err ? -1 : 0;
}

/* Where the TLS certificates are checked against (as the client resolves it). */
static const char *ca_bundle_of(const doctor *d)
{
    if (d->opts->ca_bundle)
        return d->opts->ca_bundle;
    const char *env = getenv("AWS_CA_BUNDLE");
    return env && env[0] ? env : athena_config_profile_value(d->config, "ca_bundle");
}

/* Where the TCP connection goes: the proxy's host and port when one applies. */
static int connection_target(const endpoint_parts *p, const char *proxy, endpoint_parts *out)
{
    if (!proxy) {
        *out = *p;
        return 0;
    }
    char url[1024];
    snprintf(url, sizeof url, "%s%s", strstr(proxy, "://") ? "" : "http://", proxy);
    return split_url(url, out);
}

static int check_endpoint(doctor *d, const char *services, const char *url)
{
    char name[128], addresses[256] = "", problem[512] = "", proxy_text[512] = "none", tls[600];
    snprintf(name, sizeof name, "endpoint (%s)", services);
    endpoint_parts p, target;
    const char *proxy = NULL;
    if (split_url(url, &p) != 0 || connection_target(&p, (proxy = proxy_for(&p)), &target) != 0) {
        doctor_add(d, CHECK_FAIL, name, NULL,
                   "fix endpoint_url / --endpoint-url (or the proxy variables)",
                   "%s is not a valid URL", proxy ? proxy : url);
        return -1;
    }
    if (proxy)
        redact_proxy(proxy, proxy_text, sizeof proxy_text);
    const char *bundle = ca_bundle_of(d);
    if (p.https)
        snprintf(tls, sizeof tls, "TLS verification on (%s%s)", bundle ? "CA bundle " : "",
                 bundle ? bundle : "system certificate store");
    else
        snprintf(tls, sizeof tls, "plain HTTP, no TLS");
    long long ms = 0;
    if (reach(target.host, target.port, addresses, sizeof addresses, &ms, problem,
              sizeof problem) != 0) {
        doctor_add(d, CHECK_FAIL, name, NULL,
                   proxy ? "check the proxy (HTTPS_PROXY/HTTP_PROXY, NO_PROXY) and the network"
                         : "check endpoint_url / --endpoint-url, the region and the network "
                           "(and HTTPS_PROXY/NO_PROXY if a proxy is needed)",
                   "%s: %s%s%s; proxy %s", url, problem, addresses[0] ? " (addresses " : "",
                   addresses[0] ? addresses : "", proxy_text);
        d->checks[d->count - 1].exit_code = EXIT_SERVICE;
        return -1;
    }
    doctor_add(d, CHECK_OK, name, NULL, NULL, "%s: %s resolves to %s, connected in %lld ms%s; "
               "proxy %s; %s", url, target.host, addresses, ms, proxy ? " (to the proxy)" : "",
               proxy_text, tls);
    return 0;
}

int doctor_check_endpoints(doctor *d)
{
    int athena_reachable = 1;
    static const char *const names[ATHENA_SERVICE_COUNT] = {"athena", "glue", "s3", "sts"};
    int done[ATHENA_SERVICE_COUNT] = {0};
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++) {
        const char *url = athena_config_endpoint(d->config, (athena_service)i);
        if (done[i] || !url)
            continue;
        char services[64] = "";
        for (int j = i; j < ATHENA_SERVICE_COUNT; j++) {
            const char *other = athena_config_endpoint(d->config, (athena_service)j);
            if (other && strcmp(other, url) == 0) {
                done[j] = 1;
                size_t used = strlen(services);
                snprintf(services + used, sizeof services - used, "%s%s", used ? ", " : "",
                         names[j]);
            }
        }
        if (check_endpoint(d, services, url) != 0 && i == ATHENA_SERVICE_ATHENA)
            athena_reachable = 0;
    }
    return athena_reachable ? 0 : -1;
}

/* ---- clock ---- */

void doctor_check_clock(doctor *d)
{
    if (d->server_time <= 0) {
        doctor_add(d, CHECK_WARN, "clock skew", NULL, NULL,
                   "not measured: no response carried a Date header");
        return;
    }
    /* The Date header has whole seconds: a second of skew is noise. */
    double skew = d->local_time - d->server_time;
    double off = fabs(skew);
    const char *dir = skew > 0 ? "ahead of" : "behind";
    if (off < 2) {
        doctor_add(d, CHECK_OK, "clock skew", NULL, NULL,
                   "the local clock agrees with the service's Date header (within 2 s)");
        return;
    }
    check_result r = off > CLOCK_FAIL_SECONDS ? CHECK_FAIL
                     : off > CLOCK_WARN_SECONDS ? CHECK_WARN
                                                : CHECK_OK;
    doctor_add(d, r, "clock skew",
               NULL, r == CHECK_OK ? NULL : "synchronize the clock (e.g. enable NTP: "
                                            "timedatectl set-ntp true)",
               "the local clock is %.0f s %s the service's Date header%s", off, dir,
               r == CHECK_FAIL ? ": signed requests are refused (RequestTimeTooSkewed / "
                                 "Signature expired)"
                               : "");
}

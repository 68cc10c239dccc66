/*
 * main.c: the athena-local process. Parses the command line, prepares the
 * data dir and root credentials, opens the store, the engine and the query
 * executor, starts the HTTP front, announces the listening address, and on
 * SIGTERM or SIGINT shuts everything down in reverse order and exits 0.
 *
 * Signals are blocked before any thread starts (so every thread inherits
 * the mask) and taken synchronously with sigwait in the main thread: the
 * shutdown runs as ordinary code, not inside a signal handler.
 */
#include "crypto.h"
#include "engine.h"
#include "executor.h"
#include "http_front.h"
#include "iam_identity.h"
#include "root_credentials.h"
#include "server.h"
#include "store.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ATHENA_VERSION_STRING
#define ATHENA_VERSION_STRING "0.0.0"
#endif

#define EXIT_USAGE 2
#define QUEUE_CAPACITY 64
#define MAX_WORKERS 64
#define UNFINISHED_REASON \
    "Query was interrupted because athena-local stopped before it finished."

static const char USAGE[] =
    "usage: athena-local --data-dir DIR [options]\n"
    "\n"
    "A local Amazon Athena-compatible service on one loopback port.\n"
    "\n"
    "  --data-dir DIR     where state, tables and results live (created, mode 0700);\n"
    "                     default: $ATHENA_LOCAL_DATA_DIR\n"
    "  --port N           port to listen on; 0 picks a free one (default 0)\n"
    "  --bind ADDR        address to listen on (default 127.0.0.1)\n"
    "  --region REGION    the region clients sign for (default us-east-1)\n"
    "  --account-id ID    12-digit account id in ARNs (default 123456789012)\n"
    "  --workers N        query worker threads, 1-64 (default 4)\n"
    "  --help             show this help\n"
    "  --version          show the version\n"
    "\n"
    "Root credentials come from ATHENA_LOCAL_ACCESS_KEY_ID and\n"
    "ATHENA_LOCAL_SECRET_ACCESS_KEY, or are generated on first start and kept in\n"
    "DIR/root-credentials.\n";

typedef struct options {
    const char *data_dir;
    const char *bind;
    const char *region;
    const char *account_id;
    int port;
    int workers;
} options;

/* ---- command line ---- */

static int usage_error(const char *fmt, const char *arg)
{
    fputs("athena-local: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(run athena-local --help for usage)\n", stderr);
    return EXIT_USAGE;
}

static int parse_int(const char *s, long min, long max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static int valid_region(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int valid_account_id(const char *s)
{
    size_t n = strlen(s);
    return n == 12 && strspn(s, "0123456789") == 12;
}

/* Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, options *o)
{
    enum { OPT_DATA_DIR = 256, OPT_PORT, OPT_BIND, OPT_REGION, OPT_ACCOUNT, OPT_WORKERS,
           OPT_VERSION };
    static const struct option longs[] = {
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"port", required_argument, NULL, OPT_PORT},
        {"bind", required_argument, NULL, OPT_BIND},
        {"region", required_argument, NULL, OPT_REGION},
        {"account-id", required_argument, NULL, OPT_ACCOUNT},
        {"workers", required_argument, NULL, OPT_WORKERS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    *o = (options){getenv("ATHENA_LOCAL_DATA_DIR"), "127.0.0.1", "us-east-1", "123456789012", 0, 4};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        switch (c) {
        case OPT_DATA_DIR: o->data_dir = optarg; break;
        case OPT_BIND: o->bind = optarg; break;
        case OPT_REGION: o->region = optarg; break;
        case OPT_ACCOUNT: o->account_id = optarg; break;
        case OPT_PORT:
            if (parse_int(optarg, 0, 65535, &o->port) != 0)
                return usage_error("--port needs a number from 0 to 65535, not '%s'", optarg);
            break;
        case OPT_WORKERS:
            if (parse_int(optarg, 1, MAX_WORKERS, &o->workers) != 0)
                return usage_error("--workers needs a number from 1 to 64, not '%s'", optarg);
            break;
        case 'h': fputs(USAGE, stdout); return 0;
        case OPT_VERSION: printf("athena-local %s\n", ATHENA_VERSION_STRING); return 0;
        case ':': return usage_error("option %s needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!o->data_dir || !*o->data_dir)
        return usage_error("%s", "--data-dir DIR is required (or set ATHENA_LOCAL_DATA_DIR)");
    if (!valid_region(o->region))
        return usage_error("--region must be like us-east-1, not '%s'", o->region);
    if (!valid_account_id(o->account_id))
        return usage_error("--account-id must be 12 digits, not '%s'", o->account_id);
    if (!*o->bind)
        return usage_error("%s", "--bind needs an address");
    return -1;
}

/* ---- data dir ---- */

/* mkdir -p, creating missing directories with mode 0700. */
static int make_dirs(const char *path)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(tmp, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int prepare_data_dir(const char *dir, server *s, char abs_dir[PATH_MAX])
{
    if (make_dirs(dir) != 0 || !realpath(dir, abs_dir)) {
        fprintf(stderr, "athena-local: cannot create data dir %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int n = snprintf(s->s3_root, sizeof s->s3_root, "%s/s3", abs_dir);
    if (n < 0 || (size_t)n >= sizeof s->s3_root || make_dirs(s->s3_root) != 0) {
        fprintf(stderr, "athena-local: cannot create %s/s3: %s\n", abs_dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(abs_dir, &st) == 0 && (st.st_mode & 077))
        fprintf(stderr,
                "athena-local: warning: data dir %s is accessible by other users (mode %04o); "
                "run: chmod 700 %s\n",
                abs_dir, (unsigned)(st.st_mode & 07777), abs_dir);
    return 0;
}

/* ---- services ---- */

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int open_services(server *s, int workers)
{
    char err[1024] = "";
    s->store = store_open(s->settings.data_dir, err, sizeof err);
    if (!s->store) {
        fprintf(stderr, "athena-local: cannot open the metadata store: %s\n", err);
        return -1;
    }
    if (store_fail_unfinished(s->store, UNFINISHED_REASON) < 0) {
        fprintf(stderr, "athena-local: cannot update unfinished queries: %s\n",
                store_errmsg(s->store));
        return -1;
    }
    s->engine = engine_open(s->s3_root, cpu_count(), err, sizeof err);
    if (!s->engine) {
        fprintf(stderr, "athena-local: cannot start the SQL engine: %s\n", err);
        return -1;
    }
    s->executor = executor_start(s, workers, QUEUE_CAPACITY);
    if (!s->executor) {
        fprintf(stderr, "athena-local: cannot start the query workers\n");
        return -1;
    }
    return 0;
}

static void close_services(server *s)
{
    if (s->executor)
        executor_stop(s->executor);
    if (s->engine)
        engine_close(s->engine);
    iam_identity_close(s);
    if (s->store)
        store_close(s->store);
    s->executor = NULL;
    s->engine = NULL;
    s->store = NULL;
}

/* ---- announcing ---- */

static void print_generated(const server *s, const http_front *f)
{
    fprintf(stderr,
            "athena-local: generated root credentials, kept in %s/%s.\n"
            "athena-local: they are printed only this once; to use them:\n"
            "export AWS_ACCESS_KEY_ID=%s\n"
            "export AWS_SECRET_ACCESS_KEY=%s\n"
            "export AWS_REGION=%s\n"
            "export AWS_ENDPOINT_URL=%s\n",
            s->settings.data_dir, ROOT_CREDENTIALS_FILE, s->root_access_key_id, s->root_secret,
            s->settings.region, http_front_url(f));
}

static int wait_for_stop_signal(const sigset_t *stop)
{
    int sig = 0;
    while (sigwait(stop, &sig) != 0)
        ;
    return sig;
}

static int load_credentials(server *s)
{
    root_credentials rc;
    char err[1024] = "";
    if (root_credentials_load(s->settings.data_dir, &rc, err, sizeof err) != 0) {
        fprintf(stderr, "athena-local: %s\n", err);
        return -1;
    }
    if (rc.warning[0])
        fprintf(stderr, "athena-local: warning: %s\n", rc.warning);
    memcpy(s->root_access_key_id, rc.access_key_id, sizeof s->root_access_key_id);
    memcpy(s->root_secret, rc.secret, sizeof s->root_secret);
    root_credentials_clear(&rc);
    return rc.generated;
}

static int serve(server *s, const sigset_t *stop, int generated)
{
    char err[1024] = "";
    http_front *f = http_front_start(s, err, sizeof err);
    if (!f) {
        fprintf(stderr, "athena-local: %s\n", err);
        return 1;
    }
    if (!http_front_is_loopback(f))
        fprintf(stderr,
                "athena-local: warning: listening on %s, which is not a loopback address: "
                "other machines may reach this service.\n",
                s->settings.bind);
    if (generated)
        print_generated(s, f);
    /* The last startup line: tests and scripts wait for it. */
    fprintf(stderr, "athena-local listening on %s\n", http_front_url(f));
    fflush(stderr);
    wait_for_stop_signal(stop);
    http_front_stop(f);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    static server s;
    char data_dir[PATH_MAX];
    s.settings = (server_settings){NULL, o.bind, o.port, o.region, o.account_id, o.workers};
    if (prepare_data_dir(o.data_dir, &s, data_dir) != 0)
        return 1;
    s.settings.data_dir = data_dir;
    int generated = load_credentials(&s);
    rc = 1;
    if (generated >= 0 && open_services(&s, o.workers) == 0)
        rc = serve(&s, &stop, generated);
    close_services(&s);
    secure_zero(s.root_secret, sizeof s.root_secret);
    return rc;
}

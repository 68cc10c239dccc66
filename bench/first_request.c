/*
 * first_request.c: benchmark helper measuring athena-local's cold start.
 *
 * For each run it makes a fresh, empty data dir, forks and execs
 * athena-local on it with --port 0, and measures from just before fork to
 *   1. the "athena-local listening on http://HOST:PORT" line on its stderr;
 *   2. the first byte of the status line of an HTTP response to a plain,
 *      unsigned GET / (the 4xx it gets is still an answered request: the
 *      request went through the HTTP front, the router and authentication).
 * Then it stops the server with SIGTERM, waits for it and removes the dir.
 *
 *   usage: first_request ATHENA_LOCAL RUNS
 *
 * Prints one line of key=value pairs (milliseconds, medians over RUNS plus
 * min and max) for bench/run.sh to parse. The root keys come from the
 * environment (ATHENA_LOCAL_ACCESS_KEY_ID / _SECRET_ACCESS_KEY), so the
 * server does not generate and print any. A plain socket client is used on
 * purpose: libcurl's own start-up would be measured too.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000
#define STARTUP_TIMEOUT_MS 10000
#define LISTEN_PREFIX "athena-local listening on http://"

typedef struct run_times {
    double listening_ms;
    double first_response_ms;
    int status;
} run_times;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads the child's stderr until the listening line; fills host and port.
 * Keeps everything read in log (for an error message). */
static int wait_for_listening(int fd, char *log, size_t log_cap, char *host, size_t host_cap,
                              int *port)
{
    size_t used = 0;
    double deadline = now_ms() + STARTUP_TIMEOUT_MS;
    for (;;) {
        log[used] = '\0';
        char *line = strstr(log, LISTEN_PREFIX);
        if (line && strchr(line, '\n')) {
            const char *hp = line + strlen(LISTEN_PREFIX);
            const char *colon = strrchr(hp, ':');
            size_t n = colon ? (size_t)(colon - hp) : 0;
            if (!colon || n == 0 || n >= host_cap)
                return -1;
            memcpy(host, hp, n);
            host[n] = '\0';
            *port = atoi(colon + 1);
            return *port > 0 ? 0 : -1;
        }
        int left = (int)(deadline - now_ms());
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0 || used + 1 >= log_cap)
            return -1;
        ssize_t got = read(fd, log + used, log_cap - used - 1);
        if (got <= 0)
            return -1;
        used += (size_t)got;
    }
}

/* Sends an unsigned GET / and returns the HTTP status, or -1. Returns as
 * soon as the status line is in. */
static int first_response(const char *host, int port)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return -1;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return -1;
    char req[256], resp[512];
    int n = snprintf(req, sizeof req,
                     "GET / HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n", host, port);
    int status = -1;
    size_t used = 0;
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0 && send(s, req, (size_t)n, 0) == n) {
        for (;;) {
            ssize_t got = recv(s, resp + used, sizeof resp - used - 1, 0);
            if (got <= 0)
                break;
            used += (size_t)got;
            resp[used] = '\0';
            if (strstr(resp, "\r\n")) {
                if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
                    status = -1;
                break;
            }
            if (used + 1 >= sizeof resp)
                break;
        }
    }
    close(s);
    return status;
}

static pid_t spawn_server(const char *bin, const char *data_dir, int err_fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    char *const args[] = {(char *)"athena-local", (char *)"--data-dir", (char *)data_dir,
                          (char *)"--port", (char *)"0", NULL};
    execv(bin, args);
    _exit(127);
}

static void stop_server(pid_t pid)
{
    kill(pid, SIGTERM);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

static int one_run(const char *bin, run_times *t)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096], data_dir[4200], log[8192], host[64];
    snprintf(dir, sizeof dir, "%s/athena-cold.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("first_request: mkdtemp");
        return -1;
    }
    snprintf(data_dir, sizeof data_dir, "%s/data", dir); /* absent: the server creates it */
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("first_request: pipe");
        remove_tree(dir);
        return -1;
    }
    double t0 = now_ms();
    pid_t pid = spawn_server(bin, data_dir, fds[1]);
    close(fds[1]);
    int port = 0, rc = -1;
    if (pid < 0) {
        perror("first_request: fork");
    } else if (wait_for_listening(fds[0], log, sizeof log, host, sizeof host, &port) != 0) {
        fprintf(stderr, "first_request: athena-local did not announce its port:\n%s\n", log);
    } else {
        t->listening_ms = now_ms() - t0;
        t->status = first_response(host, port);
        t->first_response_ms = now_ms() - t0;
        if (t->status < 0)
            fprintf(stderr, "first_request: no HTTP response from %s:%d\n", host, port);
        else
            rc = 0;
    }
    if (pid > 0)
        stop_server(pid);
    close(fds[0]);
    remove_tree(dir);
    return rc;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int runs = argc == 3 ? atoi(argv[2]) : 0;
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: first_request ATHENA_LOCAL RUNS (1-%d)\n", MAX_RUNS);
        return 2;
    }
    if (access(argv[1], X_OK) != 0) {
        fprintf(stderr, "first_request: %s is not executable\n", argv[1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static double listening[MAX_RUNS], answered[MAX_RUNS];
    int status = 0;
    for (int i = 0; i < runs; i++) {
        run_times t;
        if (one_run(argv[1], &t) != 0)
            return 1;
        listening[i] = t.listening_ms;
        answered[i] = t.first_response_ms;
        status = t.status;
    }
    double l_med = median(listening, runs), a_med = median(answered, runs);
    printf("runs=%d listening_ms=%.2f listening_min_ms=%.2f listening_max_ms=%.2f "
           "first_response_ms=%.2f first_response_min_ms=%.2f first_response_max_ms=%.2f "
           "status=%d\n",
           runs, l_med, listening[0], listening[runs - 1], a_med, answered[0],
           answered[runs - 1], status);
    return 0;
}

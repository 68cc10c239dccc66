/*
 * progress.c: the one-line progress display while a query runs (state,
 * elapsed time, data scanned, cost at $5 per TB), drawn on stderr only when
 * it is a terminal; and the Ctrl-C flag.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PRICE_PER_TB_USD 5.0
#define BYTES_PER_TB 1e12

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
    cli_interrupted = 1;
    /* A second Ctrl-C ends the process at once. */
    signal(sig, SIG_DFL);
}

void cli_install_interrupt_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a sleeping poll wakes up at once */
    sigaction(SIGINT, &sa, NULL);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void format_bytes(int64_t bytes, char *out, size_t cap)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    double v = bytes < 0 ? 0 : (double)bytes;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1000;
        u++;
    }
    if (u == 0)
        snprintf(out, cap, "%lld B", (long long)(bytes < 0 ? 0 : bytes));
    else
        snprintf(out, cap, "%.1f %s", v, units[u]);
}

void progress_start(cli_progress *p)
{
    p->enabled = isatty(STDERR_FILENO);
    p->started_ms = now_ms();
    p->drawn = 0;
}

void progress_update(cli_progress *p, const athena_query_execution *qe)
{
    if (!p->enabled)
        return;
    char scanned[32];
    int64_t bytes = qe->data_scanned_bytes > 0 ? qe->data_scanned_bytes : 0;
    format_bytes(bytes, scanned, sizeof scanned);
    double seconds = (double)(now_ms() - p->started_ms) / 1000.0;
    fprintf(stderr, "\r\033[K%-9s %6.1fs  scanned %s  ~$%.4f", athena_state_name(qe->state),
            seconds, scanned, (double)bytes / BYTES_PER_TB * PRICE_PER_TB_USD);
    fflush(stderr);
    p->drawn = 1;
}

void progress_finish(cli_progress *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = 0;
}

/*
 * results_s3_parser.c: the parser thread of the fast result path
 * (results_s3.h). It fills batches of parsed rows (s3_rows_fill) a few
 * ahead of the application's thread, which then only hands out pointers:
 * parsing the CSV and using the rows (printing them, say) run on two cores.
 *
 * Three batches circulate: one being filled, one being read, one ready in
 * between, so memory stays at three batches whatever the result size. The
 * parser's end (DONE or an error) is reported after every batch filled
 * before it, so rows come out in order, each once.
 */
#include "results_s3.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#define PARSER_BATCHES 3

struct s3_parser {
    s3_rows *rows;
    void (*cancel)(void *);
    void *cancel_user_data;
    pthread_t thread;
    int started;

    pthread_mutex_t mu;
    pthread_cond_t filled;      /* the reader waits here */
    pthread_cond_t emptied;     /* the parser waits here */
    s3_batch *empty[PARSER_BATCHES];
    size_t empty_count;
    s3_batch *full[PARSER_BATCHES]; /* a FIFO: full_first, then the next full_count - 1 */
    size_t full_first, full_count;
    int finished;               /* the parser stopped: status says why */
    athena_status status;
    athena_error error;
    int stop;

    s3_batch *current;          /* the reader's batch */
    size_t next_row;
};

static void *parser_main(void *arg)
{
    s3_parser *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->empty_count == 0)
            pthread_cond_wait(&p->emptied, &p->mu);
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        s3_batch *b = p->empty[--p->empty_count];
        pthread_mutex_unlock(&p->mu);

        athena_error err;
        error_clear(&err);
        athena_status st = s3_rows_fill(p->rows, b, &err);

        pthread_mutex_lock(&p->mu);
        if (st == ATHENA_OK) {
            p->full[(p->full_first + p->full_count++) % PARSER_BATCHES] = b;
        } else {
            p->empty[p->empty_count++] = b;
            p->finished = 1;
            p->status = st;
            p->error = err;
        }
        pthread_cond_signal(&p->filled);
        pthread_mutex_unlock(&p->mu);
        if (st != ATHENA_OK)
            return NULL;
    }
}

void s3_parser_free(void *user_data)
{
    s3_parser *p = user_data;
    if (!p)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->emptied);
        pthread_mutex_unlock(&p->mu);
        if (p->cancel)
            p->cancel(p->cancel_user_data); /* wakes a parser waiting for bytes */
        pthread_join(p->thread, NULL);
    }
    for (size_t i = 0; i < p->empty_count; i++)
        s3_batch_free(p->empty[i]);
    for (size_t i = 0; i < p->full_count; i++)
        s3_batch_free(p->full[(p->full_first + i) % PARSER_BATCHES]);
    s3_batch_free(p->current);
    s3_rows_free(p->rows);
    pthread_cond_destroy(&p->filled);
    pthread_cond_destroy(&p->emptied);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

s3_parser *s3_parser_start(s3_rows *rows, size_t ncols, void (*cancel)(void *),
                           void *cancel_user_data, athena_error *err)
{
    s3_parser *p = calloc(1, sizeof *p);
    if (!p) {
        s3_rows_free(rows);
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        return NULL;
    }
    p->rows = rows;
    p->cancel = cancel;
    p->cancel_user_data = cancel_user_data;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->filled, NULL);
    pthread_cond_init(&p->emptied, NULL);
    for (; p->empty_count < PARSER_BATCHES; p->empty_count++)
        if (!(p->empty[p->empty_count] = s3_batch_new(ncols))) {
            s3_parser_free(p);
            error_set(err, ATHENA_E_NOMEM, "out of memory");
            return NULL;
        }
    /* Signals (Ctrl-C) belong to the application's own threads. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    p->started = pthread_create(&p->thread, NULL, parser_main, p) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!p->started) {
        s3_parser_free(p);
        error_set(err, ATHENA_E_NOMEM, "cannot start the parser thread");
        return NULL;
    }
    return p;
}

athena_status s3_parser_next(void *user_data, const char *const **values,
                             const size_t **lengths, athena_error *err)
{
    s3_parser *p = user_data;
    if (p->current && p->next_row < s3_batch_rows(p->current)) {
        s3_batch_row(p->current, p->next_row++, values, lengths);
        return ATHENA_OK;
    }
    pthread_mutex_lock(&p->mu);
    if (p->current) {
        p->empty[p->empty_count++] = p->current;
        p->current = NULL;
        pthread_cond_signal(&p->emptied);
    }
    while (p->full_count == 0 && !p->finished)
        pthread_cond_wait(&p->filled, &p->mu);
    if (p->full_count == 0) {
        athena_status st = p->status;
        error_copy(err, &p->error);
        pthread_mutex_unlock(&p->mu);
        return st;
    }
    p->current = p->full[p->full_first];
    p->full_first = (p->full_first + 1) % PARSER_BATCHES;
    p->full_count--;
    pthread_mutex_unlock(&p->mu);
    p->next_row = 1;
    s3_batch_row(p->current, 0, values, lengths);
    return ATHENA_OK;
}

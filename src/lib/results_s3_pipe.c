/*
 * results_s3_pipe.c: the byte pipeline of the fast result path
 * (results_s3.h): a few fetch threads read a file from S3 in ranged GETs
 * while one reader takes its bytes strictly in file order.
 *
 * The file is cut into chunks of chunk_bytes; lane i (a thread with its own
 * transport, hence its own connection) fetches chunks i, i + N, i + 2N, ...
 * into its own queue of fixed-size segments, so each lane's queue holds its
 * chunks in order and the reader finds chunk k at the front of lane k % N.
 *
 * Memory: segments come from one pool capped at buffer_bytes, recycled
 * (never freed) as the reader finishes them, so the peak is the cap however
 * large the file. The chunk the reader is in (the head) may always take a
 * segment; other chunks leave a reserve for it. A segment holds bytes of one
 * chunk only, so segments holding chunks after the head never exceed the
 * pool less the reserve, and the head always finds room: the pipeline
 * cannot deadlock, and the look-ahead lanes run only as far as memory
 * allows. A lane that finds no room waits inside its
 * transfer for a while (TCP then slows the sender); if the reader stays
 * stalled it pauses: it ends the request and asks for the rest once there is
 * room again (s3_get_range), rather than holding an idle connection until
 * it times out.
 */
#include "results_s3.h"

#include "s3_object.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEGMENT_BYTES ((size_t)256 << 10) /* or the chunk size, if smaller */
#define MAX_PAUSE_WAIT_MS 10000L /* how long a lane waits for room inside a transfer */

/* A buffer in a lane's queue. Each holds bytes of one chunk only: when its
 * chunk is complete it is sealed, so it can be recycled once read. */
typedef struct segment {
    struct segment *next;
    size_t len;  /* bytes written */
    int sealed;  /* no more bytes will be written */
    char data[];
} segment;

typedef struct lane {
    struct s3_pipe *pipe;
    size_t index;
    pthread_t thread;
    int started;
    transport *transport;
    segment *first, *last;    /* the queue: read at first, written at last */
    size_t read_pos;          /* bytes of first already read */
    uint64_t chunk;           /* the chunk being fetched */
    int out_of_memory;        /* a segment could not be allocated */
    athena_status status;     /* the fetch's failure, ATHENA_OK while none */
    athena_error error;
} lane;

struct s3_pipe {
    char *bucket, *key, *etag;
    uint64_t size;
    uint64_t chunk_bytes;
    uint64_t chunk_count;
    size_t lane_count;
    lane *lanes;
    long pause_wait_ms;

    pthread_mutex_t mu;
    pthread_cond_t data_ready;  /* the reader waits here */
    pthread_cond_t room_ready;  /* lanes wait here */
    int reader_waiting;
    int lanes_waiting;
    int stop;

    segment *free_segments;
    size_t segment_bytes;
    size_t segments_in_use, segments_max, head_reserve, peak_segments;

    uint64_t head;              /* the chunk the reader is in */
    uint64_t head_read;         /* bytes of it already read */
    size_t span;                /* bytes handed out by the last s3_pipe_read */
};

static uint64_t chunk_length(const s3_pipe *p, uint64_t k)
{
    uint64_t start = k * p->chunk_bytes;
    return p->size - start < p->chunk_bytes ? p->size - start : p->chunk_bytes;
}

/* ---- the lanes (fetch threads) ---- */

static int may_take_segment(const s3_pipe *p, const lane *l)
{
    size_t limit = l->chunk == p->head ? p->segments_max : p->segments_max - p->head_reserve;
    return p->segments_in_use < limit;
}

static void deadline_after(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* A fresh segment at the end of the lane's queue, waiting up to
 * pause_wait_ms for room. Called with the lock held. NULL if there is none
 * in time (*stop set when the pipe is stopping) or out of memory. */
static segment *append_segment(s3_pipe *p, lane *l, int *stop)
{
    struct timespec deadline;
    deadline_after(&deadline, p->pause_wait_ms);
    while (!p->stop && !may_take_segment(p, l)) {
        p->lanes_waiting++;
        int rc = pthread_cond_timedwait(&p->room_ready, &p->mu, &deadline);
        p->lanes_waiting--;
        if (rc == ETIMEDOUT && !may_take_segment(p, l))
            return NULL;
    }
    if (p->stop) {
        *stop = 1;
        return NULL;
    }
    segment *s = p->free_segments;
    if (s)
        p->free_segments = s->next;
    else if (!(s = malloc(sizeof *s + p->segment_bytes))) {
        l->out_of_memory = 1;
        *stop = 1;
        return NULL;
    }
    s->next = NULL;
    s->len = 0;
    s->sealed = 0;
    if (l->last)
        l->last->next = s;
    else
        l->first = s;
    l->last = s;
    if (++p->segments_in_use > p->peak_segments)
        p->peak_segments = p->segments_in_use;
    return s;
}

/* The s3_range_sink write: copies into the lane's queue. The copy itself
 * runs unlocked: only this lane writes past its last segment's len, and the
 * reader reads only below it. */
static size_t lane_write(void *user_data, const char *data, size_t len, int *stop)
{
    lane *l = user_data;
    s3_pipe *p = l->pipe;
    size_t done = 0;
    pthread_mutex_lock(&p->mu);
    while (done < len) {
        segment *s = l->last;
        if (!s || s->sealed || s->len == p->segment_bytes)
            s = append_segment(p, l, stop);
        if (!s)
            break;
        size_t at = s->len;
        size_t room = p->segment_bytes - at;
        size_t n = len - done < room ? len - done : room;
        pthread_mutex_unlock(&p->mu);
        memcpy(s->data + at, data + done, n);
        pthread_mutex_lock(&p->mu);
        s->len = at + n;
        done += n;
        if (p->reader_waiting)
            pthread_cond_signal(&p->data_ready);
    }
    if (done < len && !*stop && p->stop)
        *stop = 1;
    pthread_mutex_unlock(&p->mu);
    return done;
}

/* Returns the lane's first segment to the pool if the reader is done with
 * it: read to the end, and nothing more will be written to it. Called with
 * the lock held; 1 if a segment was recycled. */
static int recycle_read_segment(s3_pipe *p, lane *l)
{
    segment *s = l->first;
    if (!s || l->read_pos < s->len || !(s->sealed || s->len == p->segment_bytes))
        return 0;
    l->first = s->next;
    if (!l->first)
        l->last = NULL;
    l->read_pos = 0;
    s->next = p->free_segments;
    p->free_segments = s;
    p->segments_in_use--;
    if (p->lanes_waiting)
        pthread_cond_broadcast(&p->room_ready);
    return 1;
}

/* A chunk is complete: its last segment takes no more bytes. */
static void seal_chunk(s3_pipe *p, lane *l)
{
    pthread_mutex_lock(&p->mu);
    if (l->last) {
        l->last->sealed = 1;
        recycle_read_segment(p, l);
    }
    pthread_mutex_unlock(&p->mu);
}

/* The s3_range_sink ready: waits until this lane's chunk may take memory. */
static int lane_ready(void *user_data)
{
    lane *l = user_data;
    s3_pipe *p = l->pipe;
    pthread_mutex_lock(&p->mu);
    while (!p->stop && !may_take_segment(p, l)) {
        p->lanes_waiting++;
        pthread_cond_wait(&p->room_ready, &p->mu);
        p->lanes_waiting--;
    }
    int stop = p->stop;
    pthread_mutex_unlock(&p->mu);
    return stop;
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    s3_pipe *p = l->pipe;
    s3_range_sink sink = {lane_write, lane_ready, l};
    for (uint64_t k = l->index; k < p->chunk_count; k += p->lane_count) {
        pthread_mutex_lock(&p->mu);
        l->chunk = k;
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        uint64_t first = k * p->chunk_bytes;
        athena_error err;
        error_clear(&err);
        athena_status st = s3_get_range(l->transport, p->bucket, p->key, p->etag, first,
                                        first + chunk_length(p, k) - 1, S3_RANGE_MAX_RESUMES,
                                        &sink, &err);
        if (st == ATHENA_OK) {
            seal_chunk(p, l);
        } else {
            pthread_mutex_lock(&p->mu);
            if (l->out_of_memory)
                st = error_set(&err, ATHENA_E_NOMEM, "out of memory buffering the result file");
            l->status = st;
            l->error = err;
            pthread_cond_signal(&p->data_ready);
            pthread_mutex_unlock(&p->mu);
            break;
        }
    }
    return NULL;
}

/* ---- set-up and tear-down ---- */

void s3_pipe_cancel(s3_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->room_ready);
    pthread_cond_broadcast(&p->data_ready);
    pthread_mutex_unlock(&p->mu);
}

static void stop_lanes(s3_pipe *p)
{
    s3_pipe_cancel(p);
    for (size_t i = 0; i < p->lane_count; i++)
        if (p->lanes[i].started)
            pthread_join(p->lanes[i].thread, NULL);
}

static void free_segment_list(segment *s)
{
    while (s) {
        segment *next = s->next;
        free(s);
        s = next;
    }
}

void s3_pipe_free(s3_pipe *p)
{
    if (!p)
        return;
    stop_lanes(p);
    for (size_t i = 0; i < p->lane_count; i++) {
        transport_free(p->lanes[i].transport);
        free_segment_list(p->lanes[i].first);
    }
    free_segment_list(p->free_segments);
    pthread_cond_destroy(&p->data_ready);
    pthread_cond_destroy(&p->room_ready);
    pthread_mutex_destroy(&p->mu);
    free(p->lanes);
    free(p->bucket);
    free(p->key);
    free(p->etag);
    free(p);
}

/* Sizes the pool: at least four segments, a quarter of them (at most 8)
 * reserved for the head. */
static void size_pool(s3_pipe *p, size_t buffer_bytes)
{
    p->segment_bytes = p->chunk_bytes < SEGMENT_BYTES ? (size_t)p->chunk_bytes : SEGMENT_BYTES;
    size_t segments = buffer_bytes / p->segment_bytes;
    if (segments < 4)
        segments = 4;
    p->segments_max = segments;
    p->head_reserve = segments / 4 > 8 ? 8 : segments / 4;
}

/* Starts the lanes with every signal blocked: signals (Ctrl-C) belong to
 * the application's own threads. */
static athena_status start_lanes(s3_pipe *p, const athena_config *config, athena_error *err)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    athena_status st = ATHENA_OK;
    for (size_t i = 0; i < p->lane_count && st == ATHENA_OK; i++) {
        lane *l = &p->lanes[i];
        l->pipe = p;
        l->index = i;
        l->chunk = i;
        if (!(l->transport = transport_new(config, err)))
            st = err->status;
        else if (pthread_create(&l->thread, NULL, lane_main, l) != 0)
            st = error_set(err, ATHENA_E_NOMEM, "cannot start a fetch thread");
        else
            l->started = 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

s3_pipe *s3_pipe_start(const s3_pipe_params *params, athena_error *err)
{
    s3_pipe *p = calloc(1, sizeof *p);
    if (!p) {
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->data_ready, NULL);
    pthread_cond_init(&p->room_ready, NULL);
    p->size = params->size;
    p->chunk_bytes = params->chunk_bytes ? params->chunk_bytes : RESULTS_S3_DEFAULT_CHUNK;
    p->chunk_count = (p->size + p->chunk_bytes - 1) / p->chunk_bytes;
    p->lane_count = params->parallelism ? params->parallelism : 1;
    if (p->chunk_count && p->lane_count > p->chunk_count)
        p->lane_count = (size_t)p->chunk_count;
    long timeout = config_request_timeout_ms(params->config);
    p->pause_wait_ms = params->pause_after_ms > 0 ? params->pause_after_ms
                       : timeout > 0 && timeout / 2 < MAX_PAUSE_WAIT_MS ? timeout / 2
                                                                        : MAX_PAUSE_WAIT_MS;
    size_pool(p, params->buffer_bytes);
    p->bucket = strdup(params->bucket);
    p->key = strdup(params->key);
    p->etag = strdup(params->etag ? params->etag : "");
    p->lanes = calloc(p->lane_count, sizeof *p->lanes);
    if (!p->bucket || !p->key || !p->etag || !p->lanes) {
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        s3_pipe_free(p);
        return NULL;
    }
    if (p->chunk_count && start_lanes(p, params->config, err) != ATHENA_OK) {
        s3_pipe_free(p);
        return NULL;
    }
    return p;
}

/* ---- the reader ---- */

/* Gives back the span handed out last: advances through the head lane's
 * queue, recycling full segments, and moves to the next chunk at the end
 * of this one. Called with the lock held. */
static void release_span(s3_pipe *p)
{
    if (!p->span)
        return;
    lane *l = &p->lanes[p->head % p->lane_count];
    l->read_pos += p->span;
    p->head_read += p->span;
    p->span = 0;
    recycle_read_segment(p, l);
    if (p->head_read == chunk_length(p, p->head)) {
        p->head++;
        p->head_read = 0;
        /* Another lane is now the head: it may use the reserve. */
        if (p->lanes_waiting)
            pthread_cond_broadcast(&p->room_ready);
    }
}

athena_status s3_pipe_read(s3_pipe *p, const char **data, size_t *len, athena_error *err)
{
    pthread_mutex_lock(&p->mu);
    release_span(p);
    if (p->head >= p->chunk_count) {
        pthread_mutex_unlock(&p->mu);
        return ATHENA_DONE;
    }
    lane *l = &p->lanes[p->head % p->lane_count];
    while (!l->first || l->read_pos == l->first->len) {
        if (recycle_read_segment(p, l))
            continue;
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            return error_set(err, ATHENA_E_INTERRUPTED, "the result fetch was cancelled");
        }
        if (l->status != ATHENA_OK) {
            athena_status st = l->status;
            error_copy(err, &l->error);
            pthread_mutex_unlock(&p->mu);
            return st;
        }
        p->reader_waiting = 1;
        pthread_cond_wait(&p->data_ready, &p->mu);
        p->reader_waiting = 0;
    }
    size_t available = l->first->len - l->read_pos;
    uint64_t left = chunk_length(p, p->head) - p->head_read;
    *len = left < available ? (size_t)left : available;
    *data = l->first->data + l->read_pos;
    p->span = *len;
    pthread_mutex_unlock(&p->mu);
    return ATHENA_OK;
}

size_t s3_pipe_peak_bytes(const s3_pipe *p)
{
    return p->peak_segments * p->segment_bytes;
}

// rows_pair: bf16 products of a few vectors (a decoding step, a prompt) shared with one helper thread (see cbf16.h).
//
// A decoding step is about thirty products of a few hundred weight rows each, microseconds apart, and a
// prompt's are not much longer: waking a thread pool for each costs a large part of the product. The helper
// instead spins on a sequence number while products keep coming (yielding the core every few microseconds to
// any other runnable thread) and sleeps on a condition variable after PAIR_SPIN_NS without one.
//
// A product is cut into blocks of weight rows. The caller claims blocks from the first, the helper from the
// last, each block by a compare-and-swap on its state. The caller never waits for the helper: when it meets
// a block the helper has claimed but not finished, it claims that block back and computes it itself; the
// helper computes into its own buffer and publishes a block only if it still holds it, so a helper that is
// asleep, slow to wake or preempted by another process costs the caller only the blocks it then does alone.
// States carry the product's sequence number, so a helper still busy with an old product cannot take a block
// of the next. One caller at a time holds the helper; another runs single-threaded.
#define _GNU_SOURCE
#include "cbf16.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define PAIR_PAUSE() _mm_pause()
#else
#define PAIR_PAUSE() ((void)0)
#endif

/// How long the helper spins for the next product before it sleeps (nanoseconds).
#define PAIR_SPIN_NS 200000L
/// Products with fewer weight rows than this run on the calling thread (the hand-off costs more than it saves).
#define PAIR_MIN_ROWS 64
/// Blocks per product at most; a block is at least 32 weight rows and always a multiple of 8, so that every
/// block sums its rows as one call over all rows does (cbf16_rows works in groups of eight from its first row).
#define PAIR_MAX_BLOCKS 512

/// A block's state: (sequence number of its product) · 4 + one of these.
enum { OPEN = 0, CALLER = 1, HELPER = 2, PUBLISHING = 3 };

/// One product: `cbf16_rows`'s arguments and how its weight rows are cut into blocks.
typedef struct {
    const uint16_t *w, *x;
    long outF, inF, rows, block, blocks;
    float beta;
    float *y;
} Product;

static Product job;                       // the current product, written before `posted`
static _Atomic long posted;               // sequence number of the current product
static _Atomic long state[PAIR_MAX_BLOCKS];
static _Atomic long published[PAIR_MAX_BLOCKS];   // sequence number of the product whose block the helper wrote
static _Atomic int awake;                 // 1 while the helper spins, 0 while it sleeps (or before it starts)
static _Atomic int held;                  // 1 while a caller holds the helper
static _Atomic int reading;               // 1 while the helper may read a product's inputs (see cbf16_rows_pair_quiesce)
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int wakeRequested;                 // under `lock`
static pthread_once_t startOnce = PTHREAD_ONCE_INIT;
static int started;

static long nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

/// Weight rows [first, first + n) of block b of `j`.
static inline void block_rows(const Product *j, long b, long *first, long *n) {
    *first = b * j->block;
    *n = (b == j->blocks - 1 ? j->outF : *first + j->block) - *first;
}

/// The helper's part of product p (`j`, copied from `job` when p was seen): blocks from the last down, each
/// computed into `buffer` and published only if the helper still holds it.
static void help(long p, const Product *j, float **buffer, long *capacity) {
    if (*capacity < j->rows * j->block) {
        free(*buffer);
        *buffer = malloc(sizeof(float) * j->rows * j->block);
        *capacity = *buffer ? j->rows * j->block : 0;
        if (!*buffer) return;   // the caller does every block
    }
    float *out = *buffer;
    for (long b = j->blocks - 1; b >= 0; b--) {
        long open = p * 4 + OPEN;
        if (!atomic_compare_exchange_strong(&state[b], &open, p * 4 + HELPER)) return;   // the caller got here
        long first, n;
        block_rows(j, b, &first, &n);
        cbf16_rows(j->w + first * j->inF, n, j->inF, j->x, j->rows, 0, out, n);
        long mine = p * 4 + HELPER;
        if (!atomic_compare_exchange_strong(&state[b], &mine, p * 4 + PUBLISHING)) return;   // taken back
        for (long i = 0; i < j->rows; i++) {
            float *dst = j->y + i * j->outF + first;
            const float *src = out + i * n;
            if (j->beta != 0) for (long o = 0; o < n; o++) dst[o] = src[o] + dst[o];
            else for (long o = 0; o < n; o++) dst[o] = src[o];
        }
        atomic_store(&published[b], p);
    }
}

static void *helper_main(void *unused) {
    (void)unused;
    atomic_store(&awake, 1);
    float *buffer = NULL;
    long capacity = 0, seen = 0;
    for (;;) {
        long last = nanoseconds(), p;
        int spins = 0;
        while ((p = atomic_load_explicit(&posted, memory_order_acquire)) == seen) {
            PAIR_PAUSE();
            if (++spins % 256 != 0) continue;
            // Every few microseconds, give the core to any other runnable thread (on a busy machine, the caller
            // itself): a spinning helper must not take time slices from the work it is there to speed up.
            sched_yield();
            if (nanoseconds() - last > PAIR_SPIN_NS) {
                pthread_mutex_lock(&lock);
                atomic_store(&awake, 0);
                // A product posted before `awake` turned 0 is seen here; one posted after comes with a signal.
                while ((p = atomic_load(&posted)) == seen && !wakeRequested) pthread_cond_wait(&wake, &lock);
                wakeRequested = 0;
                atomic_store(&awake, 1);
                pthread_mutex_unlock(&lock);
                last = nanoseconds();
            }
        }
        seen = p;
        // The fields belong to product p unless the caller has finished it and posted another meanwhile;
        // then the states no longer carry p and help() claims nothing. `reading` is set before any claim:
        // a block claimed afterwards belongs to a product the caller has not finished, whose inputs live.
        atomic_store(&reading, 1);
        Product j = job;
        help(p, &j, &buffer, &capacity);
        atomic_store(&reading, 0);
    }
    return NULL;
}

static void start_helper(void) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    started = pthread_create(&t, &attr, helper_main, NULL) == 0;
    pthread_attr_destroy(&attr);
}

static void request_wake(void) {
    pthread_mutex_lock(&lock);
    wakeRequested = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

void cbf16_rows_pair(const uint16_t *w, long outF, long inF, const uint16_t *x, long rows, float beta, float *y) {
    int expected = 0;
    if (outF >= PAIR_MIN_ROWS) pthread_once(&startOnce, start_helper);
    if (outF < PAIR_MIN_ROWS || !started || !atomic_compare_exchange_strong(&held, &expected, 1)) {
        cbf16_rows(w, outF, inF, x, rows, beta, y, outF);
        return;
    }
    long block = (outF + PAIR_MAX_BLOCKS - 1) / PAIR_MAX_BLOCKS;
    block = block < 32 ? 32 : (block + 7) & ~7L;
    long blocks = (outF + block - 1) / block;
    long p = atomic_load(&posted) + 1;
    for (long b = 0; b < blocks; b++) atomic_store_explicit(&state[b], p * 4 + OPEN, memory_order_relaxed);
    job = (Product){.w = w, .x = x, .outF = outF, .inF = inF, .rows = rows, .block = block, .blocks = blocks,
                    .beta = beta, .y = y};
    atomic_store(&posted, p);   // sequentially consistent with the helper's `awake` store (see helper_main)
    if (!atomic_load(&awake)) request_wake();
    for (long b = 0; b < blocks; b++) {
        long first, n;
        block_rows(&job, b, &first, &n);
        for (;;) {
            long s = atomic_load(&state[b]);
            if (s == p * 4 + OPEN || s == p * 4 + HELPER) {
                // Open, or claimed by the helper and not yet published: this thread computes it.
                if (!atomic_compare_exchange_strong(&state[b], &s, p * 4 + CALLER)) continue;
                cbf16_rows(w + first * inF, n, inF, x, rows, beta, y + first, outF);
                break;
            }
            if (s == p * 4 + PUBLISHING) {   // the helper is writing it: a few hundred nanoseconds
                while (atomic_load_explicit(&published[b], memory_order_acquire) != p) PAIR_PAUSE();
                break;
            }
            break;   // CALLER: not reached (this thread claims in order)
        }
    }
    atomic_store(&held, 0);
}

void cbf16_rows_pair_quiesce(void) {
    while (atomic_load(&reading)) PAIR_PAUSE();
}

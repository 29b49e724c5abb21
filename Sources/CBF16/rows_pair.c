// rows_pair: bf16 products of a few vectors (a decoding step, a prompt) shared with one helper thread (see cbf16.h).
//
// A decoding step is about thirty products of a few hundred rows each, microseconds apart, and a prompt's
// are not much longer: waking a thread pool for each costs a large part of the product. The helper instead spins on a sequence number while
// products keep coming and sleeps on a condition variable after PAIR_SPIN_NS without one. A caller that
// finds it asleep wakes it; a decoding step's product is then computed alone (it is shorter than the
// wake-up), a prompt's waits for the helper. One caller at a time holds the helper; another runs
// single-threaded.
#define _GNU_SOURCE
#include "cbf16.h"

#include <pthread.h>
#include <stdatomic.h>
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
/// Products of at least this many vectors (a prompt's) wait for a sleeping helper to wake; fewer (a decoding
/// step's) run alone and leave it waking for the next.
#define PAIR_WAKE_ROWS 8

static struct {
    const uint16_t *w, *x;
    long outF, inF, rows, ldy;
    float beta;
    float *y;
} job;                                    // the helper's half: weight rows [split, outF), written before `posted`
static _Atomic long posted, done;         // sequence numbers: the helper runs job `posted`, then sets `done`
static _Atomic int awake;                 // 1 while the helper spins, 0 while it sleeps (or before it starts)
static _Atomic int held;                  // 1 while a caller holds the helper
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

static void *helper_main(void *unused) {
    (void)unused;
    atomic_store(&awake, 1);
    long seen = 0;
    for (;;) {
        long last = nanoseconds(), p;
        int spins = 0;
        while ((p = atomic_load_explicit(&posted, memory_order_acquire)) == seen) {
            PAIR_PAUSE();
            if (++spins % 64 == 0 && nanoseconds() - last > PAIR_SPIN_NS) {
                pthread_mutex_lock(&lock);
                atomic_store(&awake, 0);
                // A job posted before `awake` turned 0 is seen here; one posted after comes with a signal.
                while ((p = atomic_load(&posted)) == seen && !wakeRequested) pthread_cond_wait(&wake, &lock);
                wakeRequested = 0;
                atomic_store(&awake, 1);
                pthread_mutex_unlock(&lock);
                last = nanoseconds();
            }
        }
        seen = p;
        cbf16_rows(job.w, job.outF, job.inF, job.x, job.rows, job.beta, job.y, job.ldy);
        atomic_store_explicit(&done, p, memory_order_release);
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
    if (outF < PAIR_MIN_ROWS || !atomic_compare_exchange_strong(&held, &expected, 1)) {
        cbf16_rows(w, outF, inF, x, rows, beta, y, outF);
        return;
    }
    pthread_once(&startOnce, start_helper);
    if (!started || (!atomic_load(&awake) && rows < PAIR_WAKE_ROWS)) {
        if (started) request_wake();   // spinning again by the next product
        cbf16_rows(w, outF, inF, x, rows, beta, y, outF);
        atomic_store(&held, 0);
        return;
    }
    // Split at a multiple of 8 weight rows: cbf16_rows sums them in blocks of eight from its first row, so each
    // half blocks them as one call over all rows does, and the result is the same bit for bit.
    long split = (outF / 2) & ~7L;
    job.w = w + split * inF; job.outF = outF - split; job.inF = inF; job.x = x; job.rows = rows; job.beta = beta;
    job.y = y + split; job.ldy = outF;
    long p = atomic_load(&posted) + 1;
    atomic_store(&posted, p);   // sequentially consistent with the helper's `awake` store (see helper_main)
    cbf16_rows(w, split, inF, x, rows, beta, y, outF);
    int signalled = 0;
    while (atomic_load_explicit(&done, memory_order_acquire) != p) {
        // The helper may have gone to sleep just before the job was posted: wake it (once).
        if (!signalled && !atomic_load(&awake)) { request_wake(); signalled = 1; }
        PAIR_PAUSE();
    }
    atomic_store(&held, 0);
}

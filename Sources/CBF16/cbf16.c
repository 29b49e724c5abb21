// CBF16: see include/cbf16.h. oneDNN is reached through dlsym'd function pointers only.
#define _GNU_SOURCE
#include "cbf16.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#if defined(__has_include)
#if __has_include(<oneapi/dnnl/dnnl.h>)
#include <oneapi/dnnl/dnnl.h>
#define CBF16_HAVE_DNNL_HEADERS 1
#endif
#endif

// MARK: - CPU

int cbf16_cpu_has_bf16(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    int bf16 = (a >> 5) & 1;                       // CPUID.(7,1):EAX[5] AVX512_BF16
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx512f = (b >> 16) & 1;
    // The OS must save the ZMM state (XCR0 bits 1, 2, 5, 6, 7).
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    int osZMM = (lo & 0xE6) == 0xE6;
    return bf16 && avx512f && osZMM;
#else
    return 0;
#endif
}

// MARK: - Conversion

static inline uint16_t bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40);   // quiet NaN
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bf16,avx512vl,avx512bw")))
static void convert_avx512(const float *src, uint16_t *dst, long count) {
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        __m512 lo = _mm512_loadu_ps(src + i), hi = _mm512_loadu_ps(src + i + 16);
        __m512bh v = _mm512_cvtne2ps_pbh(hi, lo);   // lanes 0..15 from lo, 16..31 from hi
        _mm512_storeu_si512((void *)(dst + i), (__m512i)v);
    }
    // The tail with masked vector loads and stores too: dst may be src's own buffer (a value's bf16 lands at
    // or before its float; `BF16Workspace.roundInPlace`), and vector accesses keep loads before the stores
    // that follow them whatever the compiler assumes about float and uint16_t aliasing.
    for (; i < count; i += 16) {
        long n = count - i < 16 ? count - i : 16;
        __mmask16 m = (__mmask16)((1u << n) - 1);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src + i));
        _mm256_mask_storeu_epi16((void *)(dst + i), m, (__m256i)v);
    }
}
#endif

void cbf16_convert(const float *src, uint16_t *dst, long count) {
#if defined(__x86_64__)
    static int simd = -1;
    if (simd < 0) simd = cbf16_cpu_has_bf16();
    if (simd) { convert_avx512(src, dst, count); return; }
#endif
    for (long i = 0; i < count; i++) dst[i] = bf16_round(src[i]);
}

void cbf16_widen(const uint16_t *src, float *dst, long count) {
    for (long i = 0; i < count; i++) {
        uint32_t u = (uint32_t)src[i] << 16;
        memcpy(dst + i, &u, 4);
    }
}

// MARK: - Matrix-vector product

static inline float bf16_value(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void gemv_scalar(const uint16_t *w, long outF, long inF, const uint16_t *x, float beta, float *y) {
    for (long o = 0; o < outF; o++) {
        const uint16_t *row = w + o * inF;
        float s = 0;
        for (long i = 0; i < inF; i++) s += bf16_value(row[i]) * bf16_value(x[i]);
        y[o] = beta != 0 ? y[o] + s : s;
    }
}

#if defined(__x86_64__)
#define CBF16_DOT_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))

/// The sum of the two 256-bit halves of s (8 partial sums of one row).
CBF16_DOT_TARGET
static inline __m256 fold_halves(__m512 s) {
    return _mm256_add_ps(_mm512_castps512_ps256(s), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(s), 1)));
}

/// The horizontal sums of eight accumulators, lane k = Σ s_k (one pass of pairwise adds, no per-row reduce).
CBF16_DOT_TARGET
static inline __m256 sum8(__m512 s0, __m512 s1, __m512 s2, __m512 s3, __m512 s4, __m512 s5, __m512 s6, __m512 s7) {
    __m256 a = _mm256_hadd_ps(fold_halves(s0), fold_halves(s1)), b = _mm256_hadd_ps(fold_halves(s2), fold_halves(s3));
    __m256 c = _mm256_hadd_ps(fold_halves(s4), fold_halves(s5)), d = _mm256_hadd_ps(fold_halves(s6), fold_halves(s7));
    __m256 ab = _mm256_hadd_ps(a, b), cd = _mm256_hadd_ps(c, d);   // rows 0-3 | 0-3 and 4-7 | 4-7 by 128-bit half
    return _mm256_add_ps(_mm256_permute2f128_ps(ab, cd, 0x20), _mm256_permute2f128_ps(ab, cd, 0x31));
}

/// y[i, o] = Σ_k w[o, k] · x[i, k] (+ beta · y[i, o]) for `rows` vectors x [rows, inF], y [rows, ldy ≥ outF].
/// Eight weight rows at a time, against two vectors at a time: every 32 weights are one VDPBF16PS per vector
/// (pairwise bf16 products added into 16 Float32 lanes), each load of a weight chunk serving both vectors and
/// each load of a vector chunk eight rows; the lanes are summed at the end. A tail of inF % 32 columns is read
/// with masked loads (zeros elsewhere). Each y element is summed in the same order whatever `rows` is and
/// wherever a block of eight weight rows starts, so a vector's result does not depend on its neighbours.
CBF16_DOT_TARGET
static void rows_dot_bf16(const uint16_t *w, long outF, long inF, const uint16_t *x, long rows, float beta, float *y,
                          long ldy) {
    long tail = inF % 32, body = inF - tail;
    __mmask32 m = (__mmask32)((1ull << tail) - 1);
#define CBF16_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define CBF16_LOAD_TAIL(p) _mm512_maskz_loadu_epi16(m, (p))
#define CBF16_DP(acc, wv, xv) acc = _mm512_dpbf16_ps(acc, (__m512bh)(wv), (__m512bh)(xv))
#define CBF16_STORE8(yp, a0, a1, a2, a3, a4, a5, a6, a7) do { \
        __m256 sums = sum8(a0, a1, a2, a3, a4, a5, a6, a7); \
        if (beta != 0) sums = _mm256_add_ps(sums, _mm256_loadu_ps(yp)); \
        _mm256_storeu_ps(yp, sums); } while (0)
    long o = 0;
    for (; o + 8 <= outF; o += 8) {
        const uint16_t *r = w + o * inF;
        long i = 0;
        for (; i + 2 <= rows; i += 2) {
            const uint16_t *x0 = x + i * inF, *x1 = x0 + inF;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
#define CBF16_PAIR(load, at, u, v) { __m512i wv; \
            wv = load(r + at); CBF16_DP(a0, wv, u); CBF16_DP(b0, wv, v); \
            wv = load(r + inF + at); CBF16_DP(a1, wv, u); CBF16_DP(b1, wv, v); \
            wv = load(r + 2 * inF + at); CBF16_DP(a2, wv, u); CBF16_DP(b2, wv, v); \
            wv = load(r + 3 * inF + at); CBF16_DP(a3, wv, u); CBF16_DP(b3, wv, v); \
            wv = load(r + 4 * inF + at); CBF16_DP(a4, wv, u); CBF16_DP(b4, wv, v); \
            wv = load(r + 5 * inF + at); CBF16_DP(a5, wv, u); CBF16_DP(b5, wv, v); \
            wv = load(r + 6 * inF + at); CBF16_DP(a6, wv, u); CBF16_DP(b6, wv, v); \
            wv = load(r + 7 * inF + at); CBF16_DP(a7, wv, u); CBF16_DP(b7, wv, v); }
            for (long k = 0; k < body; k += 32) CBF16_PAIR(CBF16_LOAD, k, CBF16_LOAD(x0 + k), CBF16_LOAD(x1 + k))
            if (tail) CBF16_PAIR(CBF16_LOAD_TAIL, body, CBF16_LOAD_TAIL(x0 + body), CBF16_LOAD_TAIL(x1 + body))
#undef CBF16_PAIR
            CBF16_STORE8(y + i * ldy + o, a0, a1, a2, a3, a4, a5, a6, a7);
            CBF16_STORE8(y + (i + 1) * ldy + o, b0, b1, b2, b3, b4, b5, b6, b7);
        }
        if (i < rows) {   // the last vector of an odd count
            const uint16_t *x0 = x + i * inF;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
#define CBF16_ONE(load, at, u) { \
            CBF16_DP(a0, load(r + at), u); CBF16_DP(a1, load(r + inF + at), u); \
            CBF16_DP(a2, load(r + 2 * inF + at), u); CBF16_DP(a3, load(r + 3 * inF + at), u); \
            CBF16_DP(a4, load(r + 4 * inF + at), u); CBF16_DP(a5, load(r + 5 * inF + at), u); \
            CBF16_DP(a6, load(r + 6 * inF + at), u); CBF16_DP(a7, load(r + 7 * inF + at), u); }
            for (long k = 0; k < body; k += 32) CBF16_ONE(CBF16_LOAD, k, CBF16_LOAD(x0 + k))
            if (tail) CBF16_ONE(CBF16_LOAD_TAIL, body, CBF16_LOAD_TAIL(x0 + body))
#undef CBF16_ONE
            CBF16_STORE8(y + i * ldy + o, a0, a1, a2, a3, a4, a5, a6, a7);
        }
    }
    for (; o < outF; o++) {   // the last outF % 8 weight rows one by one
        const uint16_t *r = w + o * inF;
        for (long i = 0; i < rows; i++) {
            const uint16_t *x0 = x + i * inF;
            __m512 s = _mm512_setzero_ps();
            for (long k = 0; k < body; k += 32) CBF16_DP(s, CBF16_LOAD(r + k), CBF16_LOAD(x0 + k));
            if (tail) CBF16_DP(s, CBF16_LOAD_TAIL(r + body), CBF16_LOAD_TAIL(x0 + body));
            float d = _mm512_reduce_add_ps(s);
            y[i * ldy + o] = beta != 0 ? y[i * ldy + o] + d : d;
        }
    }
#undef CBF16_STORE8
#undef CBF16_DP
#undef CBF16_LOAD
#undef CBF16_LOAD_TAIL
}
#endif

void cbf16_rows(const uint16_t *w, long outF, long inF, const uint16_t *x, long rows, float beta, float *y, long ldy) {
#if defined(__x86_64__)
    static int simd = -1;
    if (simd < 0) simd = cbf16_cpu_has_bf16();
    if (simd) { rows_dot_bf16(w, outF, inF, x, rows, beta, y, ldy); return; }
#endif
    for (long i = 0; i < rows; i++) gemv_scalar(w, outF, inF, x + i * inF, beta, y + i * ldy);
}

void cbf16_gemv(const uint16_t *w, long outF, long inF, const uint16_t *x, float beta, float *y) {
    cbf16_rows(w, outF, inF, x, 1, beta, y, outF);
}

// MARK: - oneDNN, loaded at run time

#ifdef CBF16_HAVE_DNNL_HEADERS

#define DNNL_FUNCTIONS(X) \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_memory_desc_init_by_strides) \
    X(dnnl_matmul_desc_init) X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_destroy) \
    X(dnnl_primitive_create) X(dnnl_primitive_execute) X(dnnl_memory_create) \
    X(dnnl_memory_set_data_handle) X(dnnl_stream_wait) X(dnnl_primitive_attr_create) \
    X(dnnl_primitive_attr_destroy) X(dnnl_post_ops_create) X(dnnl_post_ops_destroy) \
    X(dnnl_post_ops_append_sum) X(dnnl_primitive_attr_set_post_ops)

static struct {
#define DECLARE(name) __typeof__(&name) name;
    DNNL_FUNCTIONS(DECLARE)
#undef DECLARE
    void (*omp_set_num_threads)(int);
} dnnl;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
#endif

static pthread_once_t loadOnce = PTHREAD_ONCE_INIT;
static int loaded;
static const char *reason = "not checked yet";
static pthread_mutex_t gemmLock = PTHREAD_MUTEX_INITIALIZER;
static int wantedThreads;

#ifdef CBF16_HAVE_DNNL_HEADERS
static int probe_gemm(void);
#endif

static void load(void) {
    if (!cbf16_cpu_has_bf16()) { reason = "the CPU has no AVX512-BF16 dot products"; return; }
#ifndef CBF16_HAVE_DNNL_HEADERS
    reason = "built without oneDNN headers (<oneapi/dnnl/dnnl.h>; Debian package libdnnl-dev)";
#else
    // oneDNN's OpenMP workers sleep between products instead of spinning: codetune's own kernels run on
    // other threads right after each product, and a spinning worker would take a core from them (measured:
    // bf16 training 36% faster on a loaded 2-core machine). A value the user set is kept.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libdnnl.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) { reason = "libdnnl.so.2 (oneDNN) is not installed (Debian package libdnnl2)"; return; }
#define RESOLVE(name) \
    dnnl.name = (__typeof__(&name))dlsym(lib, #name); \
    if (!dnnl.name) { reason = "libdnnl.so.2 lacks " #name " (oneDNN 2.x expected)"; return; }
    DNNL_FUNCTIONS(RESOLVE)
#undef RESOLVE
    dnnl.omp_set_num_threads = (void (*)(int))dlsym(lib, "omp_set_num_threads");
    if (dnnl.dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success
        || dnnl.dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
        reason = "oneDNN could not create a CPU engine";
        return;
    }
    if (wantedThreads > 0 && dnnl.omp_set_num_threads) dnnl.omp_set_num_threads(wantedThreads);
    loaded = 1;
    if (probe_gemm() != 0) { loaded = 0; reason = "oneDNN has no bf16 matmul for this CPU"; return; }
    reason = "";
#endif
}

int cbf16_available(void) {
    pthread_once(&loadOnce, load);
    return loaded;
}

const char *cbf16_unavailable_reason(void) {
    pthread_once(&loadOnce, load);
    return reason;
}

void cbf16_set_threads(int n) {
    pthread_mutex_lock(&gemmLock);
    wantedThreads = n < 1 ? 1 : n;
#ifdef CBF16_HAVE_DNNL_HEADERS
    if (loaded && dnnl.omp_set_num_threads) dnnl.omp_set_num_threads(wantedThreads);
#endif
    pthread_mutex_unlock(&gemmLock);
}

#ifdef CBF16_HAVE_DNNL_HEADERS

// MARK: - Primitive cache

typedef struct {
    long m, n, k, lda, ldb, ldc;
    int transA, transB, accumulate;
} GemmKey;

typedef struct {
    GemmKey key;
    dnnl_primitive_t primitive;
    dnnl_memory_t a, b, c;
} GemmEntry;

static GemmEntry *entries;
static long entryCount, entryCapacity;

static GemmEntry *entry_for(const GemmKey *key) {
    for (long i = 0; i < entryCount; i++)
        if (memcmp(&entries[i].key, key, sizeof *key) == 0) return &entries[i];
    dnnl_memory_desc_t aDesc, bDesc, cDesc;
    dnnl_dims_t aDims = {key->m, key->k}, bDims = {key->k, key->n}, cDims = {key->m, key->n};
    dnnl_dims_t aStrides = {key->transA ? 1 : key->lda, key->transA ? key->lda : 1};
    dnnl_dims_t bStrides = {key->transB ? 1 : key->ldb, key->transB ? key->ldb : 1};
    dnnl_dims_t cStrides = {key->ldc, 1};
    if (dnnl.dnnl_memory_desc_init_by_strides(&aDesc, 2, aDims, dnnl_bf16, aStrides) != dnnl_success
        || dnnl.dnnl_memory_desc_init_by_strides(&bDesc, 2, bDims, dnnl_bf16, bStrides) != dnnl_success
        || dnnl.dnnl_memory_desc_init_by_strides(&cDesc, 2, cDims, dnnl_f32, cStrides) != dnnl_success)
        return NULL;
    dnnl_matmul_desc_t desc;
    if (dnnl.dnnl_matmul_desc_init(&desc, &aDesc, &bDesc, NULL, &cDesc) != dnnl_success) return NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    if (key->accumulate) {
        if (dnnl.dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
        if (dnnl.dnnl_post_ops_create(&ops) != dnnl_success
            || dnnl.dnnl_post_ops_append_sum(ops, 1.0f) != dnnl_success
            || dnnl.dnnl_primitive_attr_set_post_ops(attr, ops) != dnnl_success) {
            if (ops) dnnl.dnnl_post_ops_destroy(ops);
            dnnl.dnnl_primitive_attr_destroy(attr);
            return NULL;
        }
    }
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t status = dnnl.dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    if (ops) dnnl.dnnl_post_ops_destroy(ops);
    if (attr) dnnl.dnnl_primitive_attr_destroy(attr);
    if (status != dnnl_success) return NULL;
    GemmEntry e;
    e.key = *key;
    status = dnnl.dnnl_primitive_create(&e.primitive, pd);
    dnnl.dnnl_primitive_desc_destroy(pd);
    if (status != dnnl_success) return NULL;
    if (dnnl.dnnl_memory_create(&e.a, &aDesc, engine, DNNL_MEMORY_NONE) != dnnl_success
        || dnnl.dnnl_memory_create(&e.b, &bDesc, engine, DNNL_MEMORY_NONE) != dnnl_success
        || dnnl.dnnl_memory_create(&e.c, &cDesc, engine, DNNL_MEMORY_NONE) != dnnl_success)
        return NULL;
    if (entryCount == entryCapacity) {
        long capacity = entryCapacity ? 2 * entryCapacity : 64;
        GemmEntry *grown = realloc(entries, (size_t)capacity * sizeof *grown);
        if (!grown) return NULL;
        entries = grown;
        entryCapacity = capacity;
    }
    entries[entryCount] = e;
    return &entries[entryCount++];
}

static int run_gemm(int transA, int transB, long m, long n, long k, const uint16_t *a, long lda,
                    const uint16_t *b, long ldb, float beta, float *c, long ldc) {
    GemmKey key;
    memset(&key, 0, sizeof key);   // padding bytes take part in memcmp
    key.m = m; key.n = n; key.k = k; key.lda = lda; key.ldb = ldb; key.ldc = ldc;
    key.transA = transA != 0; key.transB = transB != 0; key.accumulate = beta != 0;
    GemmEntry *e = entry_for(&key);
    if (!e) return 1;
    dnnl.dnnl_memory_set_data_handle(e->a, (void *)a);
    dnnl.dnnl_memory_set_data_handle(e->b, (void *)b);
    dnnl.dnnl_memory_set_data_handle(e->c, c);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, e->a}, {DNNL_ARG_WEIGHTS, e->b}, {DNNL_ARG_DST, e->c}};
    if (dnnl.dnnl_primitive_execute(e->primitive, stream, 3, args) != dnnl_success) return 1;
    return dnnl.dnnl_stream_wait(stream) != dnnl_success;
}

static int probe_gemm(void) {
    uint16_t one = 0x3F80;   // 1.0
    float c = 0;
    return run_gemm(0, 0, 1, 1, 1, &one, 1, &one, 1, 0, &c, 1) != 0 || c != 1.0f;
}

#endif

int cbf16_gemm(int transA, int transB, long m, long n, long k,
               const uint16_t *a, long lda, const uint16_t *b, long ldb,
               float beta, float *c, long ldc) {
    if (!cbf16_available()) return 1;
#ifdef CBF16_HAVE_DNNL_HEADERS
    pthread_mutex_lock(&gemmLock);
    int status = run_gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
    pthread_mutex_unlock(&gemmLock);
    return status;
#else
    (void)transA; (void)transB; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb;
    (void)beta; (void)c; (void)ldc;
    return 1;
#endif
}

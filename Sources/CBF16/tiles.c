// Small bf16 products for attention tiles (see include/cbf16.h, "Tile products"): operands packed as bf16
// pairs, one 32-bit word holding the values of two consecutive k (the even k in the low half, as VDPBF16PS
// pairs them), products summed in Float32.
#include "cbf16.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Whether the CPU has AVX512-BF16, asked once (CPUID is slow, and traps in a virtual machine).
static int has_bf16(void) {
    static int known = -1;
    if (known < 0) known = cbf16_cpu_has_bf16();
    return known;
}

static inline uint32_t pair_word(uint16_t even, uint16_t odd) { return (uint32_t)even | ((uint32_t)odd << 16); }

void cbf16_pack_rows(const float *src, long ld, long m, long k, uint32_t *dst, long ldd) {
    for (long i = 0; i < m; i++) {
        uint16_t *row = (uint16_t *)(dst + i * ldd);
        cbf16_convert(src + i * ld, row, k);
        if (k & 1) row[k] = 0;
    }
}

#if defined(__x86_64__)
#define CBF16_TILE_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))

/// 16 words pairing src0[j] (low half) with src1[j] (high half), j < n ≤ 16, zeros beyond n.
CBF16_TILE_TARGET
static inline __m512i pair_vector(const float *src0, const float *src1, long n) {
    __mmask16 m = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    __m512i lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src0)));
    __m512i hi = src1 ? _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src1)))
                      : _mm512_setzero_si512();
    return _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16));
}

CBF16_TILE_TARGET
static void pack_row_pairs_avx512(const float *src, long ld, long k, long n, uint32_t *dst, long ldd) {
    for (long kk = 0; 2 * kk < k; kk++) {
        const float *r0 = src + 2 * kk * ld, *r1 = 2 * kk + 1 < k ? r0 + ld : NULL;
        uint32_t *out = dst + kk * ldd;
        for (long j = 0; j < n; j += 16) {
            long c = n - j < 16 ? n - j : 16;
            __mmask16 m = c == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << c) - 1);
            _mm512_mask_storeu_epi32(out + j, m, pair_vector(r0 + j, r1 ? r1 + j : NULL, c));
        }
    }
}
#endif

void cbf16_pack_row_pairs(const float *src, long ld, long k, long n, uint32_t *dst, long ldd) {
#if defined(__x86_64__)
    if (has_bf16()) { pack_row_pairs_avx512(src, ld, k, n, dst, ldd); return; }
#endif
    for (long kk = 0; 2 * kk < k; kk++) {
        for (long j = 0; j < n; j++) {
            uint16_t even, odd = 0;
            cbf16_convert(src + 2 * kk * ld + j, &even, 1);
            if (2 * kk + 1 < k) cbf16_convert(src + (2 * kk + 1) * ld + j, &odd, 1);
            dst[kk * ldd + j] = pair_word(even, odd);
        }
    }
}

void cbf16_pack_transposed(const float *src, long ld, long n, long k, uint32_t *dst, long ldd) {
    uint16_t row[2 * 256 + 2];
    for (long j = 0; j < n; j++) {
        for (long k0 = 0; k0 < k; k0 += 2 * 256) {   // a row in chunks of 256 words
            long c = k - k0 < 2 * 256 ? k - k0 : 2 * 256;
            cbf16_convert(src + j * ld + k0, row, c);
            if (c & 1) row[c] = 0;
            for (long w = 0; 2 * w < c; w++) dst[(k0 / 2 + w) * ldd + j] = pair_word(row[2 * w], row[2 * w + 1]);
        }
    }
}

#if defined(__x86_64__)
/// One block of MR ≤ 8 rows and 16·NH ≤ 32 columns of C (the first `n` ≤ 16·NH of them stored).
CBF16_TILE_TARGET __attribute__((always_inline))
static inline void tile_block(int MR, int NH, long n, long kp, const uint32_t *a, long aRow, long aK,
                              const uint32_t *b, long ldb, float alpha, float beta, float *c, long ldc) {
    __m512 acc0[8], acc1[8];
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
    long n0 = n < 16 ? n : 16, n1 = n - n0;
    __mmask16 m0 = n0 == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n0) - 1);
    __mmask16 m1 = n1 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n1) - 1);
    for (long kk = 0; kk < kp; kk++) {
        const uint32_t *bk = b + kk * ldb;
        __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(m0, bk), b1;
        if (NH == 2) b1 = (__m512bh)_mm512_maskz_loadu_epi32(m1, bk + 16);
        const uint32_t *ak = a + kk * aK;
        for (int r = 0; r < MR; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)ak[r * aRow]);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], av, b0);
            if (NH == 2) acc1[r] = _mm512_dpbf16_ps(acc1[r], av, b1);
        }
    }
    __m512 va = _mm512_set1_ps(alpha);
    for (int r = 0; r < MR; r++) {
        float *cr = c + r * ldc;
        __m512 v0 = _mm512_mul_ps(acc0[r], va);
        if (beta != 0) v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, cr));
        _mm512_mask_storeu_ps(cr, m0, v0);
        if (NH == 2) {
            __m512 v1 = _mm512_mul_ps(acc1[r], va);
            if (beta != 0) v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, cr + 16));
            _mm512_mask_storeu_ps(cr + 16, m1, v1);
        }
    }
}

#define CBF16_TILE_CASES(NH) \
    switch (mr) { \
    case 8: tile_block(8, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 7: tile_block(7, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 6: tile_block(6, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 5: tile_block(5, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 4: tile_block(4, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 3: tile_block(3, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    case 2: tile_block(2, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    default: tile_block(1, NH, nr, kp, ai, aRow, aK, bj, ldb, alpha, beta, cij, ldc); break; \
    }

CBF16_TILE_TARGET
static void tile_product_avx512(long m, long n, long kp, const uint32_t *a, long aRow, long aK, const uint32_t *b,
                                long ldb, float alpha, float beta, float *c, long ldc) {
    for (long j = 0; j < n; j += 32) {
        long nr = n - j < 32 ? n - j : 32;
        const uint32_t *bj = b + j;
        for (long i = 0; i < m; i += 8) {
            int mr = (int)(m - i < 8 ? m - i : 8);
            const uint32_t *ai = a + i * aRow;
            float *cij = c + i * ldc + j;
            if (nr > 16) { CBF16_TILE_CASES(2) } else { CBF16_TILE_CASES(1) }
        }
    }
}
#undef CBF16_TILE_CASES
#endif

static inline float word_half(uint32_t w, int high) {
    uint32_t u = high ? (w & 0xFFFF0000u) : (w << 16);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

void cbf16_tile_product(long m, long n, long kp, const uint32_t *a, long aRow, long aK, const uint32_t *b, long ldb,
                        float alpha, float beta, float *c, long ldc) {
#if defined(__x86_64__)
    if (has_bf16()) { tile_product_avx512(m, n, kp, a, aRow, aK, b, ldb, alpha, beta, c, ldc); return; }
#endif
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float s = 0;
            for (long kk = 0; kk < kp; kk++) {
                uint32_t x = a[i * aRow + kk * aK], y = b[kk * ldb + j];
                s += word_half(x, 0) * word_half(y, 0) + word_half(x, 1) * word_half(y, 1);
            }
            c[i * ldc + j] = alpha * s + (beta != 0 ? c[i * ldc + j] : 0);
        }
    }
}

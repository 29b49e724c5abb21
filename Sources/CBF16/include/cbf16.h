// CBF16: bf16 matrix products (bf16 operands, fp32 accumulation and result) through oneDNN's matmul
// primitive, loaded at run time. No link-time dependency on oneDNN: `libdnnl.so.2` is opened with dlopen on
// first use, and its types come from <oneapi/dnnl/dnnl.h> when that header exists at build time
// (`__has_include`). Without the header, the library, or a CPU with AVX512-BF16, `cbf16_available()` is 0
// and callers keep to fp32.
#ifndef CBF16_H
#define CBF16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU has native bf16 dot products (AVX512-BF16), whatever the library situation.
int cbf16_cpu_has_bf16(void);

/// 1 when bf16 products can run: CPU support, oneDNN headers at build time, libdnnl.so.2 loaded and a
/// bf16 matmul primitive created. The first call does the loading (thread-safe, once per process).
int cbf16_available(void);

/// Why `cbf16_available()` is 0 (a short sentence), or "" when it is 1.
const char *cbf16_unavailable_reason(void);

/// Sets the number of threads oneDNN's products use (its OpenMP runtime). n >= 1.
void cbf16_set_threads(int n);

/// dst[i] = src[i] rounded to bf16 (round to nearest even; NaN stays NaN), for i in 0..<count.
void cbf16_convert(const float *src, uint16_t *dst, long count);

/// dst[i] = the fp32 value of bf16 src[i].
void cbf16_widen(const uint16_t *src, float *dst, long count);

/// y[o] = Σ_i w[o, i] · x[i] + beta · y[o] for o in 0..<outF: a bf16 matrix w [outF, inF] (row-major)
/// times a bf16 vector x [inF] (Float32 rounded with `cbf16_convert`), products and sums in Float32, y
/// Float32; beta is 0 or 1. Runs on the calling thread with AVX512-BF16 dot products (VDPBF16PS, as oneDNN's
/// bf16 products) when the CPU has them, else plain C; needs no oneDNN. The order of the sums is not
/// specified (differences are Float32 rounding).
void cbf16_gemv(const uint16_t *w, long outF, long inF, const uint16_t *x, float beta, float *y);
/// `cbf16_gemv` for `rows` vectors at once: y[i, o] = Σ_k w[o, k] · x[i, k] + beta · y[i, o], x [rows, inF]
/// bf16, y Float32 with row stride ldy ≥ outF. Each weight chunk is loaded once for two vectors. Every y
/// element is the one `cbf16_gemv` computes for its vector, bit for bit. On the calling thread.
void cbf16_rows(const uint16_t *w, long outF, long inF, const uint16_t *x, long rows, float beta, float *y, long ldy);
/// `cbf16_rows` (ldy = outF) with the weight rows shared between the calling thread and one helper thread
/// (started on first use; it spins while products keep coming and sleeps after 0.2 ms without one), for
/// decoding steps and prompts with two or more cores: no thread-pool wake-up per product, the same result
/// bit for bit. The weight rows are cut into blocks claimed from both ends; the caller takes back any block
/// the helper has not published by the time it gets there (helper asleep, waking or preempted), so it never
/// waits on the helper. Runs alone on the calling thread when outF < 64 or when another caller holds the helper.
void cbf16_rows_pair(const uint16_t *w, long outF, long inF, const uint16_t *x, long rows, float beta, float *y);
/// Returns once the helper of `cbf16_rows_pair` reads nothing of a finished product. A product returns before
/// the helper has dropped a block the caller took back from it, so call this before freeing or reusing for
/// something else the weights or vectors of a product that has run (rarely: it may wait for the helper to
/// be scheduled again).
void cbf16_rows_pair_quiesce(void);

/// C = op(A) · op(B) + beta · C, row-major. op(A) is [m, k], op(B) is [k, n], both bf16; C is fp32 [m, n].
/// lda/ldb/ldc are the row strides of the stored matrices; beta is 0 (overwrite) or 1 (accumulate).
/// The oneDNN primitive for a (shape, strides, beta) is created once and kept. Calls are serialised.
/// Returns 0 on success, nonzero when oneDNN failed (C is then unspecified).
int cbf16_gemm(int transA, int transB, long m, long n, long k,
               const uint16_t *a, long lda, const uint16_t *b, long ldb,
               float beta, float *c, long ldc);

// MARK: Tile products
//
// Small products on the calling thread for attention tiles, with operands packed as bf16 pairs: a uint32_t
// word holds the bf16 values of two consecutive k (the even k in the low 16 bits; an odd k count is padded
// with a zero). Packing rounds Float32 to bf16 as `cbf16_convert` does. Work without oneDNN; plain C where the
// CPU lacks AVX512-BF16.

/// dst[i, kk] = (src[i, 2kk], src[i, 2kk + 1]) for i < m, kk < ⌈k/2⌉: rows of src [m, k] (row stride ld) as
/// pairs along the row. dst has row stride ldd ≥ ⌈k/2⌉ words.
void cbf16_pack_rows(const float *src, long ld, long m, long k, uint32_t *dst, long ldd);
/// dst[kk, j] = (src[2kk, j], src[2kk + 1, j]) for kk < ⌈k/2⌉, j < n: src [k, n] (row stride ld) as pairs down
/// its columns. dst has row stride ldd ≥ n words.
void cbf16_pack_row_pairs(const float *src, long ld, long k, long n, uint32_t *dst, long ldd);
/// dst[kk, j] = (src[j, 2kk], src[j, 2kk + 1]) for kk < ⌈k/2⌉, j < n: srcᵀ for src [n, k] (row stride ld), as
/// pairs down the columns of srcᵀ. dst has row stride ldd ≥ n words.
void cbf16_pack_transposed(const float *src, long ld, long n, long k, uint32_t *dst, long ldd);
/// c[i, j] = alpha · Σ_{kk < kp} a(i, kk) · b[kk, j] + beta · c[i, j] for i < m, j < n, where a(i, kk) =
/// a[i · aRow + kk · aK] (so A may be packed along its rows, aK = 1, or down its columns, aRow = 1) and each
/// word product is the sum of its two bf16 products; sums in Float32. b has row stride ldb words, c is Float32
/// with row stride ldc; beta is 0 (c is not read) or 1.
void cbf16_tile_product(long m, long n, long kp, const uint32_t *a, long aRow, long aK, const uint32_t *b, long ldb,
                        float alpha, float beta, float *c, long ldc);

#ifdef __cplusplus
}
#endif

#endif

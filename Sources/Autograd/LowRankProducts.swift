// LowRankProducts: the three product shapes of a LoRA adapter, where one side has only `rank` (≤ a few dozen)
// rows. They read or write an [R, n] matrix once and are bound by memory, not arithmetic; a general sgemm
// packs its operands for a large inner dimension and runs these at a third of the speed of one pass.
// Each kernel splits its work over the workers so that every output element is summed by one worker in a
// fixed order: results depend on the sizes and the worker count only, as `sgemm`'s do.

/// h[i, j] = scale · Σₖ x[i, k] · f[j, k] for i in 0..<rows, j in 0..<rank: x [rows, n] times fᵀ, f [rank, n]
/// (a LoRA down-projection x · Aᵀ, or dh = dy · B with f = Bᵀ). h is [rows, rank], overwritten.
func lowRankProject(_ x: UnsafePointer<Float>, rows: Int, n: Int, factor f: UnsafePointer<Float>, rank: Int,
                    scale: Float, into h: UnsafeMutablePointer<Float>) {
    Parallel.forRanges(rows, costPerItem: n * rank) { range in
        for i in range {
            let xi = x + i * n, hi = h + i * rank
            var j = 0
            while j + 4 <= rank {
                let f0 = f + j * n, f1 = f0 + n, f2 = f1 + n, f3 = f2 + n
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var k = 0
                while k < n {
                    let c = n - k
                    let v = load8(xi + k, c)
                    a0.addProduct(v, load8(f0 + k, c)); a1.addProduct(v, load8(f1 + k, c))
                    a2.addProduct(v, load8(f2 + k, c)); a3.addProduct(v, load8(f3 + k, c))
                    k += 8
                }
                hi[j] = scale * laneSum(a0); hi[j + 1] = scale * laneSum(a1)
                hi[j + 2] = scale * laneSum(a2); hi[j + 3] = scale * laneSum(a3)
                j += 4
            }
            while j < rank {
                let fj = f + j * n
                var a = SIMD8<Float>()
                var k = 0
                while k < n { a.addProduct(load8(xi + k, n - k), load8(fj + k, n - k)); k += 8 }
                hi[j] = scale * laneSum(a)
                j += 1
            }
        }
    }
}

/// y[i, :] = scale · Σⱼ h[i, j] · f[j, :] (+ y[i, :] when `accumulate`) for i in 0..<rows: h [rows, rank] times
/// f [rank, n] (a LoRA up-projection h · Bᵀ with f = Bᵀ, or dx += dh · A). y is [rows, n].
func lowRankExpand(_ h: UnsafePointer<Float>, rows: Int, rank: Int, factor f: UnsafePointer<Float>, n: Int,
                   scale: Float, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
    Parallel.forRanges(rows, costPerItem: n * rank) { range in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, rank)) { coefficients in
            let c = coefficients.baseAddress!
            for i in range {
                for j in 0..<rank { c[j] = scale * h[i * rank + j] }
                let yi = y + i * n
                var k = 0
                while k < n {
                    let count = n - k
                    var acc = accumulate ? load8(yi + k, count) : SIMD8<Float>()
                    var j = 0
                    while j + 2 <= rank {
                        acc.addProduct(SIMD8(repeating: c[j]), load8(f + j * n + k, count))
                        acc.addProduct(SIMD8(repeating: c[j + 1]), load8(f + (j + 1) * n + k, count))
                        j += 2
                    }
                    if j < rank { acc.addProduct(SIMD8(repeating: c[j]), load8(f + j * n + k, count)) }
                    store8(acc, yi + k, count)
                    k += 8
                }
            }
        }
    }
}

/// g[j, :] += scale · Σᵢ h[i, j] · x[i, :] for j in 0..<rank: hᵀ [rank, rows] times x [rows, n] (a LoRA
/// factor's gradient: dA += dhᵀ · x, or dBᵀ from dyᵀ · h). g is [rank, n].
/// x is read once: each worker sums its own block of rows into a partial [rank, n] eight rows at a time,
/// and the partials are added to g in worker order.
func lowRankGradient(_ h: UnsafePointer<Float>, rows: Int, rank: Int, _ x: UnsafePointer<Float>, n: Int,
                     scale: Float, into g: UnsafeMutablePointer<Float>) {
    let size = rank * n
    let chunks = rows * size >= 32768 ? min(Parallel.workers, rows) : 1
    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, chunks * size)) { partials in
        let partials = partials.baseAddress!
        let sumRows = { (c: Int) in
            let p = partials + c * size
            p.update(repeating: 0, count: size)
            let range = Parallel.chunkRange(c, of: chunks, count: rows)
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let x0 = x + i * n, hi = h + i * rank
                var k = 0
                while k < n {
                    let count = n - k
                    let v0 = load8(x0 + k, count), v1 = load8(x0 + n + k, count)
                    let v2 = load8(x0 + 2 * n + k, count), v3 = load8(x0 + 3 * n + k, count)
                    let v4 = load8(x0 + 4 * n + k, count), v5 = load8(x0 + 5 * n + k, count)
                    let v6 = load8(x0 + 6 * n + k, count), v7 = load8(x0 + 7 * n + k, count)
                    for j in 0..<rank {
                        var acc = load8(p + j * n + k, count)
                        acc.addProduct(SIMD8(repeating: hi[j]), v0)
                        acc.addProduct(SIMD8(repeating: hi[rank + j]), v1)
                        acc.addProduct(SIMD8(repeating: hi[2 * rank + j]), v2)
                        acc.addProduct(SIMD8(repeating: hi[3 * rank + j]), v3)
                        acc.addProduct(SIMD8(repeating: hi[4 * rank + j]), v4)
                        acc.addProduct(SIMD8(repeating: hi[5 * rank + j]), v5)
                        acc.addProduct(SIMD8(repeating: hi[6 * rank + j]), v6)
                        acc.addProduct(SIMD8(repeating: hi[7 * rank + j]), v7)
                        store8(acc, p + j * n + k, count)
                    }
                    k += 8
                }
                i += 8
            }
            while i < range.upperBound {
                for j in 0..<rank {
                    let c = SIMD8<Float>(repeating: h[i * rank + j])
                    var k = 0
                    while k < n {
                        var acc = load8(p + j * n + k, n - k)
                        acc.addProduct(c, load8(x + i * n + k, n - k))
                        store8(acc, p + j * n + k, n - k)
                        k += 8
                    }
                }
                i += 1
            }
        }
        if chunks > 1 { Parallel.concurrently(chunks, sumRows) } else { sumRows(0) }
        Parallel.forRanges(size, costPerItem: chunks) { range in
            for e in range {
                var s: Float = 0
                for c in 0..<chunks { s += partials[c * size + e] }
                g[e] += scale * s
            }
        }
    }
}

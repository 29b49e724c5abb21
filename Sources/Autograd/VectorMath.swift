// VectorMath: SIMD exp and the exp-based loops (softmax rows, sigmoid) shared by the fused kernels.

/// e^x for 8 lanes: Cephes `expf` (range reduction by ln 2, degree-6 polynomial), about 1 ulp on
/// [-87, 88]; inputs are clamped to that range (so e^-∞ gives ~1e-38, not 0: callers mask explicitly).
/// Pure arithmetic, so results never depend on threads or alignment.
@inline(__always)
func exp8(_ input: SIMD8<Float>) -> SIMD8<Float> {
    var x = input
    let lo = SIMD8<Float>(repeating: -87.33), hi = SIMD8<Float>(repeating: 88.72)
    x.replace(with: lo, where: x .< lo)
    x.replace(with: hi, where: x .> hi)
    // n = round(x / ln 2) by the 1.5·2^23 trick: t's low mantissa bits hold n, so (bits(t) + 127) << 23 is 2^n.
    let t = x * 1.44269504088896341 + 12582912.0
    let n = t - 12582912.0
    x = x - n * 0.693359375
    x = x + n * 2.12194440e-4
    let x2 = x * x
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * x + 1.3981999507e-3
    p = p * x + 8.3334519073e-3
    p = p * x + 4.1665795894e-2
    p = p * x + 1.6666665459e-1
    p = p * x + 5.0000001201e-1
    p = p * x2 + x + 1
    let bits = (unsafeBitCast(t, to: SIMD8<Int32>.self) &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
}

/// Σ of the 8 lanes in a fixed order.
@inline(__always)
func laneSum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    return (h[0] + h[2]) + (h[1] + h[3])
}

/// Loads up to 8 floats (missing lanes get `fill`).
@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> SIMD8<Float> {
    if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>(repeating: fill)
    for i in 0..<count { v[i] = p[i] }
    return v
}

/// Stores the first `count` (≤ 8) lanes.
@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self); return }
    for i in 0..<count { p[i] = v[i] }
}

/// dst[i] = e^(src[i] − shift) for i < count; returns Σ dst (lane sums combined in a fixed order).
@inline(__always)
func expShifted(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i < count {
        let n = min(8, count - i)
        var e = exp8(load8(src + i, n) - shift)
        if n < 8 { for l in n..<8 { e[l] = 0 } }
        acc += e
        store8(e, dst + i, n)
        i += 8
    }
    return laneSum(acc)
}

/// Σ_i e^(src[i] − shift), without storing.
@inline(__always)
func sumExpShifted(_ src: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i < count {
        let n = min(8, count - i)
        var e = exp8(load8(src + i, n) - shift)
        if n < 8 { for l in n..<8 { e[l] = 0 } }
        acc += e
        i += 8
    }
    return laneSum(acc)
}

/// max_i src[i] (−∞ for count 0).
@inline(__always)
func maxOf(_ src: UnsafePointer<Float>, count: Int) -> Float {
    var m = SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i < count {
        let v = load8(src + i, min(8, count - i), fill: -.infinity)
        m.replace(with: v, where: v .> m)
        i += 8
    }
    var best = m[0]
    for l in 1..<8 where m[l] > best { best = m[l] }
    return best
}

/// σ(x) = 1 / (1 + e^−x) for 8 lanes.
@inline(__always)
func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp8(-x)) }

import Foundation

/// A linear axis with "nice" ticks (1, 2, 2.5 or 5 × 10^k) covering a data range.
struct PlotAxis {
    var lower: Double
    var upper: Double
    var ticks: [Double]

    /// An axis that covers `min...max` with about `count` ticks at round values.
    init(min lo: Double, max hi: Double, count: Int = 6, includeZero: Bool = false) {
        var lo = includeZero ? Swift.min(lo, 0) : lo
        var hi = hi
        if !(hi > lo) { let pad = Swift.max(abs(lo) * 0.05, 1e-3); lo -= pad; hi += pad }
        let step = PlotAxis.niceStep((hi - lo) / Double(Swift.max(1, count - 1)))
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
        var t: [Double] = []
        var v = lower
        while v <= upper + step * 1e-9 { t.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        ticks = t
    }

    /// The round number (1, 2, 2.5, 5 × 10^k) nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let exp = (log10(raw)).rounded(.down)
        let base = pow(10, exp)
        for m in [1, 2, 2.5, 5, 10] where m * base >= raw * 0.999 { return m * base }
        return 10 * base
    }

    /// Maps `v` into `a...b` (pixels).
    func scale(_ v: Double, _ a: Double, _ b: Double) -> Double {
        a + (v - lower) / (upper - lower) * (b - a)
    }
}

import Foundation

/// Draws for the telemetry simulator and exercise generator, each from `next()` only, so the same seed
/// gives the same values on every platform.
extension SplitMix64 {
    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal by Box–Muller (two uniforms per sample).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal with the given median and log-space standard deviation `sigma`.
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * Foundation.exp(sigma * normal())
    }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * Foundation.log(max(1 - unit(), 1e-300)) }

    /// Uniform integer in `range` (precondition: not empty; modulo draw, so very slightly biased for huge ranges).
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// One of `items`, uniformly (precondition: not empty).
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A string of `digits` lowercase hex digits.
    public mutating func hex(_ digits: Int) -> String {
        var s = ""
        while s.count < digits {
            let word = String(next(), radix: 16)
            s += String(repeating: "0", count: 16 - word.count) + word
        }
        return String(s.prefix(digits))
    }
}

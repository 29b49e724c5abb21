import Corpus
import Foundation

/// The seedable generator of simulated telemetry: `SplitMix64` (the loader's), so the same seed gives the
/// same events on every platform. Not for anything secret.
public typealias SeededGenerator = SplitMix64

/// Draws for the telemetry simulator and exercise generator.
extension SplitMix64 {
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal by Box–Muller.
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

    /// Uniform integer in `range` (precondition: not empty).
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A hex string of `digits` digits.
    public mutating func hex(_ digits: Int) -> String {
        var s = ""
        while s.count < digits { s += String(next(), radix: 16).leftPadded(to: 16) }
        return String(s.prefix(digits))
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

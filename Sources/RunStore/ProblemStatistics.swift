import Foundation
import SeededRandom

/// A 95% interval of a mean over problems (`summary.json`'s `pass_at_k_interval`): the percentile bootstrap
/// over problems, resampled with a fixed seed so the same per-problem values always give the same interval.
public struct ProblemInterval: Codable, Equatable, Sendable {
    /// The mean over problems (the reported pass@k itself).
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// How many problems the mean and the interval rest on.
    public var problems: Int
    /// Coverage, 0.95.
    public var level: Double
    /// `bootstrap-percentile`.
    public var method: String
    public var resamples: Int
    public var seed: UInt64

    public init(estimate: Double, lower: Double, upper: Double, problems: Int, level: Double, method: String, resamples: Int, seed: UInt64) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.problems = problems
        self.level = level
        self.method = method
        self.resamples = resamples
        self.seed = seed
    }
}

extension ProblemInterval {
    /// The interval as every report writes it after the value: `[0.010, 0.050] n=84`.
    public var bracketed: String { String(format: "[%.3f, %.3f] n=%d", lower, upper, problems) }
}

/// Two runs' per-problem scores compared on the problems both scored (`candidate − baseline`, paired).
public struct PairedDifference: Codable, Equatable, Sendable {
    /// Mean over shared problems of candidate − baseline (negative: the candidate is lower).
    public var difference: Double
    /// 95% paired percentile bootstrap interval of `difference`.
    public var lower: Double
    public var upper: Double
    /// Two-sided p-value of the sign-flip permutation test of "no difference".
    public var p_value: Double
    /// Problems both runs scored.
    public var problems: Int
    /// Shared problems whose scores differ (only these move the test).
    public var discordant: Int
    /// `exact` (all 2^discordant sign patterns) or `monte-carlo` (`resamples` random patterns).
    public var permutation: String
    public var resamples: Int
    public var seed: UInt64

    /// Whether the test rejects "no difference" at `level` (p below it).
    public func isSignificant(at level: Double) -> Bool { p_value < level }
}

/// The statistics over problems behind every pass@k interval and paired comparison.
///
/// - Interval of a mean: percentile bootstrap over problems (10,000 resamples of the problems with
///   replacement, seeded; the 2.5% and 97.5% quantiles of the resampled means, linear interpolation
///   between order statistics as numpy's default). Per-problem pass@k is mostly 0 on small models, and
///   the normal interval of the standard error then reaches below 0; the percentile bootstrap stays in
///   [0, 1] and follows the skew.
/// - Paired comparison: the differences per shared problem; the interval is the paired bootstrap of
///   their mean (same resampling), the p-value the sign-flip permutation test (under "no difference"
///   each problem's difference is as likely negated): exact over all sign patterns when at most
///   `exactLimit` problems differ, else `resamples` random patterns with the (1 + hits) / (1 + R) rule.
public enum ProblemStatistics {
    public static let resamples = 10_000
    public static let level = 0.95
    /// Up to this many differing problems the permutation test enumerates every sign pattern.
    public static let exactLimit = 20

    /// The percentile bootstrap interval of the mean of `values` (nil when empty).
    public static func interval(of values: [Double], seed: UInt64, resamples: Int = resamples, level: Double = level) -> ProblemInterval? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let (lo, hi) = bootstrap(values, seed: seed, resamples: resamples, level: level)
        return ProblemInterval(estimate: mean, lower: lo, upper: hi, problems: values.count, level: level,
                               method: "bootstrap-percentile", resamples: resamples, seed: seed)
    }

    /// Paired comparison of `candidate` against `baseline`, both keyed by problem id; only the problems
    /// both hold count. Nil when they share none.
    public static func paired(baseline: [String: Double], candidate: [String: Double], seed: UInt64,
                              resamples: Int = resamples, level: Double = level) -> PairedDifference? {
        let shared = baseline.keys.filter { candidate[$0] != nil }.sorted()
        guard !shared.isEmpty else { return nil }
        let d = shared.map { candidate[$0]! - baseline[$0]! }
        let mean = d.reduce(0, +) / Double(d.count)
        let (lo, hi) = bootstrap(d, seed: seed, resamples: resamples, level: level)
        let (p, exact) = signFlipPValue(d, seed: SplitMix64.mix(seed), resamples: resamples)
        return PairedDifference(difference: mean, lower: lo, upper: hi, p_value: p, problems: d.count,
                                discordant: d.filter { $0 != 0 }.count, permutation: exact ? "exact" : "monte-carlo",
                                resamples: exact ? 0 : resamples, seed: seed)
    }

    /// Two-sided p-value of the sign-flip permutation test of mean(d) = 0, and whether it was exact.
    public static func signFlipPValue(_ d: [Double], seed: UInt64, resamples: Int = resamples) -> (Double, Bool) {
        let nz = d.filter { $0 != 0 }
        guard !nz.isEmpty else { return (1, true) }
        let observed = abs(nz.reduce(0, +))
        let slack = 1e-9 * max(1, nz.reduce(0) { $0 + abs($1) })
        if nz.count <= exactLimit {
            // Gray code: each pattern differs from the previous one in one sign.
            var signs = [Double](repeating: 1, count: nz.count)
            var sum = nz.reduce(0, +)
            var hits = 0
            let total = 1 << nz.count
            for i in 0..<total {
                if i > 0 {
                    let bit = i.trailingZeroBitCount
                    sum -= 2 * signs[bit] * nz[bit]
                    signs[bit] = -signs[bit]
                }
                if abs(sum) >= observed - slack { hits += 1 }
            }
            return (Double(hits) / Double(total), true)
        }
        var rng = SplitMix64(seed: seed)
        var hits = 0
        for _ in 0..<resamples {
            var sum = 0.0
            var bits: UInt64 = 0, left = 0
            for x in nz {
                if left == 0 { bits = rng.next(); left = 64 }
                sum += (bits & 1) == 1 ? x : -x
                bits >>= 1
                left -= 1
            }
            if abs(sum) >= observed - slack { hits += 1 }
        }
        return (Double(1 + hits) / Double(1 + resamples), false)
    }

    /// The (1 − level)/2 and (1 + level)/2 quantiles of `resamples` bootstrap means of `values`.
    static func bootstrap(_ values: [Double], seed: UInt64, resamples: Int, level: Double) -> (Double, Double) {
        let n = values.count
        if Set(values).count == 1 { return (values[0], values[0]) }
        var rng = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += values[Int(rng.next(below: UInt64(n)))] }
            means[r] = sum / Double(n)
        }
        means.sort()
        return (quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2))
    }

    /// The q-quantile of ascending `sorted`, interpolating linearly between order statistics
    /// (numpy's default, Hyndman–Fan type 7).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let i = Int(h.rounded(.down))
        if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }
}

import RunStore
import XCTest

/// The interval and the paired test against values computed by hand and, independently, with numpy/scipy
/// (`Fixtures/statistics_expectations.py`, whose printed numbers are the ones hard-coded here).
final class ProblemStatisticsTests: XCTestCase {
    /// One problem of ten passes. A bootstrap resample's mean is Binomial(10, 0.1) / 10, whose CDF is
    /// 0.349 at 0 (> 2.5%) and 0.930 at 0.2, 0.987 at 0.3 (97.5% lies between): the interval is [0, 0.3].
    /// scipy.stats.bootstrap(method="percentile") gives the same.
    func testIntervalOfOneInTenByHand() throws {
        let values = [1.0] + Array(repeating: 0.0, count: 9)
        let ci = try XCTUnwrap(ProblemStatistics.interval(of: values, seed: 0))
        XCTAssertEqual(ci.estimate, 0.1, accuracy: 1e-12)
        XCTAssertEqual(ci.lower, 0, accuracy: 1e-12)
        XCTAssertEqual(ci.upper, 0.3, accuracy: 1e-12)
        XCTAssertEqual(ci.problems, 10)
        XCTAssertEqual(ci.level, 0.95)
        XCTAssertEqual(ci.method, "bootstrap-percentile")
        XCTAssertEqual(ci.resamples, 10_000)
        // Seeded: the same seed gives the same interval; another seed lands on the same atoms here.
        XCTAssertEqual(ProblemStatistics.interval(of: values, seed: 0), ci)
        let other = try XCTUnwrap(ProblemStatistics.interval(of: values, seed: 7))
        XCTAssertEqual([other.lower, other.upper], [0, 0.3])
        // Never below 0 (a normal interval from the standard error would be 0.1 ± 0.196 → [-0.096, 0.296]).
        XCTAssertGreaterThanOrEqual(ci.lower, 0)
    }

    /// Fractional per-problem values (pass@k for k > 1): all 5^5 resamples enumerated give the quantiles
    /// [0.09, 0.66] (numpy); 10,000 random resamples land within Monte Carlo error of them. The exact CDF
    /// is 0.974 at 0.64, so the upper end falls on 0.64 or 0.66 depending on the draw (scipy's
    /// percentile bootstrap does the same across seeds): hence 0.021.
    func testIntervalOfFractionalValuesAgainstExactBootstrap() throws {
        let ci = try XCTUnwrap(ProblemStatistics.interval(of: [0.0, 0.1, 0.25, 0.5, 0.9], seed: 3))
        XCTAssertEqual(ci.estimate, 0.35, accuracy: 1e-12)
        XCTAssertEqual(ci.lower, 0.09, accuracy: 0.02)
        XCTAssertEqual(ci.upper, 0.66, accuracy: 0.021)
    }

    func testIntervalEdgeCases() {
        XCTAssertNil(ProblemStatistics.interval(of: [], seed: 0))
        let zeros = ProblemStatistics.interval(of: [0, 0, 0], seed: 0)
        XCTAssertEqual(zeros.map { [$0.estimate, $0.lower, $0.upper] }, [0, 0, 0])
        XCTAssertEqual(ProblemStatistics.quantile([0, 1, 2, 3], 0.5), 1.5)
        XCTAssertEqual(ProblemStatistics.quantile([5], 0.975), 5)
    }

    /// Exact sign-flip p-values (scipy.stats.permutation_test, permutation_type="samples"):
    /// 10 drops and 20 ties → 2 / 2^10; 3 drops and 1 gain → 10 / 16 (|sum| ≥ 2 in 10 of 16 patterns).
    func testSignFlipExactByHandAndScipy() {
        let (significant, exact1) = ProblemStatistics.signFlipPValue(Array(repeating: -1, count: 10) + Array(repeating: 0, count: 20), seed: 0)
        XCTAssertTrue(exact1)
        XCTAssertEqual(significant, 0.001953125, accuracy: 1e-15)
        let (insignificant, _) = ProblemStatistics.signFlipPValue([-1, -1, -1, 1] + Array(repeating: 0, count: 26), seed: 0)
        XCTAssertEqual(insignificant, 0.625, accuracy: 1e-15)
        let mixed = [-0.5, -0.25, 0.1, -0.9, -0.3, 0.2, -0.05, -0.7, 0.0, -0.15, 0.4, -0.6]
        XCTAssertEqual(ProblemStatistics.signFlipPValue(mixed, seed: 0).0, 0.0732421875, accuracy: 1e-15)
        XCTAssertEqual(ProblemStatistics.signFlipPValue([0, 0], seed: 0).0, 1)
    }

    /// Past 20 differing problems the test samples sign patterns: 25 drops and 5 gains has the exact
    /// two-sided binomial p 0.000325 (scipy.stats.binomtest); (1 + hits) / 10,001 stays near it.
    func testSignFlipMonteCarlo() {
        let d = Array(repeating: -1.0, count: 25) + Array(repeating: 1.0, count: 5)
        let (p, exact) = ProblemStatistics.signFlipPValue(d, seed: 11)
        XCTAssertFalse(exact)
        XCTAssertGreaterThanOrEqual(p, 1.0 / 10_001)
        XCTAssertLessThan(p, 0.0015)
        XCTAssertEqual(ProblemStatistics.signFlipPValue(d, seed: 11).0, p)  // seeded
        let balanced = Array(repeating: -1.0, count: 13) + Array(repeating: 1.0, count: 12)
        XCTAssertGreaterThan(ProblemStatistics.signFlipPValue(balanced, seed: 11).0, 0.5)
    }

    /// Pairing uses only the problems both runs scored; the difference is candidate − baseline.
    func testPairedOnSharedProblems() throws {
        var baseline: [String: Double] = [:], candidate: [String: Double] = [:]
        for i in 0..<30 {
            baseline["P/\(i)"] = i < 12 ? 1 : 0
            candidate["P/\(i)"] = i < 2 ? 1 : 0   // lost ten problems
        }
        baseline["only-in-baseline"] = 1
        candidate["only-in-candidate"] = 0
        let p = try XCTUnwrap(ProblemStatistics.paired(baseline: baseline, candidate: candidate, seed: 0))
        XCTAssertEqual(p.problems, 30)
        XCTAssertEqual(p.discordant, 10)
        XCTAssertEqual(p.difference, -10.0 / 30, accuracy: 1e-12)
        XCTAssertEqual(p.p_value, 0.001953125, accuracy: 1e-15)
        XCTAssertEqual(p.permutation, "exact")
        XCTAssertLessThan(p.upper, 0)
        XCTAssertLessThanOrEqual(p.lower, p.difference)
        XCTAssertNil(ProblemStatistics.paired(baseline: ["a": 1], candidate: ["b": 1], seed: 0))
    }
}

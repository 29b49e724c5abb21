import Autograd
import Foundation

/// The FLOP/s of a square single-precision matrix product in this process (the denominator of
/// MFU, as DESIGN.md defines it): the best of a few 512×512×512 products through the same BLAS
/// and thread settings training uses. Takes about a tenth of a second.
public enum SgemmPeak {
    public static func measure(size n: Int = 512, repeats: Int = 10) -> Double {
        var g = WeightGenerator(seed: 1)
        let a = Tensor(zeros: [n, n]), b = Tensor(zeros: [n, n])
        a.fillNormal(std: 1, using: &g)
        b.fillNormal(std: 1, using: &g)
        let tape = Tape.inference()
        var best = 0.0
        for _ in 0..<repeats {
            tape.reset()
            let start = ContinuousClock.now
            _ = tape.matmul(a, b)
            let s = seconds(ContinuousClock.now - start)
            if s > 0 { best = max(best, 2 * Double(n * n * n) / s) }
        }
        return best
    }
}

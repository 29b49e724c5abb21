import Foundation

/// What a stage's `best-<stage>` checkpoint is best at, and what its early stopping watches
/// (`best:` in a stage; `val_loss` when absent).
///
/// - `val_loss`: the lowest validation loss, measured every `eval_every` steps and at the stage's end.
/// - `pass@K@SUITE`: the highest pass@K of a periodic eval of the stage (`every: N` in `evals`) whose
///   suite file is `SUITE.yaml` (`pass@1@basic-python` ↔ `Evals/basic-python.yaml`), measured on each
///   `step-N` checkpoint it scores and, so that the stage's final weights compete too, on the stage's
///   end checkpoint when `N` divides the stage's steps.
public enum BestMetric: Equatable, Sendable, CustomStringConvertible {
    case validationLoss
    case passAtK(k: Int, suite: String)

    /// Parses `val_loss` or `pass@K@SUITE` (K ≥ 1, SUITE non-empty); nil for anything else.
    public init?(_ text: String) {
        if text == "val_loss" { self = .validationLoss; return }
        let parts = text.split(separator: "@", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "pass", let k = Int(parts[1]), k >= 1, !parts[2].isEmpty else { return nil }
        self = .passAtK(k: k, suite: String(parts[2]))
    }

    public var description: String {
        switch self {
        case .validationLoss: return "val_loss"
        case .passAtK(let k, let suite): return "pass@\(k)@\(suite)"
        }
    }

    /// Whether `value` beats `best` (nil: nothing measured yet) by more than `minDelta`: lower for a
    /// loss, higher for a pass rate. A NaN or infinite value never does.
    public func improves(_ value: Double, on best: Double?, minDelta: Double) -> Bool {
        guard value.isFinite else { return false }
        guard let best else { return true }
        switch self {
        case .validationLoss: return value < best - minDelta
        case .passAtK: return value > best + minDelta
        }
    }

    /// The name an eval suite file answers to in `pass@K@SUITE`: its file name without `.yaml`/`.yml`.
    public static func suiteName(of file: URL) -> String { file.deletingPathExtension().lastPathComponent }
}

import Foundation
import RunStore

/// Turns `TrainingProgress` into text for a person: a live bar redrawn in place on a terminal
/// (stage, step/total, loss, tokens/s, ETA), a plain line per report otherwise, or nothing.
/// Validation, checkpoints, stage changes, evals and non-finite values always get a line of their own;
/// an eval that could not run is an error and prints even in quiet mode.
public final class ProgressPrinter {
    public enum Mode: Sendable {
        /// Redraw one status line in place (`\r` + erase line); events print above it.
        case live
        /// One line per training report.
        case lines
        case quiet
    }

    let mode: Mode
    let write: (String) -> Void
    var stage = ""
    var stageLabel = ""
    var tokensPerStep = 0
    var barShown = false

    /// - Parameter write: receives text to put on the terminal as is (newlines included).
    public init(mode: Mode, write: @escaping (String) -> Void) {
        self.mode = mode
        self.write = write
    }

    /// Writes to standard error: live on a terminal, lines otherwise.
    public static func standardError(quiet: Bool) -> ProgressPrinter {
        let mode: Mode = quiet ? .quiet : (isatty(STDERR_FILENO) != 0 ? .live : .lines)
        return ProgressPrinter(mode: mode) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    public func handle(_ progress: TrainingProgress) {
        if case .evaluated(let r) = progress, case .couldNotRun(let error) = r.outcome {
            line("eval \(r.suite.path) after stage \(r.stage): \(error)")   // an error: printed even when quiet
            return
        }
        if case .quiet = mode { return }
        switch progress {
        case .stageStarted(let s):
            stage = s.stage
            stageLabel = "\(s.stage) \(s.index + 1)/\(s.stageCount)"
            tokensPerStep = s.tokensPerStep
            let from = s.fromStep > 0 ? ", resuming at step \(s.fromStep)" : ""
            line("stage \(stageLabel): \(s.totalSteps) steps × \(s.tokensPerStep) tokens\(from)")
        case .trained(let r):
            let eta = Double(r.totalSteps - r.stageStep) * Double(tokensPerStep) / max(r.tokensPerSecond, 1e-9)
            var text = "[\(stageLabel)] step \(r.stageStep)/\(r.totalSteps) loss \(String(format: "%.4f", r.loss)) lr \(String(format: "%.2e", r.lr))"
            text += " gnorm \(String(format: "%.2f", r.gradNorm)) \(ProgressPrinter.rate(r.tokensPerSecond)) tok/s"
            if let mfu = r.mfu { text += " mfu \(String(format: "%.1f", mfu * 100))%" }
            text += " eta \(ProgressPrinter.duration(eta))"
            if case .live = mode {
                let width = 20
                let filled = min(width, Int(Double(width) * Double(r.stageStep) / Double(max(1, r.totalSteps))))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                write("\r\u{1B}[2K\(bar) \(text)")
                barShown = true
            } else {
                write(text + "\n")
            }
        case .validated(let v):
            line("[\(stageLabel)] step \(v.stageStep) val loss \(String(format: "%.4f", v.loss))\(v.improved ? " (best)" : "")")
        case .checkpointed(let c):
            line("[\(stageLabel)] checkpoint \(c.directory.lastPathComponent)")
        case .bestMeasured(let b):
            line("[\(stageLabel)] step \(b.stageStep) \(b.metric) \(String(format: "%.4f", b.value))\(b.improved ? " (best)" : "")")
        case .nonFinite(let n):
            line("[\(stageLabel)] step \(n.stageStep): non-finite value in \(n.tensor)\(n.skipped ? "; update skipped" : "; stopping")")
        case .stageFinished(let e):
            line("stage \(e.stage) finished after \(e.steps) steps\(e.earlyStopped ? " (early stopping)" : "")")
        case .evalStarted(let e):
            line(e.stage.hasPrefix("step-") ? "eval \(e.suite.lastPathComponent) on checkpoint \(e.stage)"
                                            : "eval \(e.suite.lastPathComponent) on stage \(e.stage)'s checkpoint")
        case .evaluated(let r):
            guard case .scored(let e) = r.outcome else { return }
            let s = e.summary
            let passes = s.pass_at_k.keys.sorted().map { k in
                "\(k) \(String(format: "%.3f", s.pass_at_k[k] ?? 0))"
                    + (s.pass_at_k_interval?[k].map { " " + $0.bracketed } ?? "")
            }
            line("eval \(s.suite) after \(r.stage): \(passes.joined(separator: ", ")) (\(s.verdict.rawValue)) -> \(e.directory.path)")
            if s.verdict == .fail && !r.gated && !r.stage.hasPrefix("step-") {
                line("eval \(s.suite) after \(r.stage): below thresholds; not gated (\(r.gate ? "only the last stage is" : "gate: false"))")
            }
        }
    }

    /// A message line (status notes from outside the loop).
    public func note(_ text: String) {
        if case .quiet = mode { return }
        line(text)
    }

    /// Ends the live line so later output starts on a fresh line.
    public func finish() {
        if barShown { write("\n"); barShown = false }
    }

    func line(_ text: String) {
        if barShown { write("\r\u{1B}[2K"); barShown = false }
        write(text + "\n")
    }

    static func rate(_ v: Double) -> String {
        v >= 10_000 ? String(format: "%.1fk", v / 1000) : String(format: "%.0f", v)
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return String(format: "%dm%02ds", t / 60, t % 60) }
        return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60)
    }
}

import Foundation

/// The name of a checkpoint directory under a run's `checkpoints/`: the one place these names are
/// formatted (`description`) and parsed (`init?(_:)`).
///
/// ```
/// step-00000200   periodic, at run-wide step 200 (eight digits, more past 99 999 999)
/// stage-<name>    the end of stage <name>; the next stage starts from it
/// best-<name>     the lowest validation loss of stage <name> so far
/// ```
public enum CheckpointName: Hashable, Sendable, CustomStringConvertible {
    case step(Int)
    case stage(String)
    case best(String)

    static let stepPrefix = "step-"
    static let stagePrefix = "stage-"
    static let bestPrefix = "best-"

    /// Parses a directory name; nil for anything the trainer does not write (a temporary, `step-12`).
    public init?(_ name: String) {
        if name.hasPrefix(Self.stepPrefix), let step = Int(name.dropFirst(Self.stepPrefix.count)), step >= 0 {
            self = .step(step)
        } else if name.hasPrefix(Self.stagePrefix), name.count > Self.stagePrefix.count {
            self = .stage(String(name.dropFirst(Self.stagePrefix.count)))
        } else if name.hasPrefix(Self.bestPrefix), name.count > Self.bestPrefix.count {
            self = .best(String(name.dropFirst(Self.bestPrefix.count)))
        } else {
            return nil
        }
        if description != name { return nil }   // only the canonical spelling (`step-00000012`, not `step-12`)
    }

    /// The directory name.
    public var description: String {
        switch self {
        case .step(let step): return Self.stepPrefix + String(format: "%08d", step)
        case .stage(let stage): return Self.stagePrefix + stage
        case .best(let stage): return Self.bestPrefix + stage
        }
    }

    /// Whether a resume may continue from it: periodic checkpoints and stage ends (a `best-` one is
    /// behind the stage's latest step).
    public var isResumePoint: Bool {
        if case .best = self { return false }
        return true
    }

    /// The label of checkpoint directory `name` under a run's `evals/<suite>/<label>/`: the stage name for a
    /// stage end (what training writes, so `runs compare` lines stages up), else the directory name.
    public static func evalLabel(of name: String) -> String {
        if case .stage(let stage) = CheckpointName(name) { return stage }
        return name
    }
}

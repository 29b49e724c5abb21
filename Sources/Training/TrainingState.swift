import Corpus
import FileFormats
import Foundation
import RunStore

/// `state.json` of a checkpoint: everything besides weights and moments that a resume needs to
/// continue exactly where the run was.
///
/// One flat JSON object: the `position` (RunStore's `CheckpointPosition`: `step`, `stage_index`, `stage`,
/// `stage_step`, `stage_finished`) and this type's own keys side by side, so RunStore reads the position
/// of any checkpoint without knowing the rest.
public struct TrainingState: Equatable, Sendable {
    /// Where the checkpoint stands: run-wide step, the stage (index, name, steps done) and whether it is finished.
    public var position: CheckpointPosition
    /// Run-wide tokens consumed.
    public var tokens: Int
    /// Training seconds, summed over launches.
    public var elapsed: Double
    /// The training batch stream's position within the stage.
    public var dataPosition: LoaderPosition
    /// The run's random generator (xoshiro256** state words, hex).
    public var rng: [String]
    /// AdamW's step count (the bias-correction t) for the moments in `optimizer.safetensors`.
    public var optimizerSteps: Int
    /// Best validation loss of the stage so far.
    public var bestValLoss: Double?
    /// Measurements of the stage's `best` metric since it last improved (early stopping).
    public var evalsSinceBest: Int
    /// The partial training-loss report window (sum, steps) so reports after a resume match.
    public var windowLossSum: Double
    public var windowSteps: Int
    /// Updates skipped for non-finite values in the stage (`on_nan: skip`).
    public var skippedSteps: Int
    /// Best pass@k of the stage so far when its `best` is `pass@K@SUITE`.
    public var bestScore: Double? = nil
    /// This checkpoint is due a periodic eval that had not finished when it was written; a resume from it
    /// runs that eval first (so a process killed mid-eval continues as if it had not been).
    public var scorePending: Bool = false

    enum CodingKeys: String, CodingKey {
        case tokens, elapsed, rng
        case dataPosition = "data_position"
        case optimizerSteps = "optimizer_steps"
        case bestValLoss = "best_val_loss"
        case evalsSinceBest = "evals_since_best"
        case windowLossSum = "window_loss_sum"
        case windowSteps = "window_steps"
        case skippedSteps = "skipped_steps"
        case bestScore = "best_score"
        case scorePending = "score_pending"
    }

    public func write(into directory: URL) throws {
        try json().write(to: directory.appendingPathComponent(CheckpointPosition.fileName))
    }

    /// `state.json`'s bytes: pretty-printed, sorted keys, a final newline.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func read(from directory: URL) throws -> TrainingState {
        try CheckpointPosition.decode(TrainingState.self, from: directory)
    }

    static func hex(_ words: [UInt64]) -> [String] { words.map { String(format: "%016llx", $0) } }
    static func words(_ hex: [String]) -> [UInt64]? {
        let w = hex.compactMap { UInt64($0, radix: 16) }
        return w.count == hex.count && w.count == 4 ? w : nil
    }
}

/// The position and the rest share one JSON object (one encoder / decoder, two keyed views of it).
/// In an extension so the memberwise initializer stays.
extension TrainingState: Codable {
    public init(from decoder: Decoder) throws {
        position = try CheckpointPosition(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try c.decode(Int.self, forKey: .tokens)
        elapsed = try c.decode(Double.self, forKey: .elapsed)
        dataPosition = try c.decode(LoaderPosition.self, forKey: .dataPosition)
        rng = try c.decode([String].self, forKey: .rng)
        optimizerSteps = try c.decode(Int.self, forKey: .optimizerSteps)
        bestValLoss = try c.decodeIfPresent(Double.self, forKey: .bestValLoss)
        evalsSinceBest = try c.decode(Int.self, forKey: .evalsSinceBest)
        windowLossSum = try c.decode(Double.self, forKey: .windowLossSum)
        windowSteps = try c.decode(Int.self, forKey: .windowSteps)
        skippedSteps = try c.decode(Int.self, forKey: .skippedSteps)
        bestScore = try c.decodeIfPresent(Double.self, forKey: .bestScore)
        scorePending = try c.decodeIfPresent(Bool.self, forKey: .scorePending) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        try position.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(elapsed, forKey: .elapsed)
        try c.encode(dataPosition, forKey: .dataPosition)
        try c.encode(rng, forKey: .rng)
        try c.encode(optimizerSteps, forKey: .optimizerSteps)
        try c.encodeIfPresent(bestValLoss, forKey: .bestValLoss)
        try c.encode(evalsSinceBest, forKey: .evalsSinceBest)
        try c.encode(windowLossSum, forKey: .windowLossSum)
        try c.encode(windowSteps, forKey: .windowSteps)
        try c.encode(skippedSteps, forKey: .skippedSteps)
        try c.encodeIfPresent(bestScore, forKey: .bestScore)
        if scorePending { try c.encode(true, forKey: .scorePending) }
    }
}

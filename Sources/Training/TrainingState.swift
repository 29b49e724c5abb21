import Corpus
import FileFormats
import Foundation

/// `state.json` of a checkpoint: everything besides weights and moments that a resume needs to
/// continue exactly where the run was.
public struct TrainingState: Codable, Equatable, Sendable {
    /// Run-wide optimizer steps completed.
    public var step: Int
    /// Index into the config's stages of the stage in progress (or just finished).
    public var stageIndex: Int
    public var stage: String
    /// Steps completed in that stage.
    public var stageStep: Int
    /// Whether that stage is finished (its end checkpoint): resume starts the next stage.
    public var stageFinished: Bool
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
    /// Best validation loss of the stage so far, and measurements since it improved (early stopping).
    public var bestValLoss: Double?
    public var evalsSinceBest: Int
    /// The partial training-loss report window (sum, steps) so reports after a resume match.
    public var windowLossSum: Double
    public var windowSteps: Int
    /// Updates skipped for non-finite values in the stage (`on_nan: skip`).
    public var skippedSteps: Int

    enum CodingKeys: String, CodingKey {
        case step, stage, tokens, elapsed, rng
        case stageIndex = "stage_index"
        case stageStep = "stage_step"
        case stageFinished = "stage_finished"
        case dataPosition = "data_position"
        case optimizerSteps = "optimizer_steps"
        case bestValLoss = "best_val_loss"
        case evalsSinceBest = "evals_since_best"
        case windowLossSum = "window_loss_sum"
        case windowSteps = "window_steps"
        case skippedSteps = "skipped_steps"
    }

    public static let fileName = "state.json"

    public func write(into directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: directory.appendingPathComponent(Self.fileName))
    }

    public static func read(from directory: URL) throws -> TrainingState {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InputError(file: url.path, "cannot read the checkpoint's training state") }
        do { return try JSONDecoder().decode(TrainingState.self, from: data) } catch let e as DecodingError {
            throw InputError(file: url.path, JSONLines.describe(e))
        }
    }

    static func hex(_ words: [UInt64]) -> [String] { words.map { String(format: "%016llx", $0) } }
    static func words(_ hex: [String]) -> [UInt64]? {
        let w = hex.compactMap { UInt64($0, radix: 16) }
        return w.count == hex.count && w.count == 4 ? w : nil
    }
}

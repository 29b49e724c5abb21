import FileFormats
import Foundation

/// Where a checkpoint stands in its run: the part of its `state.json` that the run layout reads.
///
/// Training's full state (`TrainingState`) holds a position and writes its fields into the same JSON
/// object, so `state.json` is one flat object and this type decodes just these keys of it.
public struct CheckpointPosition: Codable, Equatable, Sendable {
    /// Run-wide optimizer steps completed.
    public var step: Int
    /// Index into the config's stages of the stage in progress (or just finished).
    public var stageIndex: Int
    public var stage: String
    /// Steps completed in that stage.
    public var stageStep: Int
    /// Whether that stage is finished (its end checkpoint): a resume starts the next stage.
    public var stageFinished: Bool

    public init(step: Int, stageIndex: Int, stage: String, stageStep: Int, stageFinished: Bool) {
        self.step = step
        self.stageIndex = stageIndex
        self.stage = stage
        self.stageStep = stageStep
        self.stageFinished = stageFinished
    }

    enum CodingKeys: String, CodingKey {
        case step, stage
        case stageIndex = "stage_index"
        case stageStep = "stage_step"
        case stageFinished = "stage_finished"
    }

    /// The file in a checkpoint directory that holds the position (and the rest of the training state).
    public static let fileName = "state.json"

    /// Reads the position from `checkpoint/state.json`. Throws an `InputError` naming the file.
    public static func read(from checkpoint: URL) throws -> CheckpointPosition {
        try decode(CheckpointPosition.self, from: checkpoint)
    }

    /// Decodes `checkpoint/state.json` as `T` (the position, or the whole training state that holds it).
    /// Throws an `InputError` naming the file.
    public static func decode<T: Decodable>(_ type: T.Type, from checkpoint: URL) throws -> T {
        let url = checkpoint.appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InputError(file: url.path, "cannot read the checkpoint's training state") }
        do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
            throw InputError(file: url.path, JSONLines.describe(e))
        }
    }

    /// Whether a resume from `self` continues further along than one from `other`: more steps, or at
    /// equal steps a finished stage.
    public func isAhead(of other: CheckpointPosition) -> Bool {
        (step, stageFinished ? 1 : 0) > (other.step, other.stageFinished ? 1 : 0)
    }
}

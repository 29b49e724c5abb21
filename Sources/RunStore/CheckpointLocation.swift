import Foundation

/// A checkpoint found on disk: its directory, the run it belongs to (if any) and its label under that
/// run's `evals/`. What a `CheckpointReference` resolves to.
public struct CheckpointLocation: Equatable, Sendable {
    /// The checkpoint directory (`config.json`, `model.safetensors`, `tokenizer.json`, ...).
    public var directory: URL
    /// The run whose `checkpoints/` holds it; nil for a checkpoint outside a run (an export).
    public var run: RunDirectory?
    /// Its reports' directory name under the run's `evals/<suite>/` (`CheckpointName.evalLabel(of:)`).
    public var label: String

    /// A checkpoint directory given by path: it belongs to a run when it sits in a directory named `checkpoints`.
    public init(directory: URL) {
        let url = directory.standardizedFileURL
        let parent = url.deletingLastPathComponent()
        self.directory = url
        run = parent.lastPathComponent == "checkpoints" ? RunDirectory(url: parent.deletingLastPathComponent()) : nil
        label = CheckpointName.evalLabel(of: url.lastPathComponent)
    }

    /// Checkpoint `name` of `run` (whether it exists or not).
    public init(run: RunDirectory, name: String) {
        directory = run.checkpoints.url.appendingPathComponent(name, isDirectory: true)
        self.run = run
        label = CheckpointName.evalLabel(of: name)
    }

    /// `RUN/evals/<suite>/<label>/`, where eval suite `suite` (its name) writes its reports for this
    /// checkpoint; nil when the checkpoint is not in a run.
    public func evalDirectory(suite: String) -> URL? {
        run?.evalURL(suite: suite, label: label)
    }
}

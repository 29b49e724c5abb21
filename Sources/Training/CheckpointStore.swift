import Autograd
import FileFormats
import Foundation
import Models

/// The `checkpoints/` directory of a run. Each checkpoint is a directory, published whole by
/// renaming a temporary sibling (`AtomicFile.writeDirectory`):
///
/// ```
/// step-00000200/   periodic, the last `keep_last` of the stage kept
/// stage-<name>/    end of a stage (always kept; the next stage starts from it)
/// best-<name>/     lowest validation loss of the stage so far
///   config.json  model.safetensors  tokenizer.json     (loads in transformers)
///   optimizer.safetensors   AdamW moments: <param>.exp_avg, <param>.exp_avg_sq
///   state.json              TrainingState
/// ```
public struct CheckpointStore {
    public let directory: URL
    public static let optimizerFile = "optimizer.safetensors"

    public init(directory: URL) { self.directory = directory }

    public static func stepName(_ step: Int) -> String { String(format: "step-%08d", step) }
    public static func stageName(_ stage: String) -> String { "stage-\(stage)" }
    public static func bestName(_ stage: String) -> String { "best-\(stage)" }

    /// Writes checkpoint `name` atomically (replacing one of that name) and returns its directory.
    @discardableResult
    public func write(name: String, model: MistralModel, optimizer: AdamW, state: TrainingState, tokenizer: URL?) throws -> URL {
        let url = directory.appendingPathComponent(name, isDirectory: true)
        try model.save(to: url) { tmp in
            try Self.writeOptimizer(optimizer, names: model.parameterSpecs.map(\.name), to: tmp.appendingPathComponent(Self.optimizerFile))
            try state.write(into: tmp)
            if let tokenizer {
                try FileManager.default.copyItem(at: tokenizer, to: tmp.appendingPathComponent(Checkpoint.tokenizerFile))
            }
        }
        return url
    }

    static func writeOptimizer(_ optimizer: AdamW, names: [String], to url: URL) throws {
        var tensors: [SafeTensorsWriter.Tensor] = []
        for (i, name) in names.enumerated() {
            let m = optimizer.firstMoments[i], v = optimizer.secondMoments[i]
            tensors.append(.init(name: name + ".exp_avg", shape: m.shape, values: UnsafeBufferPointer(start: m.data, count: m.count)))
            tensors.append(.init(name: name + ".exp_avg_sq", shape: v.shape, values: UnsafeBufferPointer(start: v.data, count: v.count)))
        }
        try SafeTensorsWriter.write(tensors, to: url, metadata: ["format": "pt", "step": String(optimizer.stepCount)])
    }

    /// Fills `optimizer`'s moments from a checkpoint's `optimizer.safetensors`.
    public static func readOptimizer(into optimizer: AdamW, names: [String], from checkpoint: URL) throws {
        let file = try SafeTensorsFile(contentsOf: checkpoint.appendingPathComponent(optimizerFile))
        for (i, name) in names.enumerated() {
            let m = optimizer.firstMoments[i], v = optimizer.secondMoments[i]
            try file.read(name + ".exp_avg", into: UnsafeMutableBufferPointer(start: m.data, count: m.count))
            try file.read(name + ".exp_avg_sq", into: UnsafeMutableBufferPointer(start: v.data, count: v.count))
        }
    }

    /// Checkpoint directory names (temporaries excluded), sorted.
    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The checkpoint a resume continues from: the highest step among `step-*` and `stage-*`
    /// (at equal steps the stage end, which is further along).
    public func latest() throws -> (url: URL, state: TrainingState)? {
        var best: (URL, TrainingState)?
        for name in names() where name.hasPrefix("step-") || name.hasPrefix("stage-") {
            let url = directory.appendingPathComponent(name, isDirectory: true)
            guard let state = try? TrainingState.read(from: url) else { continue }
            if let b = best, (b.1.step, b.1.stageFinished ? 1 : 0) >= (state.step, state.stageFinished ? 1 : 0) { continue }
            best = (url, state)
        }
        return best
    }

    /// Removes `step-*` checkpoints of `stage` beyond the newest `keepLast`.
    public func prune(stage: String, keepLast: Int) {
        let steps = names().filter { $0.hasPrefix("step-") }.filter {
            (try? TrainingState.read(from: directory.appendingPathComponent($0)))?.stage == stage
        }
        for name in steps.dropLast(keepLast) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Removes temporaries left by a process killed while writing a checkpoint.
    public func removeTemporaries() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

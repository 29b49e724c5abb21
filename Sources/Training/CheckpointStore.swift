import Autograd
import FileFormats
import Foundation
import Models
import RunStore

/// Writes and reads what a checkpoint holds besides the run layout: weights (`config.json`,
/// `model.safetensors`, `tokenizer.json`; in a LoRA stage the adapters and a base reference instead, see
/// `LoRACheckpoint`), AdamW moments of the trained parameters (`optimizer.safetensors`: `<param>.exp_avg`,
/// `<param>.exp_avg_sq`) and the `TrainingState`. Names, the latest checkpoint, pruning and temporaries
/// are the run layout's (`RunCheckpoints`, in RunStore). Each checkpoint is published whole by renaming
/// a temporary sibling (`AtomicFile.writeDirectory`).
public struct CheckpointStore {
    public let directory: RunCheckpoints
    public static let optimizerFile = "optimizer.safetensors"

    /// The store for the `checkpoints/` directory at `directory`.
    public init(directory: URL) { self.directory = RunCheckpoints(url: directory) }

    /// Writes checkpoint `name` atomically (replacing one of that name) and returns its directory.
    @discardableResult
    public func write(_ name: CheckpointName, model: MistralModel, optimizer: AdamW, state: TrainingState, tokenizer: URL?) throws -> URL {
        let url = directory.url(of: name)
        func extra(_ tmp: URL) throws {
            try Self.writeOptimizer(optimizer, names: model.trainableNames, to: tmp.appendingPathComponent(Self.optimizerFile))
            try state.write(into: tmp)
            if let tokenizer {
                try FileManager.default.copyItem(at: tokenizer, to: tmp.appendingPathComponent(Checkpoint.tokenizerFile))
            }
        }
        if model.lora != nil {
            // A LoRA stage: the adapters and their moments only, the base by reference (LoRACheckpoint).
            try AtomicFile.writeDirectory(url) { tmp in
                try LoRACheckpoint.writeFiles(of: model, into: tmp)
                try extra(tmp)
            }
        } else {
            try model.save(to: url, extra: extra)
        }
        return url
    }

    /// Replaces the `state.json` of the published checkpoint at `url` atomically (the weights stay).
    public func rewriteState(_ state: TrainingState, of url: URL) throws {
        try AtomicFile.write(state.json(), to: url.appendingPathComponent(CheckpointPosition.fileName))
    }

    /// Publishes a copy of the checkpoint at `source` as `name` (replacing one of that name) with `state`
    /// as its `state.json`; the weights, moments and tokenizer are copied, not re-serialised.
    @discardableResult
    public func copy(_ source: URL, as name: CheckpointName, state: TrainingState) throws -> URL {
        let url = directory.url(of: name)
        try AtomicFile.writeDirectory(url) { tmp in
            for file in try FileManager.default.contentsOfDirectory(atPath: source.path)
            where !file.hasPrefix(".") && file != CheckpointPosition.fileName {
                try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: tmp.appendingPathComponent(file))
            }
            try state.write(into: tmp)
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

    /// The checkpoint a resume continues from: the furthest along whose `state.json`, `model.safetensors`
    /// and `optimizer.safetensors` all read whole. A damaged one (truncated by a full disk, a corrupt
    /// `state.json`) is passed over with a note naming it and the reason, never silently, and the one
    /// before it is taken. Nil when there are no checkpoints; throws when every checkpoint is damaged.
    public func latestIntact(note: (String) -> Void) throws -> (url: URL, state: TrainingState)? {
        var candidates: [(name: String, url: URL, position: CheckpointPosition)] = []
        var damaged: [String] = []
        for text in directory.names() {
            guard let name = CheckpointName(text), name.isResumePoint else { continue }
            let url = directory.url(of: name)
            do {
                candidates.append((text, url, try CheckpointPosition.read(from: url)))
            } catch {
                damaged.append(text)
                note("checkpoint \(text) is damaged (\(Self.reason(error))); passed over")
            }
        }
        candidates.sort { $0.position.isAhead(of: $1.position) }
        for c in candidates {
            do {
                let state = try TrainingState.read(from: c.url)
                _ = try SafeTensorsFile(contentsOf: c.url.appendingPathComponent(Checkpoint.weightsFile))
                _ = try SafeTensorsFile(contentsOf: c.url.appendingPathComponent(Self.optimizerFile))
                if !damaged.isEmpty { note("resuming from \(c.name), the latest intact checkpoint") }
                return (c.url, state)
            } catch {
                damaged.append(c.name)
                note("checkpoint \(c.name) is damaged (\(Self.reason(error))); falling back to the one before it")
            }
        }
        if !damaged.isEmpty {
            throw InputError(file: directory.url.path, "every checkpoint is damaged (\(damaged.joined(separator: ", "))); "
                             + "remove them to restart the run from the beginning")
        }
        return nil
    }

    static func reason(_ error: Error) -> String { (error as? InputError)?.description ?? "\(error)" }

    /// The checkpoint a resume continues from (`RunCheckpoints.latest()`) with its full training state;
    /// nil when there is none.
    public func latest() throws -> (url: URL, state: TrainingState)? {
        guard let latest = directory.latest() else { return nil }
        return (latest.url, try TrainingState.read(from: latest.url))
    }
}

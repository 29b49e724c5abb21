import Foundation

/// A run's `checkpoints/` directory: one directory per checkpoint, named by `CheckpointName` and
/// published whole by renaming a dot-named temporary sibling (Training writes them).
///
/// ```
/// step-00000200/   periodic, the last `keep_last` of the stage kept
/// stage-<name>/    end of a stage (always kept; the next stage starts from it)
/// best-<name>/     lowest validation loss of the stage so far
///   config.json  model.safetensors  tokenizer.json     (loads in transformers)
///   optimizer.safetensors                              AdamW moments
///   state.json                                         CheckpointPosition + the rest of Training's state
/// ```
public struct RunCheckpoints: Equatable, Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public func url(of name: CheckpointName) -> URL { url.appendingPathComponent(name.description, isDirectory: true) }

    /// Checkpoint directory names (dot-named temporaries excluded), sorted.
    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The checkpoint a resume continues from, and the one `--model RUN` means: the `step-*` or `stage-*`
    /// checkpoint furthest along by its `state.json` position (`CheckpointPosition.isAhead(of:)`).
    /// Checkpoints whose position does not read are passed over; nil when none reads.
    public func latest() -> (name: CheckpointName, url: URL, position: CheckpointPosition)? {
        var best: (name: CheckpointName, url: URL, position: CheckpointPosition)?
        for text in names() {
            guard let name = CheckpointName(text), name.isResumePoint else { continue }
            let dir = url(of: name)
            guard let position = try? CheckpointPosition.read(from: dir) else { continue }
            if let b = best, !position.isAhead(of: b.position) { continue }
            best = (name, dir, position)
        }
        return best
    }

    /// Removes the `step-*` checkpoints of `stage` beyond the newest `keepLast`.
    public func prune(stage: String, keepLast: Int) {
        let steps = names().compactMap(CheckpointName.init).filter {
            if case .step = $0 { return (try? CheckpointPosition.read(from: url(of: $0)))?.stage == stage }
            return false
        }
        for name in steps.dropLast(keepLast) {
            try? FileManager.default.removeItem(at: url(of: name))
        }
    }

    /// Removes temporaries left by a process killed while writing a checkpoint.
    public func removeTemporaries() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }
    }
}

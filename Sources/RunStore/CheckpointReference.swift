import FileFormats
import Foundation

/// What `--model SPEC [--checkpoint NAME]` names, parsed once (`init(parsing:checkpoint:)`) and resolved
/// once against the disk (`resolve(runsDir:)`).
///
/// Accepted forms:
/// - a checkpoint directory (`config.json` + `model.safetensors` + `tokenizer.json`); when it sits in a
///   run's `checkpoints/`, that run is its run; a Hugging Face model directory reads the same way;
/// - a GGUF model file (it starts with the bytes `GGUF`), sampled with its own tokenizer;
/// - a run directory `RUNS/<name>/<run-id>/` (it has `checkpoints/`): its latest checkpoint
///   (`RunCheckpoints.latest()`: after a finished run, the last stage's end);
/// - a run id, unique id prefix or run name under the runs directory (`RunCatalog`), when no such path exists;
/// - `RUN:STAGE` (RUN in either run form): the end-of-stage checkpoint `checkpoints/stage-STAGE`;
/// - a run with `--checkpoint NAME`: `checkpoints/NAME`, e.g. `best-code` or `step-00000200`.
public struct CheckpointReference: Equatable, Sendable {
    /// Which checkpoint of a run.
    public enum Selection: Equatable, Sendable {
        /// The latest (or, for a checkpoint directory, that one).
        case latest
        /// `RUN:STAGE`: the end of the stage.
        case stage(String)
        /// `--checkpoint NAME`: a directory under `checkpoints/`.
        case named(String)
    }

    /// A checkpoint or run directory path, or a run id / id prefix / name.
    public var target: String
    public var selection: Selection

    public init(target: String, selection: Selection = .latest) {
        self.target = target
        self.selection = selection
    }

    /// Parses `spec` (`RUN`, `RUN:STAGE` or a checkpoint) and the optional `--checkpoint NAME`. A `spec`
    /// that exists as a path is taken whole, so a path containing `:` still works.
    public init(parsing spec: String, checkpoint: String? = nil) throws {
        var target = spec, stage: String?
        if !FileManager.default.fileExists(atPath: spec), let colon = spec.lastIndex(of: ":") {
            target = String(spec[..<colon])
            stage = String(spec[spec.index(after: colon)...])
            if stage!.isEmpty { throw InputError(file: spec, "empty stage after ':' (write RUN:STAGE)") }
        }
        switch (stage, checkpoint) {
        case (let stage?, nil): self.init(target: target, selection: .stage(stage))
        case (nil, let name?): self.init(target: target, selection: .named(name))
        case (nil, nil): self.init(target: target)
        case (_?, _?): throw InputError(file: spec, "give either RUN:STAGE or --checkpoint, not both")
        }
    }

    /// Finds the checkpoint: `target` as a path when it exists, else as a run id or name under `runsDir`.
    /// Throws an `InputError` naming `target` when nothing matches or the selected checkpoint is missing.
    public func resolve(runsDir: URL) throws -> CheckpointLocation {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target) else {
            let run: RunDirectory
            do { run = try RunCatalog(runsDir: runsDir).resolve(target) } catch {
                throw InputError(file: target, "no such run or checkpoint directory, nor a run id or name under \(runsDir.path)")
            }
            return try select(in: run)
        }
        let url = URL(fileURLWithPath: target).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            if GGUFFile.hasMagic(url) {   // a pretrained model file (llama.cpp's format), not part of a run
                guard selection == .latest else {
                    throw InputError(file: target, "is a GGUF model file, not a run: ':STAGE' and --checkpoint select within a run")
                }
                return CheckpointLocation(directory: url)
            }
            throw InputError(file: target, "not a directory: expected a checkpoint (config.json, model.safetensors), a run (checkpoints/) or a GGUF model file")
        }
        if fm.fileExists(atPath: url.appendingPathComponent("config.json").path) {
            guard selection == .latest else {
                throw InputError(file: target, "is a checkpoint directory, not a run: ':STAGE' and --checkpoint select within a run")
            }
            return CheckpointLocation(directory: url)
        }
        let run = RunDirectory(url: url)
        guard fm.fileExists(atPath: run.checkpoints.url.path) else {
            throw InputError(file: target, "neither a checkpoint (no config.json) nor a run directory (no checkpoints/)")
        }
        return try select(in: run)
    }

    func select(in run: RunDirectory) throws -> CheckpointLocation {
        func existing(_ name: String, _ what: String) throws -> CheckpointLocation {
            let names = run.checkpoints.names()
            guard names.contains(name) else {
                let list = names.isEmpty ? "none yet" : names.joined(separator: ", ")
                throw InputError(file: target, "\(what): no checkpoint \(name) (checkpoints: \(list))")
            }
            return CheckpointLocation(run: run, name: name)
        }
        switch selection {
        case .named(let name): return try existing(name, "--checkpoint")
        case .stage(let stage): return try existing(CheckpointName.stage(stage).description, "stage '\(stage)'")
        case .latest:
            guard let latest = run.checkpoints.latest() else {
                throw InputError(file: target, "the run has no finished checkpoint yet (\(run.checkpoints.url.path) holds no stage-* or step-* directory with state.json)")
            }
            return CheckpointLocation(run: run, name: latest.name.description)
        }
    }
}

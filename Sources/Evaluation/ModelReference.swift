import FileFormats
import Foundation

/// What `--model RUN_OR_CHECKPOINT` names: a checkpoint directory, and the run it belongs to, if any.
///
/// Accepted forms:
/// - a checkpoint directory (`config.json` + `model.safetensors` + `tokenizer.json`); when it sits in a
///   run's `checkpoints/`, that run is its run;
/// - a run directory `Runs/<name>/<run-id>/` (it has `checkpoints/`): its **latest** checkpoint — the
///   highest `step` in `state.json` among `stage-*` and `step-*` checkpoints, a stage end winning at equal
///   steps (the checkpoint a resume would continue from; after a finished run, the last stage's end);
/// - `RUN:STAGE`: the end-of-stage checkpoint `checkpoints/stage-STAGE`;
/// - a run with `checkpointName` (`--checkpoint NAME`): `checkpoints/NAME`, e.g. `best-code` or `step-00000200`.
///
/// `label` names the checkpoint in `evals/<suite>/<label>/`: the stage name for `stage-<stage>` (what the
/// training driver writes at a stage's end, so `runs compare` lines them up), else the directory name.
public struct ModelReference: Equatable, Sendable {
    public var checkpoint: URL
    /// The run directory, when the checkpoint belongs to one.
    public var run: URL?
    public var label: String

    static let checkpointsDirectory = "checkpoints"
    static let stagePrefix = "stage-"

    /// Splits `RUN:STAGE` into the run and the stage; a spec that exists as a path is taken whole.
    public static func splitStage(_ spec: String) throws -> (path: String, stage: String?) {
        guard !FileManager.default.fileExists(atPath: spec), let colon = spec.lastIndex(of: ":") else { return (spec, nil) }
        let stage = String(spec[spec.index(after: colon)...])
        if stage.isEmpty { throw InputError(file: spec, "empty stage after ':' (write RUN:STAGE)") }
        return (String(spec[..<colon]), stage)
    }

    public static func resolve(_ spec: String, checkpointName: String? = nil) throws -> ModelReference {
        let fm = FileManager.default
        let (path, stage) = try splitStage(spec)
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw InputError(file: path, "no such run or checkpoint directory")
        }
        guard isDirectory.boolValue else {
            throw InputError(file: path, "not a directory: expected a checkpoint (config.json, model.safetensors) or a run (checkpoints/)")
        }
        let checkpoints = url.appendingPathComponent(checkpointsDirectory)
        if fm.fileExists(atPath: url.appendingPathComponent("config.json").path) {
            if stage != nil || checkpointName != nil {
                throw InputError(file: path, "is a checkpoint directory, not a run: ':STAGE' and --checkpoint select within a run")
            }
            let parent = url.deletingLastPathComponent()
            let run = parent.lastPathComponent == checkpointsDirectory ? parent.deletingLastPathComponent() : nil
            return ModelReference(checkpoint: url, run: run, label: label(of: url.lastPathComponent))
        }
        guard fm.fileExists(atPath: checkpoints.path) else {
            throw InputError(file: path, "neither a checkpoint (no config.json) nor a run directory (no checkpoints/)")
        }
        let names = ((try? fm.contentsOfDirectory(atPath: checkpoints.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        func existing(_ name: String, _ what: String) throws -> ModelReference {
            let dir = checkpoints.appendingPathComponent(name)
            guard names.contains(name) else {
                let list = names.isEmpty ? "none yet" : names.joined(separator: ", ")
                throw InputError(file: path, "\(what): no checkpoint \(name) (checkpoints: \(list))")
            }
            return ModelReference(checkpoint: dir, run: url, label: label(of: name))
        }
        if let checkpointName {
            if stage != nil { throw InputError(file: spec, "give either RUN:STAGE or --checkpoint, not both") }
            return try existing(checkpointName, "--checkpoint")
        }
        if let stage { return try existing(stagePrefix + stage, "stage '\(stage)'") }
        guard let latest = latestCheckpoint(in: checkpoints, names: names) else {
            throw InputError(file: path, "the run has no finished checkpoint yet (\(checkpoints.path) holds no stage-* or step-* directory with state.json)")
        }
        return ModelReference(checkpoint: checkpoints.appendingPathComponent(latest), run: url, label: label(of: latest))
    }

    /// The evals directory name of checkpoint directory `name`: `stage-X` → `X`, otherwise `name`.
    static func label(of name: String) -> String {
        name.hasPrefix(stagePrefix) && name.count > stagePrefix.count ? String(name.dropFirst(stagePrefix.count)) : name
    }

    /// The `stage-*` or `step-*` checkpoint with the highest `state.json` step (a stage end wins a tie).
    static func latestCheckpoint(in directory: URL, names: [String]) -> String? {
        var best: (name: String, step: Int, stageEnd: Int)?
        for name in names where name.hasPrefix(stagePrefix) || name.hasPrefix("step-") {
            let state = directory.appendingPathComponent(name).appendingPathComponent("state.json")
            guard let data = FileManager.default.contents(atPath: state.path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let step = (object["step"] as? NSNumber)?.intValue else { continue }
            let stageEnd = name.hasPrefix(stagePrefix) ? 1 : 0
            if let b = best, (b.step, b.stageEnd) >= (step, stageEnd) { continue }
            best = (name, step, stageEnd)
        }
        return best?.name
    }

    /// Where `codetune eval` writes a suite's reports for this checkpoint when no `--out` is given:
    /// `RUN/evals/<suite file's base name>/<label>/`; nil when the checkpoint is not in a run.
    public func evalDirectory(suiteFile: String) -> URL? {
        guard let run else { return nil }
        let suite = URL(fileURLWithPath: suiteFile).deletingPathExtension().lastPathComponent
        return run.appendingPathComponent("evals").appendingPathComponent(suite).appendingPathComponent(label)
    }
}

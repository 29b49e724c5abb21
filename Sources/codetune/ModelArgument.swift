import Evaluation
import FileFormats
import Foundation
import RunStore

/// Resolves `--model` for `eval`, `sample` and `export`: a checkpoint or run directory, `RUN:STAGE`, or — when no
/// such path exists — a run id, id prefix or name under `runsDir` (its latest run), as `runs show` takes it.
func resolveModelReference(_ spec: String, checkpoint: String?, runsDir: URL) throws -> ModelReference {
    let (path, stage) = try ModelReference.splitStage(spec)
    if FileManager.default.fileExists(atPath: path) { return try ModelReference.resolve(spec, checkpointName: checkpoint) }
    let run: RunDirectory
    do {
        run = try RunCatalog(runsDir: runsDir).resolve(path)
    } catch {
        throw InputError(file: path, "no such run or checkpoint directory, nor a run id or name under \(runsDir.path)")
    }
    return try ModelReference.resolve(run.url.path + (stage.map { ":" + $0 } ?? ""), checkpointName: checkpoint)
}

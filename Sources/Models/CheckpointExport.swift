import FileFormats
import Foundation

/// What `exportCheckpoint` wrote.
public struct ExportSummary: Sendable {
    public var directory: URL
    public var files: [String]
    public var config: MistralConfig
}

/// Writes checkpoint `source` as a Hugging Face model directory at `destination`: `config.json`,
/// `model.safetensors` and, when present, `tokenizer.json`, which
/// `transformers.AutoModelForCausalLM.from_pretrained(destination)` loads.
///
/// The checkpoint is validated first by loading it whole (config, every tensor and shape), and a
/// present `tokenizer.json` must be a JSON object. The directory is written under a temporary name and
/// renamed, replacing an earlier export there; a directory holding anything else is refused.
@discardableResult
public func exportCheckpoint(from source: URL, to destination: URL) throws -> ExportSummary {
    let (config, _) = try Checkpoint.read(directory: source)
    var files = [Checkpoint.configFile, Checkpoint.weightsFile]
    let tokenizer = source.appendingPathComponent(Checkpoint.tokenizerFile)
    if FileManager.default.fileExists(atPath: tokenizer.path) {
        let data: Data
        do { data = try Data(contentsOf: tokenizer) } catch {
            throw InputError.cannotRead(tokenizer, error)
        }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw InputError(file: tokenizer.path, "not a JSON object: not a Hugging Face tokenizer.json")
        }
        files.append(Checkpoint.tokenizerFile)
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw InputError(file: destination.path, "exists and is not a directory") }
        let present = try FileManager.default.contentsOfDirectory(atPath: destination.path)
        let foreign = present.filter { ![Checkpoint.configFile, Checkpoint.weightsFile, Checkpoint.tokenizerFile].contains($0) }
        if let first = foreign.sorted().first {
            throw InputError(file: destination.path, "exists and holds \(first) (not an export); choose another --out directory")
        }
    }
    if destination.standardizedFileURL.path == source.standardizedFileURL.path {
        throw InputError(file: destination.path, "is the checkpoint itself; choose another --out directory")
    }
    try AtomicFile.writeDirectory(destination) { tmp in
        for name in files {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: tmp.appendingPathComponent(name))
        }
    }
    return ExportSummary(directory: destination, files: files, config: config)
}

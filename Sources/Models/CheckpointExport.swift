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
///
/// An adapter checkpoint (`LoRACheckpoint`) is exported merged: its base with W + (alpha / r) · B·A written
/// as plain Float32 weights (`exportAdapter` writes the adapter alone).
public func exportCheckpoint(from source: URL, to destination: URL) throws -> ExportSummary {
    let merged = LoRACheckpoint.isAdapterCheckpoint(source) ? try MistralModel.load(checkpoint: source) : nil
    let config = try merged?.config ?? Checkpoint.read(directory: source).config
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
    try requireExportDestination(destination, source: source, files: [Checkpoint.configFile, Checkpoint.weightsFile, Checkpoint.tokenizerFile])
    try AtomicFile.writeDirectory(destination) { tmp in
        if let merged { try merged.writeModelFiles(into: tmp) }
        for name in files where merged == nil || name == Checkpoint.tokenizerFile {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: tmp.appendingPathComponent(name))
        }
    }
    return ExportSummary(directory: destination, files: files, config: config)
}

/// Refuses a destination that is a file, the source itself, or a directory holding anything but `files`
/// (an earlier export there is replaced).
func requireExportDestination(_ destination: URL, source: URL, files: [String]) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw InputError(file: destination.path, "exists and is not a directory") }
        let present = try FileManager.default.contentsOfDirectory(atPath: destination.path)
        let foreign = present.filter { !files.contains($0) }
        if let first = foreign.sorted().first {
            throw InputError(file: destination.path, "exists and holds \(first) (not an export); choose another --out directory")
        }
    }
    if destination.standardizedFileURL.path == source.standardizedFileURL.path {
        throw InputError(file: destination.path, "is the checkpoint itself; choose another --out directory")
    }
}

/// Writes the adapter of adapter checkpoint `source` alone, in PEFT's format, at `destination`:
/// `adapter_config.json` (its `base_model_name_or_path` the base checkpoint directory) and
/// `adapter_model.safetensors`, which `peft.PeftModel.from_pretrained(base_model, destination)` loads onto
/// the base. The checkpoint is loaded first (base hash checked); written under a temporary name and renamed.
@discardableResult
public func exportAdapter(from source: URL, to destination: URL) throws -> ExportSummary {
    guard LoRACheckpoint.isAdapterCheckpoint(source) else {
        throw InputError(file: source.path, "not an adapter checkpoint (no \(LoRACheckpoint.baseFile)): only a LoRA stage's checkpoints have an adapter")
    }
    let model = try MistralModel.loadLoRA(adapterCheckpoint: source)
    guard let lora = model.lora, let base = model.base else { preconditionFailure("loadLoRA sets lora and base") }
    let files = [LoRACheckpoint.adapterConfigFile, LoRACheckpoint.adapterWeightsFile]
    try requireExportDestination(destination, source: source, files: files)
    try AtomicFile.writeDirectory(destination) { tmp in
        try LoRACheckpoint.writePEFTAdapter(of: model, settings: lora, baseName: base.directory, into: tmp)
    }
    return ExportSummary(directory: destination, files: files, config: model.config)
}

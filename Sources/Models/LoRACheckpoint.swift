// LoRACheckpoint: a checkpoint of a LoRA stage — the adapters in PEFT's format plus a reference to the
// frozen base by content hash.

import Autograd
import FileFormats
import Foundation
import SeededRandom

/// The frozen base of a LoRA model: a checkpoint directory (`config.json` + `model.safetensors`) or a GGUF
/// file, the SHA-256 of its weights file (`model.safetensors`, or the GGUF file), and how the base is held in
/// memory. `base_model.json` of an adapter
/// checkpoint.
public struct BaseReference: Codable, Equatable, Sendable {
    /// Absolute path of the base checkpoint directory (or GGUF file).
    public var directory: String
    /// SHA-256 (hex) of `directory/model.safetensors`; a load refuses a base whose bytes changed.
    public var weightsSHA256: String
    /// `fp32`, `q8` or `q4` (`BasePrecision`).
    public var precision: String

    enum CodingKeys: String, CodingKey {
        case directory
        case weightsSHA256 = "weights_sha256"
        case precision = "base_precision"
    }
}

/// An adapter checkpoint directory: `config.json` (the base's shape, so every tool recognises a checkpoint),
/// `adapter_config.json` + `adapter_model.safetensors` exactly as PEFT's `save_pretrained` writes them
/// (keys `base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`, A [r, in], B [out, r]) and
/// `base_model.json` (`BaseReference`). No base weights: they stay where the reference points.
public enum LoRACheckpoint {
    public static let adapterConfigFile = "adapter_config.json"
    public static let adapterWeightsFile = "adapter_model.safetensors"
    public static let baseFile = "base_model.json"

    /// True when `directory` holds an adapter checkpoint (its `base_model.json`).
    public static func isAdapterCheckpoint(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(baseFile).path)
    }

    /// Writes `config.json`, `adapter_config.json`, `adapter_model.safetensors` and `base_model.json` of
    /// `model` (a LoRA model built by `loadLoRA`) into the existing directory `directory`.
    public static func writeFiles(of model: MistralModel, into directory: URL) throws {
        guard let lora = model.lora, let base = model.base else {
            preconditionFailure("LoRACheckpoint.writeFiles: not a LoRA model loaded over a base")
        }
        try model.config.jsonData().write(to: directory.appendingPathComponent(Checkpoint.configFile))
        try writePEFTAdapter(of: model, settings: lora, baseName: base.directory, into: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(base) + Data("\n".utf8)).write(to: directory.appendingPathComponent(baseFile))
    }

    /// PEFT's two files: `adapter_config.json` (a `LoraConfig`, `base_model_name_or_path` = `baseName`) and
    /// `adapter_model.safetensors`.
    static func writePEFTAdapter(of model: MistralModel, settings: LoRASettings, baseName: String, into directory: URL) throws {
        let tensors = model.adapters.flatMap { adapter in
            [SafeTensorsWriter.Tensor(name: adapter.peftName("lora_A"), shape: adapter.a.shape,
                                      values: UnsafeBufferPointer(start: adapter.a.data, count: adapter.a.count)),
             SafeTensorsWriter.Tensor(name: adapter.peftName("lora_B"), shape: adapter.b.shape,
                                      values: UnsafeBufferPointer(start: adapter.b.data, count: adapter.b.count))]
        }
        try SafeTensorsWriter.data(tensors).write(to: directory.appendingPathComponent(adapterWeightsFile))
        let config: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": baseName,
            "r": settings.rank, "lora_alpha": settings.alpha, "lora_dropout": settings.dropout,
            "target_modules": settings.targets.map(\.rawValue), "bias": "none", "fan_in_fan_out": false,
            "inference_mode": true, "init_lora_weights": true, "use_rslora": false, "use_dora": false,
            "modules_to_save": NSNull(),
        ]
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try (data + Data("\n".utf8)).write(to: directory.appendingPathComponent(adapterConfigFile))
    }

    /// The settings and base of an adapter checkpoint; errors name the file and key.
    public static func read(_ directory: URL) throws -> (settings: LoRASettings, base: BaseReference) {
        let baseURL = directory.appendingPathComponent(baseFile)
        let base: BaseReference
        do { base = try JSONDecoder().decode(BaseReference.self, from: Data(contentsOf: baseURL)) } catch {
            throw InputError(file: baseURL.path, "not a base reference (directory, weights_sha256, base_precision): \(error.localizedDescription)")
        }
        guard let precision = BasePrecision(rawValue: base.precision) else {
            throw InputError(file: baseURL.path, key: "base_precision", "'\(base.precision)' is not one of fp32, q8, q4")
        }
        return (try readSettings(directory, basePrecision: precision), base)
    }

    /// The `LoraConfig` of PEFT's `adapter_config.json` in `directory` (r, lora_alpha, lora_dropout,
    /// target_modules), with the base held at `basePrecision`.
    public static func readSettings(_ directory: URL, basePrecision precision: BasePrecision) throws -> LoRASettings {
        let configURL = directory.appendingPathComponent(adapterConfigFile)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(contentsOf: configURL))) as? [String: Any] else {
            throw InputError(file: configURL.path, "missing or not a JSON object: an adapter checkpoint needs PEFT's \(adapterConfigFile)")
        }
        guard let rank = object["r"] as? Int, rank > 0 else { throw InputError(file: configURL.path, key: "r", "missing or not a positive integer") }
        guard let alpha = (object["lora_alpha"] as? NSNumber)?.doubleValue else { throw InputError(file: configURL.path, key: "lora_alpha", "missing or not a number") }
        let dropout = (object["lora_dropout"] as? NSNumber)?.doubleValue ?? 0
        let names = object["target_modules"] as? [String] ?? []
        var targets: [LoRATarget] = []
        for name in names {
            guard let t = LoRATarget(rawValue: name) else {
                throw InputError(file: configURL.path, key: "target_modules", "'\(name)' is not one of \(LoRATarget.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            targets.append(t)
        }
        guard !targets.isEmpty else { throw InputError(file: configURL.path, key: "target_modules", "missing or empty") }
        return LoRASettings(rank: rank, alpha: alpha, dropout: dropout, targets: targets, basePrecision: precision)
    }
}

extension LoRASettings {
    /// Why `config`'s projections cannot be held at this precision (q4/q8 blocks need every input width a
    /// multiple of 32), or nil.
    public func problem(with config: MistralConfig) -> String? {
        guard basePrecision != .fp32 else { return nil }
        let widths = Set(config.parameterSpecs.filter { LoRATarget(parameterName: $0.name) != nil }.map { $0.shape[1] })
        guard let bad = widths.sorted().first(where: { $0 % 32 != 0 }) else { return nil }
        return "base_precision \(basePrecision.rawValue) keeps 32-element blocks, but a projection has \(bad) inputs (not a multiple of 32)"
    }
}

extension MistralModel {
    /// The checkpoint `directory` (`config.json` + `model.safetensors`) as a frozen base under fresh adapters:
    /// A drawn from `generator` (PEFT's kaiming-uniform), B zero. Tensors are read (and quantized) one at
    /// a time, so a quantized base never sits whole in Float32.
    public static func loadLoRA(base directory: URL, settings: LoRASettings, generator: inout SeededGenerator) throws -> MistralModel {
        let model = try loadFrozenBase(directory, settings: settings, expectedSHA256: nil, referencedBy: nil)
        model.initializeAdapters(using: &generator)
        return model
    }

    /// An adapter checkpoint: its base (whose `model.safetensors` must still hash to the recorded SHA-256)
    /// with the checkpoint's adapters.
    public static func loadLoRA(adapterCheckpoint directory: URL) throws -> MistralModel {
        let (settings, base) = try LoRACheckpoint.read(directory)
        let model = try loadFrozenBase(URL(fileURLWithPath: base.directory), settings: settings, expectedSHA256: base.weightsSHA256,
                                       referencedBy: directory.appendingPathComponent(LoRACheckpoint.baseFile))
        try model.readAdapters(from: directory.appendingPathComponent(LoRACheckpoint.adapterWeightsFile))
        return model
    }

    /// Fills every adapter's A and B from PEFT's `adapter_model.safetensors` at `url` (all must be there,
    /// shaped as this model's, nothing else).
    public func readAdapters(from url: URL) throws {
        let file = try SafeTensorsFile(contentsOf: url)
        let expected = Set(trainableNames)
        if let stray = file.names.first(where: { !expected.contains($0) }) {
            throw InputError(file: file.path, key: stray, "unexpected tensor: not an adapter of the targets in \(LoRACheckpoint.adapterConfigFile)")
        }
        for adapter in adapters {
            adapter.a.copy(from: try file.floats(adapter.peftName("lora_A"), shape: adapter.a.shape))
            adapter.b.copy(from: try file.floats(adapter.peftName("lora_B"), shape: adapter.b.shape))
        }
    }

    /// What training resumes from: an adapter checkpoint as base + live adapters, any other as a full model.
    public static func loadForTraining(checkpoint directory: URL) throws -> MistralModel {
        LoRACheckpoint.isAdapterCheckpoint(directory) ? try loadLoRA(adapterCheckpoint: directory) : try load(checkpoint: directory)
    }

    static func loadFrozenBase(_ directory: URL, settings: LoRASettings, expectedSHA256: String?, referencedBy: URL?) throws -> MistralModel {
        if Checkpoint.isGGUF(directory) { return try loadFrozenGGUF(directory, settings: settings, expectedSHA256: expectedSHA256, referencedBy: referencedBy) }
        try Checkpoint.requireDirectory(directory)
        let config = try MistralConfig.load(from: directory.appendingPathComponent(Checkpoint.configFile))
        let weightsURL = directory.appendingPathComponent(Checkpoint.weightsFile)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw InputError(file: referencedBy?.path ?? weightsURL.path, "the base's \(Checkpoint.weightsFile) is missing at \(weightsURL.path)")
        }
        if let problem = settings.problem(with: config) { throw InputError(file: directory.path, problem) }
        let sha = try SHA256Digest.hex(fileAt: weightsURL)
        if let expectedSHA256, sha != expectedSHA256 {
            throw InputError(file: referencedBy?.path ?? weightsURL.path, key: "weights_sha256",
                             "the base \(weightsURL.path) has changed (SHA-256 \(sha.prefix(12))…, recorded \(expectedSHA256.prefix(12))…)")
        }
        let file = try SafeTensorsFile(contentsOf: weightsURL)
        let specs = config.parameterSpecs
        try Checkpoint.requireTensors(of: config, in: file)
        let model = try MistralModel(config: config, lora: settings) { try file.floats(specs[$0].name, shape: specs[$0].shape) }
        model.base = BaseReference(directory: directory.standardizedFileURL.path, weightsSHA256: sha, precision: settings.basePrecision.rawValue)
        return model
    }
}

extension MistralModel {
    /// A GGUF file as the frozen base (dequantized whole by `Checkpoint.read(gguf:)`, then held at the
    /// settings' precision); its reference is the file itself and its SHA-256.
    static func loadFrozenGGUF(_ file: URL, settings: LoRASettings, expectedSHA256: String?, referencedBy: URL?) throws -> MistralModel {
        let sha = try SHA256Digest.hex(fileAt: file)
        if let expectedSHA256, sha != expectedSHA256 {
            throw InputError(file: referencedBy?.path ?? file.path, key: "weights_sha256",
                             "the base \(file.path) has changed (SHA-256 \(sha.prefix(12))…, recorded \(expectedSHA256.prefix(12))…)")
        }
        var (config, weights) = try Checkpoint.read(gguf: file)
        if let problem = settings.problem(with: config) { throw InputError(file: file.path, problem) }
        let model = MistralModel(config: config, lora: settings) { i in
            defer { weights[i] = [] }   // each tensor released once the model holds it
            return weights[i]
        }
        model.base = BaseReference(directory: file.standardizedFileURL.path, weightsSHA256: sha, precision: settings.basePrecision.rawValue)
        return model
    }
}

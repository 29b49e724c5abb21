import FileFormats
import Foundation

/// A model checkpoint directory as `transformers` writes and reads it: `config.json` (Hugging Face
/// `MistralConfig` names) + `model.safetensors` (Hugging Face tensor names, F32, tied head so no
/// `lm_head.weight`), optionally `tokenizer.json`. Training state (`optimizer.safetensors`,
/// `state.json`) may sit beside them; this type does not read it.
public enum Checkpoint {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let tokenizerFile = "tokenizer.json"

    /// Reads `config.json` and every parameter of `model.safetensors` (or of the shards that
    /// `model.safetensors.index.json` lists, as `transformers` writes large models), checked against the
    /// config: a missing tensor, a shape that disagrees, an unexpected tensor, an untied `lm_head.weight`
    /// each throw one line naming the file and tensor. BF16/F16 weights are converted to Float32.
    /// - Returns: the config and the values of each `config.parameterSpecs` entry, in that order.
    public static func read(directory: URL) throws -> (config: MistralConfig, weights: [[Float]]) {
        try requireDirectory(directory)
        let config = try MistralConfig.load(from: directory.appendingPathComponent(configFile))
        return (config, try weights(of: config, in: try weightFiles(in: directory)))
    }

    /// The name of the sharded checkpoint's index file.
    public static let shardIndexFile = "model.safetensors.index.json"

    /// True when `directory` holds weights: `model.safetensors` or a shard index.
    public static func hasWeights(_ directory: URL) -> Bool {
        [weightsFile, shardIndexFile].contains { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// `model.safetensors`, or every shard named in `model.safetensors.index.json`'s `weight_map`.
    static func weightFiles(in directory: URL) throws -> [SafeTensorsFile] {
        let single = directory.appendingPathComponent(weightsFile)
        if FileManager.default.fileExists(atPath: single.path) { return [try SafeTensorsFile(contentsOf: single)] }
        let index = directory.appendingPathComponent(shardIndexFile)
        guard FileManager.default.fileExists(atPath: index.path) else {
            throw InputError(file: single.path, "missing: a checkpoint needs \(weightsFile) (or \(shardIndexFile)) beside \(configFile)")
        }
        struct Index: Decodable { var weight_map: [String: String] }
        let map: [String: String]
        do { map = try JSONDecoder().decode(Index.self, from: Data(contentsOf: index)).weight_map } catch {
            throw InputError(file: index.path, key: "weight_map", "not a shard index: \(error.localizedDescription)")
        }
        return try Set(map.values).sorted().map { shard in
            guard !shard.contains("/") else { throw InputError(file: index.path, key: "weight_map", "shard \"\(shard)\" is not a file name") }
            return try SafeTensorsFile(contentsOf: directory.appendingPathComponent(shard))
        }
    }

    /// The parameters of `config` read from `file`, in `config.parameterSpecs` order.
    public static func weights(of config: MistralConfig, in file: SafeTensorsFile) throws -> [[Float]] {
        try weights(of: config, in: [file])
    }

    /// The parameters of `config` read from `files` (the shards of one checkpoint; each tensor in one of
    /// them), in `config.parameterSpecs` order.
    public static func weights(of config: MistralConfig, in files: [SafeTensorsFile]) throws -> [[Float]] {
        let specs = config.parameterSpecs
        let known = Set(specs.map(\.name))
        var fileOf: [String: SafeTensorsFile] = [:]
        for file in files {
            for name in file.names {
                if !known.contains(name) && name != "lm_head.weight" && !name.hasSuffix("rotary_emb.inv_freq") {
                    throw InputError(file: file.path, key: name,
                                     "unexpected tensor: not part of the model that config.json describes (\(config.numHiddenLayers) layers, \(config.modelType))")
                }
                fileOf[name] = file
            }
        }
        func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let file = fileOf[name] else {
                throw InputError(file: files.first?.path, key: name, "missing tensor")
            }
            return try file.floats(name, shape: shape)
        }
        var weights: [[Float]] = []
        weights.reserveCapacity(specs.count)
        for spec in specs { weights.append(try floats(spec.name, spec.shape)) }
        if let file = fileOf["lm_head.weight"] {
            // transformers writes lm_head.weight for untied models; accept it only when it is the embedding.
            let head = try file.floats("lm_head.weight", shape: [config.vocabSize, config.hiddenSize])
            if head != weights[0] {
                throw InputError(file: file.path, key: "lm_head.weight",
                                 "differs from model.embed_tokens.weight: codetune's output head is tied to the embedding, untied checkpoints are not supported")
            }
        }
        return weights
    }

    /// Throws for a tensor of `file` that `config` has no place for (`lm_head.weight` is checked by `weights`).
    static func requireTensors(of config: MistralConfig, in file: SafeTensorsFile) throws {
        let known = Set(config.parameterSpecs.map(\.name))
        for name in file.names where !known.contains(name) && name != "lm_head.weight" && !name.hasSuffix("rotary_emb.inv_freq") {
            throw InputError(file: file.path, key: name,
                             "unexpected tensor: not part of the model that config.json describes (\(config.numHiddenLayers) layers)")
        }
    }

    /// Writes `config.json` and `model.safetensors` into an existing directory `directory`
    /// (use inside `AtomicFile.writeDirectory` so a checkpoint is whole or absent).
    /// `weights[i]` holds the values of `config.parameterSpecs[i]`.
    public static func writeModelFiles(into directory: URL, config: MistralConfig,
                                       weights: [UnsafeBufferPointer<Float>]) throws {
        let specs = config.parameterSpecs
        precondition(weights.count == specs.count, "\(weights.count) weight buffers for \(specs.count) parameters")
        let tensors = zip(specs, weights).map { SafeTensorsWriter.Tensor(name: $0.name, shape: $0.shape, values: $1) }
        try SafeTensorsWriter.data(tensors).write(to: directory.appendingPathComponent(weightsFile))
        try config.jsonData().write(to: directory.appendingPathComponent(configFile))
    }

    /// Writes a whole checkpoint directory atomically: `config.json`, `model.safetensors`, then
    /// whatever `extra` adds (tokenizer, optimizer state), under a temporary name renamed at the end.
    public static func write(to directory: URL, config: MistralConfig, weights: [UnsafeBufferPointer<Float>],
                             extra: (URL) throws -> Void = { _ in }) throws {
        try AtomicFile.writeDirectory(directory) { tmp in
            try writeModelFiles(into: tmp, config: config, weights: weights)
            try extra(tmp)
        }
    }

    static func requireDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw InputError(file: url.path, "no such checkpoint directory")
        }
        guard isDirectory.boolValue else {
            throw InputError(file: url.path, "not a directory: a checkpoint is a directory with \(configFile) and \(weightsFile)")
        }
    }
}

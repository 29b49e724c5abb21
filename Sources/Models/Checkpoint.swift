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

    /// Reads `config.json` and every parameter of `model.safetensors`, checked against the config:
    /// a missing tensor, a shape that disagrees, an unexpected tensor, an untied `lm_head.weight`
    /// each throw one line naming the file and tensor. BF16/F16 weights are converted to Float32.
    /// - Returns: the config and the values of each `config.parameterSpecs` entry, in that order.
    public static func read(directory: URL) throws -> (config: MistralConfig, weights: [[Float]]) {
        try requireDirectory(directory)
        let config = try MistralConfig.load(from: directory.appendingPathComponent(configFile))
        let weightsURL = directory.appendingPathComponent(weightsFile)
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw InputError(file: weightsURL.path, "missing: a checkpoint needs \(weightsFile) beside \(configFile)")
        }
        let file = try SafeTensorsFile(contentsOf: weightsURL)
        return (config, try weights(of: config, in: file))
    }

    /// The parameters of `config` read from `file`, in `config.parameterSpecs` order.
    public static func weights(of config: MistralConfig, in file: SafeTensorsFile) throws -> [[Float]] {
        let specs = config.parameterSpecs
        try requireTensors(of: config, in: file)
        var weights: [[Float]] = []
        weights.reserveCapacity(specs.count)
        for spec in specs { weights.append(try file.floats(spec.name, shape: spec.shape)) }
        if file.entries["lm_head.weight"] != nil {
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

import Corpus
import FileFormats
import Foundation
import Models
import Tokenizer

/// What `codetune train` checks before the first step, done without training: `train --check` runs it
/// whole, and `TrainingSession.start` runs it before preparing data, so a problem in stage 2 (its data a
/// directory, a broken `init_from`, an unreadable `tokenizer:`, a model too big for memory) stops the run
/// before stage 1 trains.
public enum RunPreflight {
    /// Every problem found, one `InputError` each (empty when the run can start): each stage's data is a
    /// file of the right kind (a dataset recipe that loads, for `next_token`; a telemetry file, for
    /// `completion`), `init_from` loads (a checkpoint, a Hugging Face directory or a GGUF file), `tokenizer:` loads as a tokenizer, and the peak
    /// memory of the largest stage fits in this machine's memory.
    public static func problems(_ config: RunConfig, available: Int = MemoryEstimate.available) -> [InputError] {
        var errors: [InputError] = []
        let file = config.file.path
        var vocabulary: Int?
        if let t = config.tokenizer {
            do { vocabulary = try BPETokenizer(contentsOf: t).vocabularySize } catch { errors.append(keyed(error, file: file, key: "tokenizer")) }
        }
        for (i, stage) in config.stages.enumerated() {
            let key = "stages[\(i)].data"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: stage.data.path, isDirectory: &isDirectory) else {
                errors.append(InputError(file: file, key: key, "\(stage.data.path): no such file"))
                continue
            }
            if isDirectory.boolValue {
                let wanted = stage.objective == .nextToken ? "a dataset recipe (Datasets/NAME.yaml)" : "a telemetry JSON lines file"
                errors.append(InputError(file: file, key: key, "\(stage.data.path) is a directory; stage \(stage.name) needs \(wanted)"))
                continue
            }
            if !FileManager.default.isReadableFile(atPath: stage.data.path) {
                errors.append(InputError(file: file, key: key, "\(stage.data.path): permission denied"))
                continue
            }
            if stage.objective == .nextToken {
                do { _ = try DatasetRecipe.load(stage.data) } catch { errors.append(keyed(error, file: file, key: key)) }
            }
        }
        var model: MistralConfig?
        switch config.model {
        case .fresh(var shape):
            if shape.vocabSize == 0 { shape.vocabSize = vocabulary ?? 0 }
            model = shape
        case .initFrom(let dir):
            do { model = try MistralModel.load(pretrained: dir).config } catch { errors.append(keyed(error, file: file, key: "model.init_from")) }
        }
        if let model, let problem = memoryProblem(config, model: model, available: available) { errors.append(problem) }
        return errors
    }

    /// Throws every problem at once (`InputErrors`), or nothing when the run can start.
    public static func check(_ config: RunConfig) throws {
        let errors = problems(config)
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw InputErrors(errors) }
    }

    /// The largest stage's peak training memory (weights, gradients, AdamW moments, activations) with `model`.
    public static func peakMemory(_ config: RunConfig, model: MistralConfig) -> Int {
        config.stages.map { MemoryEstimate.training(model, batch: $0.batchSize, context: $0.context) }.max() ?? MemoryEstimate.weights(model)
    }

    /// "model: N parameters need ~X to train (stage S, batch B, context C); this machine has ~Y", or nil when it fits.
    static func memoryProblem(_ config: RunConfig, model: MistralConfig, available: Int) -> InputError? {
        let peak = peakMemory(config, model: model)
        guard peak > available else { return nil }
        let stage = config.stages.max { MemoryEstimate.training(model, batch: $0.batchSize, context: $0.context)
                                        < MemoryEstimate.training(model, batch: $1.batchSize, context: $1.context) }
        let at = stage.map { " (stage \($0.name): batch_size \($0.batchSize), context \($0.context))" } ?? ""
        return InputError(file: config.file.path, key: "model",
                          "\(model.parameterCount) parameters need \(MemoryEstimate.describe(peak)) to train\(at); "
                          + "this machine's memory is \(MemoryEstimate.describe(available))")
    }

    /// `error` as an input error of `file` at `key`, keeping an input error's own place in its text.
    static func keyed(_ error: Error, file: String, key: String) -> InputError {
        if let e = error as? InputError { return InputError(file: file, key: key, e.description) }
        if let e = error as? InputErrors, let first = e.errors.first { return InputError(file: file, key: key, first.description) }
        return InputError(file: file, key: key, "\(error)")
    }
}

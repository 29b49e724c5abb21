import Collectives
import Corpus
import FileFormats
import Autograd
import Foundation
import Models

extension RunConfig {
    static let topKeys = ["name", "seed", "threads", "precision", "model", "tokenizer", "stages", "evals"]
    static let modelKeys = ["init_from", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                            "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings",
                            "rope_theta", "rms_norm_eps", "sliding_window", "initializer_range", "tie_word_embeddings"]
    static let stageKeys = ["name", "data", "objective", "steps", "tokens", "batch_size", "grad_accum", "context", "lr",
                            "warmup", "schedule", "min_lr", "weight_decay", "betas", "clip", "log_every", "eval_every",
                            "val_batches", "checkpoint_every", "keep_last", "early_stopping", "carry_optimizer", "on_nan", "allow_contaminated",
                            "best", "lora", "base_precision", "precision"]
    static let evalKeys = ["suite", "n", "limit", "stages", "gate", "every"]

    /// Reads and validates a run config, reporting every problem at once as
    /// `FILE:LINE:COL: key.path: problem` (`InputErrors`; the command line exits 2).
    ///
    /// Relative paths are resolved against the config file's directory. Files named by the config
    /// (datasets, telemetry, tokenizer, checkpoints, suites) must exist.
    public static func load(_ url: URL) throws -> RunConfig {
        let (root, diags) = try YAMLFile.load(url)
        return try finish(parse(root, file: url), diags, file: url)
    }

    /// Parses from text (tests); paths resolve against `file`'s directory.
    public static func parse(_ text: String, file: URL) throws -> RunConfig {
        let (root, diags) = try YAMLFile.parse(text, file: file.path)
        return try finish(parse(root, file: file), diags, file: file)
    }

    /// The config's problems, then those of the dataset recipes it names (each in its own file),
    /// all at once.
    static func finish(_ config: RunConfig?, _ diags: Diagnostics, file: URL) throws -> RunConfig {
        var errors = diags.errors
        var seen = Set<String>()
        for stage in config?.stages ?? [] where stage.objective == .nextToken && stage.data.pathExtension != "" {
            guard !seen.contains(stage.data.path) else { continue }
            seen.insert(stage.data.path)
            do { _ = try DatasetRecipe.load(stage.data) } catch let e as InputErrors {
                errors += e.errors
            } catch let e as InputError {
                errors.append(e)
            }
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        guard let config else { throw InputError(file: file.path, "not a run config") }
        return config
    }

    static func parse(_ root: YAMLValue, file: URL) -> RunConfig? {
        let diags = root.diagnostics
        let base = file.deletingLastPathComponent()
        guard let top = root.mapping(allowed: topKeys) else { return nil }

        var name = file.deletingPathExtension().lastPathComponent
        if let v = top.required("name"), let s = v.string {
            if isSafeName(s) { name = s } else { diags.report(v.mark, v.path, "'\(s)' must be letters, digits, '.', '-' or '_' (it names a directory)") }
        }
        let seed = top.value("seed")?.int(in: 0...Int.max).map(UInt64.init) ?? 0
        let threads = top.value("threads")?.int(in: 1...256) ?? ProcessGroup.defaultThreads
        let tokenizer = top.value("tokenizer").flatMap { existingPath($0, base: base, what: "tokenizer file") }
        let model = top.required("model").flatMap { parseModel($0, base: base) }
        var stages: [StageConfig] = []
        var stageItems: [YAMLValue] = []
        var bestValues: [(StageConfig, YAMLValue)] = []
        if let list = top.required("stages")?.list {
            if list.isEmpty, let v = top.value("stages") { diags.report(v.mark, v.path, "a run needs at least one stage") }
            for (i, item) in list.enumerated() {
                var bestValue: YAMLValue?
                if let s = parseStage(item, index: i, base: base, maxContext: model.flatMap(maxContext), bestValue: &bestValue) {
                    if let bestValue { bestValues.append((s, bestValue)) }
                    if stages.contains(where: { $0.name == s.name }) {
                        diags.report(item.mark, item.path + ".name", "stage name '\(s.name)' is used twice")
                    }
                    if i == 0 && s.carryOptimizer {
                        diags.report(item.mark, item.path + ".carry_optimizer", "the first stage has no previous stage to carry optimizer state from")
                    }
                    stages.append(s)
                    stageItems.append(item)
                }
            }
        }
        checkLoRAPlacement(stages, items: stageItems, model: model)
        var evals: [EvalConfig] = []
        for item in top.value("evals")?.list ?? [] {
            if let e = parseEval(item, base: base, stageNames: stages.map(\.name)) { evals.append(e) }
        }
        for (stage, value) in bestValues { validateBest(stage, value: value, evals: evals) }
        guard let model else { return nil }
        var config = RunConfig(file: file, name: name, seed: seed, threads: threads, model: model, tokenizer: tokenizer,
                               stages: stages, evals: evals)
        config.precision = top.value("precision")?.choice(PrecisionSetting.allCases.map(\.rawValue))
            .flatMap(PrecisionSetting.init) ?? .auto
        return config
    }

    /// The context limit of the model, when it can be known before loading weights.
    static func maxContext(_ source: ModelSource) -> Int? {
        switch source {
        case .fresh(let c): return c.maxPositionEmbeddings
        case .initFrom(let url):
            if Checkpoint.isGGUF(url) { return (try? MistralConfig(gguf: GGUFFile(contentsOf: url)))?.maxPositionEmbeddings }
            return (try? MistralConfig.load(from: url.appendingPathComponent(Checkpoint.configFile)))?.maxPositionEmbeddings
        }
    }

    static func parseModel(_ value: YAMLValue, base: URL) -> ModelSource? {
        guard let m = value.mapping(allowed: modelKeys) else { return nil }
        if let v = m.value("init_from") {
            for key in modelKeys.dropFirst() where m.has(key) {
                value.diagnostics.report(m.value(key)?.mark ?? value.mark, value.path + "." + key,
                                         "init_from takes the model's shape from the checkpoint; remove this key")
            }
            guard let dir = existingPath(v, base: base, what: "checkpoint directory") else { return nil }
            if Checkpoint.isGGUF(dir) { return .initFrom(dir) }   // a pretrained model in llama.cpp's format
            if !FileManager.default.fileExists(atPath: dir.appendingPathComponent(Checkpoint.configFile).path)
                || !Checkpoint.hasWeights(dir) {
                value.diagnostics.report(v.mark, v.path, "\(dir.path) is not a checkpoint: it needs \(Checkpoint.configFile) and \(Checkpoint.weightsFile)")
                return nil
            }
            return .initFrom(dir)
        }
        let r = MistralConfig.reference
        func int(_ key: String, _ fallback: Int, _ range: ClosedRange<Int> = 1...1 << 20) -> Int { m.value(key)?.int(in: range) ?? fallback }
        let heads = int("num_attention_heads", r.numAttentionHeads)
        let hidden = int("hidden_size", r.hiddenSize)
        var config = MistralConfig(
            vocabSize: int("vocab_size", 0, 0...1 << 20), hiddenSize: hidden,
            intermediateSize: int("intermediate_size", r.intermediateSize),
            numHiddenLayers: int("num_hidden_layers", r.numHiddenLayers, 1...1024),
            numAttentionHeads: heads, numKeyValueHeads: int("num_key_value_heads", r.numKeyValueHeads),
            headDim: m.value("head_dim")?.int(in: 2...4096),
            maxPositionEmbeddings: int("max_position_embeddings", r.maxPositionEmbeddings),
            ropeTheta: m.value("rope_theta")?.double(in: 1...1e9) ?? r.ropeTheta,
            rmsNormEps: m.value("rms_norm_eps")?.double(in: 1e-12...1) ?? r.rmsNormEps,
            slidingWindow: m.value("sliding_window")?.int(in: 1...1 << 20),
            initializerRange: m.value("initializer_range")?.double(in: 0...1) ?? r.initializerRange)
        if let v = m.value("tie_word_embeddings"), let tied = v.bool, !tied {
            value.diagnostics.report(v.mark, v.path, "codetune ties the output head to the embedding; only true is supported")
        }
        // Shape problems (heads that do not divide the width, ...) at the model mapping's place.
        let probe = config.vocabSize == 0 ? { var c = config; c.vocabSize = 1; return c }() : config
        for problem in probe.problems(file: nil) {
            let key = problem.key ?? ""
            value.diagnostics.report(m.value(key)?.mark ?? value.mark, value.path + "." + key, problem.problem)
        }
        config.tieWordEmbeddings = true
        return .fresh(config)
    }

    /// - Parameter bestValue: set to the stage's `best:` node, for `validateBest` once the evals are known.
    static func parseStage(_ item: YAMLValue, index: Int, base: URL, maxContext: Int?, bestValue: inout YAMLValue?) -> StageConfig? {
        let diags = item.diagnostics
        guard let m = item.mapping(allowed: stageKeys) else { return nil }
        var name = "stage\(index + 1)"
        if let v = m.required("name"), let s = v.string {
            if isSafeName(s) { name = s } else { diags.report(v.mark, v.path, "'\(s)' must be letters, digits, '.', '-' or '_' (it names directories)") }
        }
        let objective = m.value("objective")?.choice(StageConfig.Objective.allCases.map(\.rawValue)).flatMap(StageConfig.Objective.init) ?? .nextToken
        let data = m.required("data").flatMap {
            existingPath($0, base: base, what: objective == .nextToken ? "dataset recipe" : "completion-examples file",
                         hint: objective == .completion
                            ? " (exercises: `codetune data exercises generate --out PATH`; telemetry: `codetune data synth-telemetry --out PATH`)"
                            : "")
        }
        let batch = m.value("batch_size")?.int(in: 1...4096) ?? 16
        let accum = m.value("grad_accum")?.int(in: 1...4096) ?? 1
        let context = m.value("context")?.int(in: 2...1 << 20) ?? min(256, maxContext ?? 256)
        if let maxContext, context > maxContext, let v = m.value("context") {
            diags.report(v.mark, v.path, "\(context) exceeds the model's max_position_embeddings \(maxContext)")
        }
        var steps = 0
        switch (m.value("steps"), m.value("tokens")) {
        case (let s?, nil): steps = s.int(in: 1...100_000_000) ?? 0
        case (nil, let t?): if let tokens = t.int(in: 1...Int.max / 2) { steps = (tokens + batch * accum * context - 1) / (batch * accum * context) }
        case (_?, let t?): diags.report(t.mark, t.path, "give either steps or tokens, not both")
        case (nil, nil): diags.report(item.mark, item.path + ".steps", "missing: give steps or tokens")
        }
        let lr = m.value("lr")?.double(in: 0...10) ?? 3e-4
        let warmup = m.value("warmup")?.int(in: 0...100_000_000) ?? 0
        if let v = m.value("warmup"), steps > 0, warmup > steps { diags.report(v.mark, v.path, "\(warmup) warm-up steps exceed the stage's \(steps) steps") }
        let minLR = m.value("min_lr")?.double(in: 0...10) ?? lr / 10
        if let v = m.value("min_lr"), minLR > lr { diags.report(v.mark, v.path, "\(minLR) is above lr \(lr)") }
        var betas = (0.9, 0.95)
        if let v = m.value("betas"), let list = v.list {
            if list.count != 2 { diags.report(v.mark, v.path, "expected two numbers [beta1, beta2]") }
            else if let b1 = list[0].double(in: 0...0.999999), let b2 = list[1].double(in: 0...0.999999) { betas = (b1, b2) }
        }
        let evalEvery = m.value("eval_every")?.int(in: 0...100_000_000) ?? 0
        var patience: Int?
        var minDelta = 0.0
        if let v = m.value("early_stopping") {
            if case .scalar = v.node { patience = v.int(in: 1...1_000_000) }
            else if let e = v.mapping(allowed: ["patience", "min_delta"]) {
                patience = e.required("patience")?.int(in: 1...1_000_000)
                minDelta = e.value("min_delta")?.double(in: 0...100) ?? 0
            }
        }
        var best = BestMetric.validationLoss
        bestValue = m.value("best")
        if let v = bestValue, let s = v.string {
            if let metric = BestMetric(s) { best = metric } else {
                diags.report(v.mark, v.path, "'\(s)' is not a metric: use val_loss or pass@K@SUITE (e.g. pass@1@basic-python)")
            }
        }
        var stage = StageConfig(
            name: name, data: data ?? base, objective: objective, steps: steps, batchSize: batch, gradAccum: accum,
            context: context, lr: lr, warmup: warmup,
            schedule: m.value("schedule")?.choice(StageConfig.Schedule.allCases.map(\.rawValue)).flatMap(StageConfig.Schedule.init) ?? .cosine,
            minLR: minLR, weightDecay: m.value("weight_decay")?.double(in: 0...10) ?? 0.1, beta1: betas.0, beta2: betas.1,
            clip: m.value("clip")?.double(in: 0...1e6) ?? 1.0,
            logEvery: m.value("log_every")?.int(in: 1...1_000_000) ?? 10,
            evalEvery: evalEvery,
            valBatches: m.value("val_batches")?.int(in: 1...1_000_000) ?? 8,
            checkpointEvery: m.value("checkpoint_every")?.int(in: 0...100_000_000) ?? evalEvery,
            keepLast: m.value("keep_last")?.int(in: 1...1000) ?? 2,
            earlyStoppingPatience: patience, earlyStoppingMinDelta: minDelta,
            carryOptimizer: m.value("carry_optimizer")?.bool ?? false,
            onNonFinite: m.value("on_nan")?.choice(StageConfig.OnNonFinite.allCases.map(\.rawValue)).flatMap(StageConfig.OnNonFinite.init) ?? .fail,
            allowContaminated: m.value("allow_contaminated")?.bool ?? false, best: best)
        stage.lora = parseLoRA(m, at: item)
        stage.precision = m.value("precision")?.choice(PrecisionSetting.allCases.map(\.rawValue)).flatMap(PrecisionSetting.init)
        return stage
    }

    static func parseEval(_ item: YAMLValue, base: URL, stageNames: [String]) -> EvalConfig? {
        if case .scalar = item.node {
            return existingPath(item, base: base, what: "eval suite").map { EvalConfig(suite: $0, n: nil, limit: nil, stages: []) }
        }
        guard let m = item.mapping(allowed: evalKeys) else { return nil }
        let suite = m.required("suite").flatMap { existingPath($0, base: base, what: "eval suite") }
        var stages: [String] = []
        for s in m.value("stages")?.list ?? [] {
            guard let n = s.string else { continue }
            if stageNames.contains(n) { stages.append(n) } else {
                let hint = closestMatch(to: n, in: stageNames).map { "; did you mean '\($0)'?" } ?? ""
                s.diagnostics.report(s.mark, s.path, "no stage named '\(n)'\(hint)")
            }
        }
        let n = m.value("n")?.int(in: 1...10_000)
        let limit = m.value("limit")?.int(in: 1...1_000_000)
        let gate = m.value("gate").map { $0.bool ?? true } ?? true
        let every = m.value("every")?.int(in: 1...10_000_000)
        guard let suite else { return nil }
        return EvalConfig(suite: suite, n: n, limit: limit, stages: stages, gate: every == nil ? gate : false, every: every)
    }

    /// A path from the config resolved against `base`; reports when nothing is there.
    static func existingPath(_ value: YAMLValue, base: URL, what: String, hint: String = "") -> URL? {
        guard let s = value.string else { return nil }
        guard !s.isEmpty else { value.diagnostics.report(value.mark, value.path, "empty path"); return nil }
        let expanded = (s as NSString).expandingTildeInPath
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
        guard FileManager.default.fileExists(atPath: url.path) else {
            value.diagnostics.report(value.mark, value.path, "no such \(what): \(url.standardizedFileURL.path)\(hint)")
            return nil
        }
        return url.standardizedFileURL
    }

    static func isSafeName(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix(".") && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) } && s.unicodeScalars.allSatisfy(\.isASCII)
    }
}

import FileFormats
import Foundation
import Models

extension RunConfig {
    /// The config with every default filled in and absolute paths, as YAML that `RunConfig.load`
    /// reads back to an equal config. Written into each run directory as `config.yaml`.
    public func resolvedYAML() -> String {
        var out = "# Resolved by codetune from \(file.path): defaults filled in, paths absolute.\n"
        out += "name: \(yaml(name))\nseed: \(seed)\nthreads: \(threads)\nprecision: \(precision.rawValue)\n"
        out += "model:\n"
        switch model {
        case .initFrom(let dir):
            out += "  init_from: \(yaml(dir.path))\n"
        case .fresh(let c):
            if c.vocabSize > 0 { out += "  vocab_size: \(c.vocabSize)\n" }
            out += """
              hidden_size: \(c.hiddenSize)
              intermediate_size: \(c.intermediateSize)
              num_hidden_layers: \(c.numHiddenLayers)
              num_attention_heads: \(c.numAttentionHeads)
              num_key_value_heads: \(c.numKeyValueHeads)
              head_dim: \(c.headDim)
              max_position_embeddings: \(c.maxPositionEmbeddings)
              rope_theta: \(number(c.ropeTheta))
              rms_norm_eps: \(number(c.rmsNormEps))
              initializer_range: \(number(c.initializerRange))
              tie_word_embeddings: true

            """
            if let w = c.slidingWindow { out += "  sliding_window: \(w)\n" }
        }
        if let tokenizer { out += "tokenizer: \(yaml(tokenizer.path))\n" }
        out += "stages:\n"
        for s in stages {
            out += """
              - name: \(yaml(s.name))
                objective: \(s.objective.rawValue)
                data: \(yaml(s.data.path))
                steps: \(s.steps)
                batch_size: \(s.batchSize)
                grad_accum: \(s.gradAccum)
                context: \(s.context)
                lr: \(number(s.lr))
                warmup: \(s.warmup)
                schedule: \(s.schedule.rawValue)
                min_lr: \(number(s.minLR))
                weight_decay: \(number(s.weightDecay))
                betas: [\(number(s.beta1)), \(number(s.beta2))]
                clip: \(number(s.clip))
                log_every: \(s.logEvery)
                eval_every: \(s.evalEvery)
                val_batches: \(s.valBatches)
                checkpoint_every: \(s.checkpointEvery)
                keep_last: \(s.keepLast)

            """
            if s.best != .validationLoss { out += "    best: \(yaml(s.best.description))\n" }
            if let p = s.earlyStoppingPatience {
                out += "    early_stopping: {patience: \(p), min_delta: \(number(s.earlyStoppingMinDelta))}\n"
            }
            out += "    carry_optimizer: \(s.carryOptimizer)\n    on_nan: \(s.onNonFinite.rawValue)\n"
            out += "    allow_contaminated: \(s.allowContaminated)\n"
            if let p = s.precision { out += "    precision: \(p.rawValue)\n" }
            out += RunConfig.loraYAML(s)
        }
        if !evals.isEmpty {
            out += "evals:\n"
            for e in evals {
                out += "  - suite: \(yaml(e.suite.path))\n"
                if let n = e.n { out += "    n: \(n)\n" }
                if let l = e.limit { out += "    limit: \(l)\n" }
                if !e.stages.isEmpty { out += "    stages: [\(e.stages.map(yaml).joined(separator: ", "))]\n" }
                if let every = e.every { out += "    every: \(every)\n" } else if !e.gate { out += "    gate: false\n" }
            }
        }
        return out
    }
}

/// A YAML scalar for `s`: plain when that reads back as the same string, double-quoted otherwise.
func yaml(_ s: String) -> String {
    let plainSafe = !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./@+".unicodeScalars.contains($0) }
        && Double(s) == nil && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(s.lowercased())
    return plainSafe ? s : StringLiteral.yamlDoubleQuoted.quote(s)
}

/// A number that YAML reads back as the same Double (`0.0003`, `1e-05`, `10000`).
func number(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(format: "%.1f", v) }
    return "\(v)"
}

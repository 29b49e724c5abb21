import FileFormats
import Foundation
import Models

/// The `lora:` and `base_precision:` keys of a stage:
///
///     lora: {rank: 8, alpha: 16, dropout: 0.05, targets: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]}
///     base_precision: q4     # fp32 (default), q8 or q4: how the frozen base is held in memory
///
/// Defaults: rank 8, alpha 16, dropout 0, all seven targets. A LoRA stage trains only the adapters; its
/// base is the `init_from` checkpoint directory or GGUF file (first stage) or the previous stage's final checkpoint, and it must
/// be the run's last stage (later stages would need the adapters merged; export them instead).
extension RunConfig {
    static let loraKeys = ["rank", "alpha", "dropout", "targets"]

    static func parseLoRA(_ stage: YAMLMapping, at item: YAMLValue) -> LoRASettings? {
        let precision = stage.value("base_precision")?.choice(BasePrecision.allCases.map(\.rawValue)).flatMap(BasePrecision.init)
        guard let v = stage.value("lora") else {
            if let p = stage.value("base_precision") { item.diagnostics.report(p.mark, p.path, "base_precision applies to a LoRA stage's frozen base; add lora: {...}") }
            return nil
        }
        guard let m = v.mapping(allowed: loraKeys) else { return nil }
        var targets = LoRATarget.allCases
        if let t = m.value("targets"), let list = t.list {
            targets = list.compactMap { $0.choice(LoRATarget.allCases.map(\.rawValue)).flatMap(LoRATarget.init) }
            if list.isEmpty { item.diagnostics.report(t.mark, t.path, "name at least one projection") }
        }
        return LoRASettings(rank: m.value("rank")?.int(in: 1...4096) ?? 8, alpha: m.value("alpha")?.double(in: 1e-6...1e6) ?? 16,
                            dropout: m.value("dropout")?.double(in: 0...0.99) ?? 0, targets: targets,
                            basePrecision: precision ?? .fp32)
    }

    /// Where LoRA stages may sit: the last stage, with a base to freeze, starting its own optimizer.
    static func checkLoRAPlacement(_ stages: [StageConfig], items: [YAMLValue], model: ModelSource?) {
        for (i, stage) in stages.enumerated() where stage.lora != nil && i < items.count {
            let item = items[i], path = item.path + ".lora"
            if i != stages.count - 1 {
                item.diagnostics.report(item.mark, path, "a LoRA stage must be the run's last stage (stage '\(stages[i + 1].name)' follows it)")
            }
            if i == 0, case .fresh? = model {
                item.diagnostics.report(item.mark, path, "LoRA freezes a pretrained base: set model.init_from, or train a full stage before this one")
            }
            if stage.carryOptimizer {
                item.diagnostics.report(item.mark, item.path + ".carry_optimizer", "a LoRA stage trains new parameters (the adapters): there is no optimizer state to carry")
            }
        }
    }

    /// The stage's LoRA keys as resolved YAML lines (empty without LoRA).
    static func loraYAML(_ stage: StageConfig) -> String {
        guard let l = stage.lora else { return "" }
        return "    lora: {rank: \(l.rank), alpha: \(number(l.alpha)), dropout: \(number(l.dropout)), targets: [\(l.targets.map(\.rawValue).joined(separator: ", "))]}\n"
            + "    base_precision: \(l.basePrecision.rawValue)\n"
    }
}

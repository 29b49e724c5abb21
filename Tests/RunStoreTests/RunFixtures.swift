import Foundation
import RunStore

/// Builds small run directories in a temporary runs dir for the tests.
struct RunFixtures {
    let runsDir: URL

    init() throws {
        runsDir = FileManager.default.temporaryDirectory.appendingPathComponent("runstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runsDir, withIntermediateDirectories: true)
    }

    /// Runs under `runsDir`, which the caller removes.
    init(runsDir: URL) { self.runsDir = runsDir }

    func remove() { try? FileManager.default.removeItem(at: runsDir) }

    /// A two-stage run: `pretrain` (losses start at `start`, fall by `drop` per report) then `finetune`,
    /// validation every other report, and optional pass@1 for suite `basic` after `finetune`.
    @discardableResult
    func makeRun(id: String, name: String = "demo", lr: String = "0.001", start: Double = 8, drop: Double = 0.5,
                 passAt1: Double? = nil, perProblem: [String: Double]? = nil, status: RunRecord.Status = .completed) throws -> RunDirectory {
        var record = RunRecord(id: id, name: name, configSHA256: String(repeating: "0", count: 64), gitCommit: nil,
                               host: "test", threads: 2, versions: ["codetune": "0.1"], stages: ["pretrain", "finetune"])
        record.status = status
        record.elapsedSeconds = 60
        let config = """
        name: \(name)
        seed: 1
        stages:
          - name: pretrain
            lr: \(lr)
            steps: 4
          - name: finetune
            lr: 0.0001
            steps: 4

        """
        let dir = try RunDirectory.create(runsDir: runsDir, record: record, configYAML: config)
        let log = try MetricsLog(url: dir.metricsURL)
        var loss = start
        for step in 1...8 {
            let stage = step <= 4 ? "pretrain" : "finetune"
            let stageStep = step <= 4 ? step : step - 4
            try log.append(MetricRecord(step: step, stage: stage, stageStep: stageStep, split: .train, loss: loss, lr: 1e-3,
                                        gradNorm: 1, tokens: step * 1000, tokensPerSecond: 500, time: 0, elapsed: Double(step)))
            if stageStep % 2 == 0 {
                try log.append(MetricRecord(step: step, stage: stage, stageStep: stageStep, split: .val, loss: loss + 0.1,
                                            tokens: step * 1000, time: 0, elapsed: Double(step)))
            }
            loss -= drop
        }
        if let passAt1 {
            let evalDir = dir.evalURL(suite: "basic", label: "finetune")
            try FileManager.default.createDirectory(at: evalDir, withIntermediateDirectories: true)
            try Data("{\"pass_at_k\": {\"pass@1\": \(passAt1)}, \"verdict\": \"pass\"}".utf8)
                .write(to: evalDir.appendingPathComponent("summary.json"))
        }
        if let perProblem {
            // A codetune summary: pass@1 is the mean of the per-problem values, which `per_problem` lists.
            let evalDir = dir.evalURL(suite: "basic", label: "finetune")
            try FileManager.default.createDirectory(at: evalDir, withIntermediateDirectories: true)
            let mean = perProblem.values.reduce(0, +) / Double(perProblem.count)
            let rows = perProblem.keys.sorted().map { id in
                "{\"task_id\": \"\(id)\", \"n\": 1, \"passed\": \(Int(perProblem[id]!)), \"pass_at_k\": {\"pass@1\": \(perProblem[id]!)}}"
            }
            let json = "{\"suite\": \"basic\", \"pass_at_k\": {\"pass@1\": \(mean)}, \"verdict\": \"pass\", \"per_problem\": [\(rows.joined(separator: ", "))]}"
            try Data(json.utf8).write(to: evalDir.appendingPathComponent("summary.json"))
        }
        return dir
    }
}

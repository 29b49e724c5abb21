import Foundation

/// `runs list` and `runs show`: tables and summaries over `RunSummary`.
public enum RunListing {
    /// One row per run: id, name, status, created, stages, tokens, duration, final losses, best pass@k.
    public static func table(_ runs: [RunSummary]) -> TextTable {
        let rows = runs.map { run -> [String] in
            let reached = run.stages.count
            let stages = "\(reached)/\(run.record.stages.count)"
            let best = run.bestPassAtK.keys.sorted().map { suite -> String in
                let ks = run.bestPassAtK[suite] ?? [:]
                let parts = ks.keys.sorted { EvalResult.kValue($0) < EvalResult.kValue($1) }.map { "\($0)=\(String(format: "%.3f", ks[$0] ?? 0))" }
                return "\(suite) " + parts.joined(separator: " ")
            }.joined(separator: "; ")
            return [run.record.id, run.record.name, run.displayStatus, MetricFormatting.time(run.record.created), stages,
                    MetricFormatting.count(run.tokens), MetricFormatting.duration(run.durationSeconds),
                    MetricFormatting.value(run.finalTrainLoss, metric: "loss"), MetricFormatting.value(run.finalValLoss, metric: "loss"),
                    best.isEmpty ? "-" : best]
        }
        return TextTable(header: ["id", "name", "status", "created (UTC)", "stages", "tokens", "duration", "train loss", "val loss", "best pass@k"],
                         rows: rows, rightAligned: [4, 5, 6, 7, 8])
    }

    /// `runs show`: the record, per-stage results, evals, checkpoints and the resolved config.
    public static func show(_ run: RunSummary) throws -> String {
        let r = run.record
        let stale = run.displayStatus == "stale" ? " (no live training process; resume with codetune train --resume \(run.directory.url.path))" : ""
        var out = "run       \(r.id)\nname      \(r.name)\nstatus    \(run.displayStatus)\(r.message.map { " — \($0)" } ?? "")\(stale)\n"
        out += "dir       \(run.directory.url.path)\n"
        out += "created   \(MetricFormatting.time(r.created)) UTC"
        if let f = r.finished { out += ", finished \(MetricFormatting.time(f)) UTC" }
        out += "\ntrained   \(MetricFormatting.duration(run.durationSeconds)) over \(MetricFormatting.count(run.tokens)) tokens"
        if r.resumes > 0 { out += " (resumed \(r.resumes)×)" }
        out += "\nhost      \(r.host), \(r.threads) threads"
        out += "\ncommit    \(r.gitCommit ?? "-")\nconfig    sha256 \(r.configSHA256)\n"
        if !r.versions.isEmpty { out += "versions  " + r.versions.keys.sorted().map { "\($0) \(r.versions[$0] ?? "")" }.joined(separator: ", ") + "\n" }
        out += "\n"
        let stageRows = r.stages.map { name -> [String] in
            guard let s = run.stages.first(where: { $0.name == name }) else { return [name, "-", "-", "-", "-", "-"] }
            return [name, MetricFormatting.count(s.steps), MetricFormatting.count(s.tokens),
                    MetricFormatting.value(s.finalTrainLoss, metric: "loss"), MetricFormatting.value(s.finalValLoss, metric: "loss"),
                    MetricFormatting.value(s.bestValLoss, metric: "loss")]
        }
        out += TextTable(header: ["stage", "steps", "tokens", "train loss", "val loss", "best val"], rows: stageRows, rightAligned: [1, 2, 3, 4, 5]).plain()
        if !run.evals.isEmpty {
            out += "\n" + TextTable(header: ["suite", "stage", "pass@k"], rows: run.evals.map { e in
                [e.suite, e.stage, e.passAtK.keys.sorted { EvalResult.kValue($0) < EvalResult.kValue($1) }
                    .map { k in
                        var text = "\(k)=\(String(format: "%.3f", e.passAtK[k] ?? 0))"
                        if let ci = e.intervals[k] {
                            text += " " + ci.bracketed
                        }
                        return text
                    }.joined(separator: "  ")]
            }).plain()
            if run.evals.contains(where: { !$0.intervals.isEmpty }) {
                out += "pass@k [95% percentile bootstrap interval over problems] n=problems\n"
            }
        }
        let checkpoints = run.directory.checkpoints.names()
        out += "\ncheckpoints  " + (checkpoints.isEmpty ? "none" : checkpoints.joined(separator: ", ")) + "\n"
        out += "\n# config.yaml\n" + (try run.directory.readConfigText())
        return out
    }
}

import FileFormats
import Foundation

/// One run on disk, `RUNS/<name>/<run-id>/`:
///
/// ```
/// run.json        RunRecord, rewritten atomically
/// config.yaml     the resolved config (defaults filled in)
/// metrics.jsonl   MetricRecord lines, append-only
/// checkpoints/    one directory per checkpoint (RunCheckpoints)
/// evals/<suite>/<label>/summary.json    (+ samples.jsonl, results.jsonl, junit.xml, summary.md)
/// ```
public struct RunDirectory: Equatable, Sendable {
    public let url: URL

    public init(url: URL) { self.url = URL(fileURLWithPath: url.standardizedFileURL.path, isDirectory: true) }

    public var recordURL: URL { url.appendingPathComponent("run.json") }
    public var configURL: URL { url.appendingPathComponent("config.yaml") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpoints: RunCheckpoints { RunCheckpoints(url: url.appendingPathComponent("checkpoints")) }
    public var evalsURL: URL { url.appendingPathComponent("evals") }

    /// Where eval suite `suite` (its name) writes its reports for the checkpoint labelled `label`
    /// (`CheckpointName.evalLabel(of:)`: the stage name for a stage end).
    public func evalURL(suite: String, label: String) -> URL {
        evalsURL.appendingPathComponent(suite).appendingPathComponent(label)
    }

    /// `file`'s path relative to the run directory when it lies inside it (`evals/basic-python/finetune`),
    /// else its absolute path.
    public func relativePath(of file: URL) -> String {
        let path = file.standardizedFileURL.path, root = url.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// Creates `runsDir/<name>/<id>/` with its config and a `running` record. The directory is
    /// assembled under a temporary name and renamed, so a listed run always has both files.
    public static func create(runsDir: URL, record: RunRecord, configYAML: String) throws -> RunDirectory {
        let dir = runsDir.appendingPathComponent(record.name).appendingPathComponent(record.id)
        if FileManager.default.fileExists(atPath: dir.path) {
            throw InputError(file: dir.path, "run directory already exists")
        }
        try AtomicFile.writeDirectory(dir) { tmp in
            try Data(configYAML.utf8).write(to: tmp.appendingPathComponent("config.yaml"))
            try record.encoded().write(to: tmp.appendingPathComponent("run.json"))
            try FileManager.default.createDirectory(at: tmp.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        }
        return RunDirectory(url: dir)
    }

    /// Whether `url` looks like a run directory (has a `run.json`).
    public static func isRun(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("run.json").path)
    }

    public func readRecord() throws -> RunRecord {
        let data: Data
        do { data = try Data(contentsOf: recordURL) } catch {
            throw InputError(file: recordURL.path, "cannot read: not a run directory")
        }
        return try RunRecord.decode(data, file: recordURL.path)
    }

    /// Replaces `run.json` atomically, stamping `updated`.
    public func writeRecord(_ record: RunRecord) throws {
        var r = record
        r.updated = Date()
        try AtomicFile.write(try r.encoded(), to: recordURL)
    }

    /// Reads, changes and rewrites `run.json`.
    @discardableResult
    public func updateRecord(_ change: (inout RunRecord) -> Void) throws -> RunRecord {
        var r = try readRecord()
        change(&r)
        try writeRecord(r)
        return try readRecord()
    }

    public func readConfigText() throws -> String {
        do { return try String(contentsOf: configURL, encoding: .utf8) } catch {
            throw InputError(file: configURL.path, "cannot read the run's config")
        }
    }

    public func readMetrics() throws -> [MetricRecord] { try MetricsLog.read(metricsURL) }

    /// Every `evals/<suite>/<stage>/summary.json` that parses, with the pass@k values in it and, for codetune's
    /// summaries, the per-problem values and intervals.
    public func readEvals() -> [EvalResult] {
        let fm = FileManager.default
        var out: [EvalResult] = []
        for suite in ((try? fm.contentsOfDirectory(atPath: evalsURL.path)) ?? []).sorted() where !suite.hasPrefix(".") {
            let suiteURL = evalsURL.appendingPathComponent(suite)
            for stage in ((try? fm.contentsOfDirectory(atPath: suiteURL.path)) ?? []).sorted() where !stage.hasPrefix(".") {
                let file = suiteURL.appendingPathComponent(stage).appendingPathComponent("summary.json")
                if let data = try? Data(contentsOf: file), let result = EvalResult.read(summary: data, suite: suite, stage: stage) {
                    out.append(result)
                }
            }
        }
        return out
    }
}
